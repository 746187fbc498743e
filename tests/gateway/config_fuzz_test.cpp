// Seeded mutation fuzzing of rexd's config file parser: ops/rexd.json, ops/rexd-production.json and
// a config setting every documented key, with bytes flipped, inserted and cut, values swapped for
// wrong types and numbers of any size, keys repeated, values nested deep, invalid UTF-8 and NULs.
// Every input loads or is refused with a ConfigError naming the key (or, for text that is not
// JSON, the line and column); nothing crashes (ASan/UBSan in the debug preset). What loads holds
// exactly the file's numbers, each within docs/rexd-config.md's range; what is refused leaves the
// config as it was.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "config_support.hpp"
#include "gateway/config.hpp"
#include "gateway/cpu_list.hpp"
#include "gateway/json_in.hpp"
#include "json_mutator.hpp"
#include "reference-data/json_error_position.hpp"

using namespace rex::gateway;
using rex::refdata::find_json_problem;
using rex::refdata::fits_64_bits;
using rex::refdata::JsonOddNumber;
using rex::testing::JsonMutator;
using rex::testing::kTokens;
using rex::testing::scalar_values;

namespace {

std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(REX_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

// The numeric keys and their ranges as docs/rexd-config.md states them.
struct NumberKey {
  const char* path;
  std::uint64_t min;
  std::uint64_t max;
  std::optional<std::uint64_t> (*get)(const RexdConfig&);
};
using Got = std::optional<std::uint64_t>;
const NumberKey kNumberKeys[] = {
    {"listen.port", 0, 65535, [](const RexdConfig& c) -> Got { return c.server.port; }},
    {"io_threads", 1, 64, [](const RexdConfig& c) -> Got { return c.server.io_threads; }},
    {"journal.inbound_capacity", 2, 1 << 24, [](const RexdConfig& c) -> Got { return c.inbound_capacity; }},
    {"journal.max_group_commands", 1, 1 << 20, [](const RexdConfig& c) -> Got { return c.max_group_commands; }},
    {"journal.snapshot_every_commands", 0, kMax64, [](const RexdConfig& c) -> Got { return c.snapshot_every_commands; }},
    {"journal.write_ahead_log_mb", 0, 16384, [](const RexdConfig& c) -> Got { return c.write_ahead_log_mb; }},
    {"journal.group_linger_us", 0, 100'000, [](const RexdConfig& c) -> Got { return c.group_linger_us; }},
    {"sessions.max_frame_bytes", 256, 64 << 20, [](const RexdConfig& c) -> Got { return c.server.max_frame_bytes; }},
    {"sessions.max_message_bytes", 256, 64 << 20, [](const RexdConfig& c) -> Got { return c.server.max_message_bytes; }},
    {"sessions.max_send_queue_messages", 1, kMax64, [](const RexdConfig& c) -> Got { return c.server.max_send_queue_messages; }},
    {"sessions.max_send_queue_bytes", 1024, kMax64, [](const RexdConfig& c) -> Got { return c.server.max_send_queue_bytes; }},
    {"sessions.rate_limit_per_second", 0, 100'000'000, [](const RexdConfig& c) -> Got { return c.server.rate_limit_per_second; }},
    {"sessions.rate_limit_burst", 1, 1'000'000, [](const RexdConfig& c) -> Got { return c.server.rate_limit_burst; }},
    {"sessions.handshake_timeout_seconds", 1, 3600, [](const RexdConfig& c) -> Got { return c.server.handshake_timeout_seconds; }},
    {"sessions.idle_timeout_seconds", 2, 3600, [](const RexdConfig& c) -> Got { return c.server.idle_timeout_seconds; }},
    {"risk.price_collar_bp", 0, 10'000, [](const RexdConfig& c) -> Got { return c.server.core.price_collar_bp; }},
    {"market_data.recent_trades", 0, 100'000, [](const RexdConfig& c) -> Got { return c.server.core.recent_trades; }},
    {"orders.finished_orders_kept", 1, 100'000'000, [](const RexdConfig& c) -> Got { return c.server.core.finished_orders_kept; }},
    {"clock_interval_ms", 0, 3'600'000, [](const RexdConfig& c) -> Got { return c.clock_interval_ms; }},
};

// Every other key, and the sections.
const std::vector<std::string> kOtherKeys = {
    "listen", "journal", "auth", "demo", "sessions", "risk", "market_data", "orders", "session",
    "listen.address", "io_cpus", "log_level", "catalogue", "journal.data_directory", "auth.key_file", "demo.sample_day",
    "session.end_time", "journal.sync_commits", "auth.cancel_on_disconnect", "demo.enabled", "demo.seed_sample_day",
    "session.end_of_day"};

bool known_key(const std::string& key) {
  for (const NumberKey& k : kNumberKeys) {
    if (key == k.path) return true;
  }
  return std::find(kOtherKeys.begin(), kOtherKeys.end(), key) != kOtherKeys.end();
}

// `value` as digits alone (no sign, fraction or exponent) in [min, max].
bool digits_in_range(const std::string& value, std::uint64_t min, std::uint64_t max) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || !fits_64_bits(value)) return false;
  const std::uint64_t v = std::stoull(value);
  return v >= min && v <= max;
}

std::string pointer(std::string_view path) {
  std::string out = "/" + std::string(path);
  std::replace(out.begin(), out.end(), '.', '/');
  return out;
}

// Every key of docs/rexd-config.md's table, at its edge of the range where it has one.
std::string every_key_config() {
  const std::string all = allowed_cpus_text();
  const std::string cpu = all.substr(0, all.find_first_of(",-"));
  return R"({
  "listen": {"address": "0.0.0.0", "port": 65535},
  "io_threads": 64,
  "io_cpus": ")" + cpu + R"(",
  "log_level": "warn",
  "catalogue": "reference-data/catalogue/rex-catalogue.json",
  "journal": {
    "data_directory": "var/rexd/fuzz-journal",
    "sync_commits": false,
    "inbound_capacity": 16777216,
    "max_group_commands": 1,
    "snapshot_every_commands": 18446744073709551615,
    "write_ahead_log_mb": 16384,
    "group_linger_us": 100000
  },
  "auth": {"key_file": "/etc/rex/api-keys.json", "cancel_on_disconnect": false},
  "demo": {"enabled": false, "seed_sample_day": false, "sample_day": "ops/sample-day/other.workload"},
  "sessions": {
    "max_frame_bytes": 256,
    "max_message_bytes": 67108864,
    "max_send_queue_messages": 1,
    "max_send_queue_bytes": 1024,
    "rate_limit_per_second": 0,
    "rate_limit_burst": 1000000,
    "handshake_timeout_seconds": 3600,
    "idle_timeout_seconds": 2
  },
  "risk": {"price_collar_bp": 10000},
  "market_data": {"recent_trades": 0},
  "orders": {"finished_orders_kept": 1},
  "clock_interval_ms": 3600000,
  "session": {"end_of_day": false, "end_time": "23:59:59"}
}
)";
}

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> s = {read_text("ops/rexd.json"), read_text("ops/rexd-production.json"),
                                             every_key_config()};
  return s;
}

