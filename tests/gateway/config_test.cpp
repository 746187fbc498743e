// rexd's config: ops/rexd.json is exactly the built-in defaults; keys override; errors name the key.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config_support.hpp"
#include "gateway/auth.hpp"
#include "gateway/config.hpp"
#include "gateway/session_clock.hpp"
#include "reference-data/loader.hpp"
#include "reference-data/sha256.hpp"

using namespace rex::gateway;
using rex::testing::same;

namespace {

// The message a config is refused with, or "no error".
std::string error(std::string_view json) {
  RexdConfig x;
  try {
    apply_config_json(json, x);
  } catch (const ConfigError& e) {
    return std::string(e.what());
  }
  return std::string("no error");
}

}  // namespace

TEST_CASE("session end: HH:MM or HH:MM:SS in UTC+8, and the last one before a moment", "[gateway][config]") {
  RexdConfig c;
  apply_config_json(R"({"session":{"end_of_day":false,"end_time":"14:30:15"}})", c);
  CHECK_FALSE(c.end_of_day);
  CHECK(c.session_end == 14 * 3600 + 30 * 60 + 15);
  CHECK(format_time_of_day(c.session_end) == "14:30:15");
  for (const char* bad : {"24:00", "9:00", "15:60", "15:00:60", "15-00", "15:00:0", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(apply_config_json(std::string(R"({"session":{"end_time":")") + bad + "\"}}", c), ConfigError);
  }
  CHECK_THROWS_AS(apply_config_json(R"({"session":{"end":"15:00"}})", c), ConfigError);
  // 2026-11-29 06:59:59 UTC is 14:59:59 in UTC+8: the last 15:00 was the day before, at 07:00 UTC.
  constexpr std::uint64_t s = 1'000'000'000;
  const std::uint64_t t = 1'795'935'599 * s;
  CHECK(last_session_end(t, 15 * 3600) == t + s - 86'400 * s);
  CHECK(last_session_end(t + s, 15 * 3600) == t + s);  // at the session end itself
  CHECK(last_session_end(t, 0) == t + s - 15 * 3600 * s);  // midnight UTC+8 is 16:00 UTC
}

TEST_CASE("ops/rexd.json states exactly the built-in defaults", "[gateway][config]") {
  RexdConfig from_file;
  apply_config_file(std::string(REX_SOURCE_DIR) + "/ops/rexd.json", from_file);
  const RexdConfig defaults;
  same(from_file, defaults);
}

TEST_CASE("ops/rexd-production.json turns the demo off and names a key file", "[gateway][config]") {
  RexdConfig c;
  apply_config_file(std::string(REX_SOURCE_DIR) + "/ops/rexd-production.json", c);
  CHECK_FALSE(c.demo);
  CHECK_FALSE(c.key_file.empty());
  CHECK(c.sync_commits);
}
TEST_CASE("group linger: 500 us when groups are synced, none when not, unless set", "[gateway][config]") {
  RexdConfig c;
  CHECK(c.sync_commits);
  CHECK(c.group_linger_or_default() == 500);
  apply_config_json(R"({"journal":{"sync_commits":false}})", c);
  CHECK(c.group_linger_or_default() == 0);
  apply_config_json(R"({"journal":{"group_linger_us":200}})", c);
  CHECK(c.group_linger_or_default() == 200);
  apply_config_json(R"({"journal":{"sync_commits":true,"group_linger_us":0}})", c);
  CHECK(c.group_linger_or_default() == 0);
  CHECK_THROWS_AS(apply_config_json(R"({"journal":{"group_linger_us":100001}})", c), ConfigError);
  CHECK(c.group_linger_or_default() == 0);
}

TEST_CASE("config keys override, errors name the key", "[gateway][config]") {
  RexdConfig c;
  apply_config_json(R"({"listen":{"port":9000},"sessions":{"rate_limit_per_second":5},"demo":{"enabled":false},
                        "risk":{"price_collar_bp":300},"log_level":"warn","io_cpus":"0"})", c);
  CHECK(c.server.port == 9000);
  CHECK(c.server.rate_limit_per_second == 5);
  CHECK_FALSE(c.demo);
  CHECK(c.server.core.price_collar_bp == 300);
  CHECK(c.log_level == LogLevel::kWarn);
  CHECK(c.server.io_cpus == std::vector<unsigned>{0});
  CHECK(error(R"({"listen":{"prot":1}})") == "listen.prot: unknown key");
  CHECK(error(R"({"listen":{"port":"80"}})") == "listen.port: expected a non-negative integer");
  CHECK(error(R"({"listen":{"port":70000}})") == "listen.port: must be between 0 and 65535");
  CHECK(error(R"({"journal":{"sync_commits":1}})") == "journal.sync_commits: expected true or false");
  CHECK(error(R"({"log_level":"loud"})") == "log_level: expected debug, info, warn, error or off");
  CHECK(error(R"({"log_level":""})") == "log_level: expected debug, info, warn, error or off");
  CHECK(error(R"({"listen":{"address":"localhost"}})") ==
        "listen.address: 'localhost' is not an IP address (write 127.0.0.1, 0.0.0.0 or ::1, not a host name)");
  CHECK(error(R"({"listen":{"address":"::1"}})") == "no error");
  CHECK(error(R"({"x":1})") == "x: unknown key");
  CHECK(error(R"({"io_cpus":"0-"})") == "io_cpus: '0-' is not a CPU list (e.g. 1, 0,2 or 0-3)");
  CHECK(error(R"({"io_cpus":"1000"})").find("io_cpus: '1000': CPU 1000 is not one this process may run on") == 0);
  CHECK(error("[").find("not valid JSON") == 0);
}

TEST_CASE("API keys: demo keys, a key file of SHA-256 hashes, and its errors", "[gateway][auth]") {
  const auto catalogue = rex::refdata::load_catalogue_file(std::string(REX_SOURCE_DIR) +
                                                           "/reference-data/catalogue/rex-catalogue.json");
  const KeyStore demo = KeyStore::demo(catalogue, true);
  CHECK(KeyStore::demo_key("ZYTRADE") == "demo-zytrade");
  REQUIRE(demo.find("demo-zytrade"));
  CHECK(demo.find("demo-zytrade")->participant == 8);
  CHECK_FALSE(demo.find("demo-ZYTRADE"));

  const auto path = std::filesystem::temp_directory_path() / ("rex-keys-" + std::to_string(::getpid()) + ".json");
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  const std::string hash = rex::refdata::sha256_hex("s3cret");
  write(R"({"format":"rex-api-keys","keys":[{"participant":"XCROD","sha256":")" + hash +
        R"(","cancel_on_disconnect":false},{"participant":"REXOPS","sha256":")" + rex::refdata::sha256_hex("ops") + "\"}]}");
  const KeyStore file = KeyStore::load_file(path, catalogue, true);
  CHECK(file.size() == 2);
  REQUIRE(file.find("s3cret"));
  CHECK(file.find("s3cret")->participant == 5);
  CHECK_FALSE(file.find("s3cret")->cancel_on_disconnect);
  CHECK(file.find("ops")->cancel_on_disconnect);  // the default
  CHECK_FALSE(file.find("demo-xcrod"));
  CHECK(file.cancel_on_disconnect(5, true) == false);

  auto error = [&](const std::string& text) {
    write(text);
    try {
      KeyStore::load_file(path, catalogue, true);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error(R"({"format":"x","keys":[]})").find("\"format\" must be") != std::string::npos);
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":"NOBODY","sha256":")" + hash + "\"}]}")
            .find("keys[0].participant: no participant NOBODY") != std::string::npos);
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":"XCROD","sha256":"ABC"}]})")
            .find("keys[0].sha256") != std::string::npos);
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":"XCROD","sha256":")" + hash +
              R"("},{"participant":"XCROD","sha256":")" + hash + "\"}]}")
            .find("the same key twice") != std::string::npos);
  // a misspelt setting is refused, not silently left at its default
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":"XCROD","sha256":")" + hash +
              R"(","cancel_on_disconect":false}]})") == path.string() + ": keys[0].cancel_on_disconect: unknown key");
  CHECK(error(R"({"format":"rex-api-keys","keys":["XCROD"]})") == path.string() + ": keys[0]: expected an object");
  // Read without a catalogue (rexd does, before the journal that holds the one in force): the
  // participants are found only against one.
  write(R"({"format":"rex-api-keys","keys":[{"participant":"NOBODY","sha256":")" + hash + "\"}]}");
  const auto entries = read_key_file(path, false);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].participant == "NOBODY");
  CHECK(entries[0].sha256 == hash);
  CHECK_FALSE(entries[0].cancel_on_disconnect);
  CHECK_THROWS_WITH(KeyStore::from_entries(path, entries, catalogue),
                    path.string() + ": keys[0].participant: no participant NOBODY in the catalogue");
  std::filesystem::remove(path);
}