// What a refusal must say: for text that is not JSON, where; else the key it is about.
void check_refusal(const std::string& message) {
  INFO(message);
  REQUIRE_FALSE(message.empty());
  if (message.rfind("not valid JSON", 0) == 0) {
    REQUIRE(message.rfind("not valid JSON at line ", 0) == 0);
    return;
  }
  for (char c : message) REQUIRE(static_cast<unsigned char>(c) >= 0x20);  // on one line, as the file holds it
  const std::string unknown = ": unknown key";
  if (message.size() > unknown.size() && message.ends_with(unknown)) return;  // the key as the file spells it
  const std::size_t colon = message.find(": ");
  REQUIRE(colon != std::string::npos);
  REQUIRE(message.size() > colon + 2);
  const std::string key = message.substr(0, colon);
  REQUIRE((known_key(key) || key == "(top level)"));
}

// What a load must hold: exactly the file's numbers (none cut to fit), each within its range.
void check_loaded(const std::string& text, const RexdConfig& c) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(simdjson::padded_string(text)).get(root));
  for (const NumberKey& k : kNumberKeys) {
    INFO(k.path);
    const Got got = k.get(c);
    if (got) {
      CHECK(*got >= k.min);
      CHECK(*got <= k.max);
    }
    simdjson::dom::element e;
    if (root.at_pointer(pointer(k.path)).get(e)) continue;
    std::uint64_t written = 0;
    REQUIRE_FALSE(e.get_uint64().get(written));
    REQUIRE(got);
    CHECK(*got == written);
  }
  CHECK(c.server.max_message_bytes >= c.server.max_frame_bytes);
  for (const char* path : {"catalogue", "journal.data_directory", "demo.sample_day"}) {
    simdjson::dom::element e;
    std::string_view written;
    if (!root.at_pointer(pointer(path)).get(e) && !e.get_string().get(written)) CHECK_FALSE(written.empty());
  }
}

// reference-data/json_error_position.hpp finds a problem in just the text simdjson refuses (a number it cannot hold aside).
void check_scanner_agrees(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const auto error = parser.parse(simdjson::padded_string(text)).get(root);
  std::vector<JsonOddNumber> odd;
  const auto problem = find_json_problem(text, parser.max_depth(), &odd);
  INFO(simdjson::error_message(error));
  INFO((problem ? problem->what : "no problem"));
  if (error == simdjson::NUMBER_ERROR) {
    CHECK((problem || !odd.empty()));
  } else {
    CHECK(bool(problem) == bool(error));
  }
}

// Loads `text` on top of `base`: a load is checked, a refusal must leave `base` as it was.
void load_or_refuse(const std::string& text, const RexdConfig& base, int& loaded) {
  INFO(text);
  RexdConfig c = base;
  try {
    apply_config_json(text, c);
  } catch (const ConfigError& e) {
    check_refusal(e.what());
    rex::testing::same(c, base);
    return;
  }
  ++loaded;
  check_loaded(text, c);
}

}  // namespace

TEST_CASE("config fuzz: the seeds load, and set every key docs/rexd-config.md lists", "[gateway][config][fuzz]") {
  const std::string docs = read_text("docs/rexd-config.md");
  const std::size_t table = docs.find("## Config file");
  REQUIRE(table != std::string::npos);
  std::vector<std::string> documented;
  for (std::size_t row = docs.find("\n| `", table); row != std::string::npos && row < docs.find("\n## ", table + 1);
       row = docs.find("\n| `", row + 1)) {
    documented.push_back(docs.substr(row + 4, docs.find('`', row + 4) - row - 4));
  }
  CHECK(documented.size() == std::size(kNumberKeys) + kOtherKeys.size() - 9);  // 9 sections
  simdjson::dom::parser parser;
  simdjson::dom::element every;
  REQUIRE_FALSE(parser.parse(simdjson::padded_string(every_key_config())).get(every));
  for (const std::string& key : documented) {
    INFO(key);
    CHECK(known_key(key));
    simdjson::dom::element e;
    CHECK_FALSE(every.at_pointer(pointer(key)).get(e));
  }
  for (const std::string& seed : seeds()) {
    RexdConfig c;
    REQUIRE_NOTHROW(apply_config_json(seed, c));
    check_loaded(seed, c);
  }
}

TEST_CASE("config fuzz: mutated config files load or are refused naming the key or the position",
          "[gateway][config][fuzz]") {
  RexdConfig base;
  apply_config_json(every_key_config(), base);
  JsonMutator mutator(20261201, seeds());  // fixed seed: the same inputs every run
  constexpr int kIterations = 5'000;
  int loaded = 0;
  for (int i = 0; i < kIterations; ++i) {
    const std::string text = mutator.mutate(seeds()[mutator.pick(seeds().size())]);
    check_scanner_agrees(text);
    load_or_refuse(text, base, loaded);
  }
  CHECK(loaded > 0);
}

TEST_CASE("config fuzz: every truncation of a config file is refused with its position", "[gateway][config][fuzz]") {
  const RexdConfig base;
  for (const std::string& seed : seeds()) {
    const std::size_t end = seed.find_last_not_of(" \n") + 1;
    for (std::size_t size = 0; size < end; ++size) {
      RexdConfig c;
      try {
        apply_config_json(seed.substr(0, size), c);
        FAIL("loaded " << seed.substr(0, size));
      } catch (const ConfigError& e) {
        INFO(seed.substr(0, size));
        check_refusal(e.what());
        CHECK(std::string(e.what()).rfind("not valid JSON at line ", 0) == 0);
      }
    }
  }
}

TEST_CASE("config fuzz: any value of a known key loads exactly or is refused naming that key", "[gateway][config][fuzz]") {
  const std::string every = every_key_config();
  RexdConfig base;
  apply_config_json(every, base);
  const auto values = scalar_values(every);
  for (const auto& [at, size] : values) {
    const std::size_t key_end = every.rfind('"', at - 1);
    const std::size_t key_begin = every.rfind('"', key_end - 1) + 1;
    const std::string key = every.substr(key_begin, key_end - key_begin);
    const std::size_t section = every.rfind("\": {", key_begin);
    const std::size_t closed = every.rfind('}', key_begin);
    const bool nested = section != std::string::npos && (closed == std::string::npos || closed < section);
    const std::string path =
        nested ? every.substr(every.rfind('"', section - 1) + 1, section - every.rfind('"', section - 1) - 1) + "." + key
               : key;
    INFO(path);
    REQUIRE(known_key(path));
    const NumberKey* number = nullptr;
    for (const NumberKey& k : kNumberKeys) {
      if (path == k.path) number = &k;
    }
    std::vector<std::string> candidates = kTokens;
    if (number) {
      for (std::uint64_t v : {number->min - 1, number->min, number->max, number->max + 1}) candidates.push_back(std::to_string(v));
    }
    for (const std::string& value : candidates) {
      const std::string text = every.substr(0, at) + value + every.substr(at + size);
      INFO(text);
      RexdConfig c = base;
      std::string refusal;
      try {
        apply_config_json(text, c);
      } catch (const ConfigError& e) {
        refusal = e.what();
      }
      if (!refusal.empty()) {
        INFO(refusal);
        // A value that is not JSON by itself (a NUL, invalid UTF-8, a lone surrogate) is found by its position.
        const bool json = !find_json_problem(value, 1024);
        CHECK(refusal.rfind(json ? path + ": " : "not valid JSON at line ", 0) == 0);
        rex::testing::same(c, base);
      }
      if (!number || value == "-0") continue;  // -0: whether 0 or not an integer, either answer is right
      const bool in_range = digits_in_range(value, number->min, number->max);
      CHECK(refusal.empty() == in_range);
      if (in_range) CHECK(number->get(c) == std::stoull(value));
      if (!in_range && value.find_first_not_of("0123456789") == std::string::npos) {
        CHECK(refusal == path + ": must be between " + std::to_string(number->min) + " and " + std::to_string(number->max));
      }
    }
  }
}