TEST_CASE("config: what the fuzz tests found is refused, naming the key or the position", "[gateway][config]") {
  // A key given twice: simdjson finds the first, so the second was silently dropped.
  CHECK(error(R"({"listen":{"port":80,"port":70000}})") == "listen.port: given twice");
  CHECK(error(R"({"journal":{},"journal":{"sync_commits":false}})") == "journal: given twice");
  // A number beyond 64 bits or a double's range was refused as the whole file, naming nothing.
  CHECK(error(R"({"listen":{"port":18446744073709551616}})") == "listen.port: must be between 0 and 65535");
  CHECK(error(R"({"clock_interval_ms":1e400})") == "clock_interval_ms: expected a non-negative integer");
  // A NUL cut a path or an address short where the system reads it.
  CHECK(error(R"({"catalogue":"a\u0000b"})") == "catalogue: a control character in the string");
  CHECK(error(R"({"listen":{"address":"127.0.0.1\u0000x"}})") == "listen.address: a control character in the string");
  // An empty path, and the reader's own marker for an absent log level, were taken.
  CHECK(error(R"({"catalogue":""})") == "catalogue: expected a path, not an empty string");
  CHECK(error(R"x({"log_level":"(absent)"})x") == "log_level: expected debug, info, warn, error or off");
  // Text that is not JSON: where, not only what.
  CHECK(error("{\"listen\":{\"port\":8080,}}") == "not valid JSON at line 1, column 24: expected a key in double quotes, found '}'");
  CHECK(error("{\n  \"io_threads\": 1\n  \"log_level\": \"info\"\n}") ==
        "not valid JSON at line 3, column 3: expected ',' or '}', found '\"'");
  CHECK(error(std::string("{\"catalogue\":\"a\0\"}", 18)) ==
        "not valid JSON at line 1, column 16: a control character (byte 0x00) in a string: write it as an escape (\\n, \\u0000)");
  CHECK(error("") == "not valid JSON at line 1, column 1: no JSON value, the text is empty");
  // A key that is not a plain name is quoted, so the message shows where it ends.
  CHECK(error(R"({"":1})") == R"("": unknown key)");
  CHECK(error(R"({"ses: 1":{}})") == R"("ses: 1": unknown key)");
  CHECK(error(R"({"log\nlevel":"info"})") == R"("log\u000alevel": unknown key)");
  // A refused file leaves the config as it was, not half applied.
  RexdConfig c;
  CHECK_THROWS_AS(apply_config_json(R"({"listen":{"port":9000},"journal":{"inbound_capacity":1}})", c), ConfigError);
  CHECK(c.server.port == RexdConfig{}.server.port);
  // A directory is not a config file (it read as an empty text).
  CHECK_THROWS_WITH(apply_config_file(std::filesystem::temp_directory_path(), c),
                    std::filesystem::temp_directory_path().string() + ": a directory, not a config file");
}

TEST_CASE("API keys: what the fuzz tests found in key files is refused naming the entry or the position", "[gateway][auth]") {
  const auto path = std::filesystem::temp_directory_path() / ("rex-keys-found-" + std::to_string(::getpid()) + ".json");
  auto error = [&](const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    try {
      read_key_file(path, true);
    } catch (const std::runtime_error& e) {
      return std::string(e.what()).substr(path.string().size() + 2);
    }
    return std::string("no error");
  };
  const std::string entry = R"({"participant":"XCROD","sha256":")" + rex::refdata::sha256_hex("k") + "\"}";
  // A repeated or misspelt key: simdjson finds the first "keys", so the second list was not read.
  CHECK(error(R"({"format":"rex-api-keys","keys":[],"keys":[)" + entry + "]}") == "keys: given twice");
  CHECK(error(R"({"format":"rex-api-keys","keys":[],"kyes":[)" + entry + "]}") == "kyes: unknown key");
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":"XCROD","participant":"REXOPS","sha256":")" +
              rex::refdata::sha256_hex("k") + "\"}]}") == "keys[0].participant: given twice");
  // A participant that cannot be a catalogue code (a NUL, which cut the later message short).
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":"XC\u0000ROD","sha256":")" + rex::refdata::sha256_hex("k") +
              "\"}]}") == "keys[0].participant: expected a participant code ([A-Z][A-Z0-9_]*, at most 32 characters)");
  // Text that is not JSON, or a number simdjson cannot hold: where, or which entry.
  CHECK(error(R"({"format":"rex-api-keys","keys":[)" + entry + ",]}") ==
        "not valid JSON at line 1, column 134: expected a value, found ']'");
  CHECK(error(R"({"format":"rex-api-keys","keys":[{"participant":1e400}]})") ==
        "keys[0].participant: expected a participant code ([A-Z][A-Z0-9_]*, at most 32 characters)");
  CHECK(error("[]") == "expected an object");
  std::filesystem::remove(path);
}
