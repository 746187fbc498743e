#include "gateway/config.hpp"

#include <simdjson.h>

#include <fstream>
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "gateway/cpu_list.hpp"
#include "gateway/json_in.hpp"
#include "gateway/listen_address.hpp"
#include "gateway/session_clock.hpp"

namespace rex::gateway {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void fail(const std::string& key, const std::string& what) { throw ConfigError(key + ": " + what); }

std::string join(const std::string& parent, std::string_view key) {
  return parent.empty() ? shown_key(key) : parent + "." + shown_key(key);
}

object as_object(element e, const std::string& key, std::initializer_list<std::string_view> allowed) {
  object o;
  if (e.get_object().get(o)) fail(key.empty() ? "(top level)" : key, "expected an object");
  std::vector<std::string_view> seen;
  for (auto member : o) {
    bool known = false;
    for (auto a : allowed) known = known || a == member.key;
    if (!known) fail(join(key, member.key), "unknown key");
    // JSON leaves a repeated key's meaning open (simdjson finds the first): say which one is meant.
    if (std::find(seen.begin(), seen.end(), member.key) != seen.end()) fail(join(key, member.key), "given twice");
    seen.push_back(member.key);
  }
  return o;
}

// Integers of 2^64 or more, by key: read as 0.0, refused here as out of range (gateway/json_in.hpp).
struct Numbers {
  std::vector<std::string> too_large;
  bool is_too_large(const std::string& key) const {
    return std::find(too_large.begin(), too_large.end(), key) != too_large.end();
  }
};

template <class T>
void read_uint(const Numbers& numbers, object o, const std::string& parent, std::string_view key, T& out,
               std::uint64_t min = 0, std::uint64_t max = std::numeric_limits<T>::max()) {
  element e;
  if (o[key].get(e)) return;
  const std::string name = join(parent, key);
  const std::string range = "must be between " + std::to_string(min) + " and " + std::to_string(max);
  std::uint64_t v = 0;
  if (e.get_uint64().get(v)) fail(name, numbers.is_too_large(name) ? range : "expected a non-negative integer");
  if (v < min || v > max) fail(name, range);
  out = static_cast<T>(v);
}

template <class T>
void read_uint(const Numbers& numbers, object o, const std::string& parent, std::string_view key, std::optional<T>& out,
               std::uint64_t min = 0, std::uint64_t max = std::numeric_limits<T>::max()) {
  element e;
  if (o[key].get(e)) return;
  T v{};
  read_uint(numbers, o, parent, key, v, min, max);
  out = v;
}

void read_bool(object o, const std::string& parent, std::string_view key, bool& out) {
  element e;
  if (o[key].get(e)) return;
  if (e.get_bool().get(out)) fail(join(parent, key), "expected true or false");
}

// Every string of the config is a name, a path or a word: a control character is a mistake, and
// a NUL would cut the path or address short where the system reads it.
void read_string(object o, const std::string& parent, std::string_view key, std::string& out) {
  element e;
  if (o[key].get(e)) return;
  std::string_view s;
  if (e.get_string().get(s)) fail(join(parent, key), "expected a string");
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail(join(parent, key), "a control character in the string");
  }
  out.assign(s);
}

enum class EmptyPath { kRefused, kNone };  // kNone: "" means no file

void read_path(object o, const std::string& parent, std::string_view key, std::filesystem::path& out,
               EmptyPath empty = EmptyPath::kRefused) {
  std::string s = out.string();
  read_string(o, parent, key, s);
  if (s.empty() && empty == EmptyPath::kRefused && o[key].error() != simdjson::NO_SUCH_FIELD) {
    fail(join(parent, key), "expected a path, not an empty string");
  }
  out = s;
}

bool section(object o, std::string_view key, element& out) { return !o[key].get(out); }

}  // namespace

void apply_config_json(std::string_view json, RexdConfig& config) {
  simdjson::dom::parser parser;
  element root;
  Numbers numbers;
  if (const std::string problem = parse_json_file_text(parser, json, root, numbers.too_large); !problem.empty()) {
    throw ConfigError(problem);
  }
  RexdConfig c = config;  // `config` stays as it was when a key is refused
  object top = as_object(root, "",
                         {"listen", "io_threads", "io_cpus", "log_level", "catalogue", "journal", "auth", "demo", "sessions",
                          "risk", "market_data", "orders", "clock_interval_ms", "session"});
  element e;
  if (section(top, "listen", e)) {
    object o = as_object(e, "listen", {"address", "port"});
    read_string(o, "listen", "address", c.server.address);
    if (const std::string problem = listen_address_problem(c.server.address); !problem.empty()) fail("listen.address", problem);
    read_uint(numbers, o, "listen", "port", c.server.port);
  }
  read_uint(numbers, top, "", "io_threads", c.server.io_threads, 1, 64);
  if (top["io_cpus"].error() != simdjson::NO_SUCH_FIELD) {
    std::string cpus;
    read_string(top, "", "io_cpus", cpus);
    try {
      c.server.io_cpus = cpus.empty() ? std::vector<unsigned>{} : parse_cpu_list(cpus);
    } catch (const std::invalid_argument& bad) {
      fail("io_cpus", bad.what());
    }
  }
  if (top["log_level"].error() != simdjson::NO_SUCH_FIELD) {
    std::string level;
    read_string(top, "", "log_level", level);
    if (!parse_log_level(level, c.log_level)) fail("log_level", "expected debug, info, warn, error or off");
  }
  read_path(top, "", "catalogue", c.catalogue);
  if (section(top, "journal", e)) {
    object o = as_object(e, "journal",
                         {"data_directory", "sync_commits", "inbound_capacity", "max_group_commands", "snapshot_every_commands",
                          "write_ahead_log_mb", "group_linger_us"});
    read_path(o, "journal", "data_directory", c.data_directory);
    read_bool(o, "journal", "sync_commits", c.sync_commits);
    read_uint(numbers, o, "journal", "inbound_capacity", c.inbound_capacity, 2, std::size_t{1} << 24);
    read_uint(numbers, o, "journal", "max_group_commands", c.max_group_commands, 1, std::size_t{1} << 20);
    read_uint(numbers, o, "journal", "snapshot_every_commands", c.snapshot_every_commands);
    read_uint(numbers, o, "journal", "write_ahead_log_mb", c.write_ahead_log_mb, 0, std::size_t{1} << 14);
    read_uint(numbers, o, "journal", "group_linger_us", c.group_linger_us, 0, 100'000);
  }
  if (section(top, "auth", e)) {
    object o = as_object(e, "auth", {"key_file", "cancel_on_disconnect"});
    read_path(o, "auth", "key_file", c.key_file, EmptyPath::kNone);
    read_bool(o, "auth", "cancel_on_disconnect", c.cancel_on_disconnect);
  }
  if (section(top, "demo", e)) {
    object o = as_object(e, "demo", {"enabled", "seed_sample_day", "sample_day"});
    read_bool(o, "demo", "enabled", c.demo);
    read_bool(o, "demo", "seed_sample_day", c.seed_sample_day);
    read_path(o, "demo", "sample_day", c.sample_day);
  }
  if (section(top, "sessions", e)) {
    auto& s = c.server;
    object o = as_object(e, "sessions",
                         {"max_frame_bytes", "max_message_bytes", "max_send_queue_messages", "max_send_queue_bytes",
                          "rate_limit_per_second", "rate_limit_burst", "handshake_timeout_seconds",
                          "idle_timeout_seconds"});
    read_uint(numbers, o, "sessions", "max_frame_bytes", s.max_frame_bytes, 256, std::size_t{64} << 20);
    read_uint(numbers, o, "sessions", "max_message_bytes", s.max_message_bytes, 256, std::size_t{64} << 20);
    read_uint(numbers, o, "sessions", "max_send_queue_messages", s.max_send_queue_messages, 1);
    read_uint(numbers, o, "sessions", "max_send_queue_bytes", s.max_send_queue_bytes, 1024);
    read_uint(numbers, o, "sessions", "rate_limit_per_second", s.rate_limit_per_second, 0, 100'000'000);
    read_uint(numbers, o, "sessions", "rate_limit_burst", s.rate_limit_burst, 1, 1'000'000);
    read_uint(numbers, o, "sessions", "handshake_timeout_seconds", s.handshake_timeout_seconds, 1, 3600);
    read_uint(numbers, o, "sessions", "idle_timeout_seconds", s.idle_timeout_seconds, 2, 3600);
    if (s.max_message_bytes < s.max_frame_bytes) fail("sessions.max_message_bytes", "must be at least max_frame_bytes");
  }
  if (section(top, "risk", e)) {
    object o = as_object(e, "risk", {"price_collar_bp"});
    read_uint(numbers, o, "risk", "price_collar_bp", c.server.core.price_collar_bp, 0, 10'000);
  }
  if (section(top, "market_data", e)) {
    object o = as_object(e, "market_data", {"recent_trades"});
    read_uint(numbers, o, "market_data", "recent_trades", c.server.core.recent_trades, 0, 100'000);
  }
  if (section(top, "orders", e)) {
    object o = as_object(e, "orders", {"finished_orders_kept"});
    read_uint(numbers, o, "orders", "finished_orders_kept", c.server.core.finished_orders_kept, 1, 100'000'000);
  }
  read_uint(numbers, top, "", "clock_interval_ms", c.clock_interval_ms, 0, 3'600'000);
  if (section(top, "session", e)) {
    object o = as_object(e, "session", {"end_of_day", "end_time"});
    read_bool(o, "session", "end_of_day", c.end_of_day);
    std::string end = format_time_of_day(c.session_end);
    read_string(o, "session", "end_time", end);
    if (!parse_time_of_day(end, c.session_end)) fail("session.end_time", "expected HH:MM or HH:MM:SS (exchange time, UTC+8)");
  }
  c.server.core.cancel_on_disconnect_default = c.cancel_on_disconnect;
  config = std::move(c);
}

void apply_config_file(const std::filesystem::path& path, RexdConfig& config) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw ConfigError(path.string() + ": a directory, not a config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path.string() + ": cannot open the config file");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    apply_config_json(text.str(), config);
  } catch (const ConfigError& e) {
    throw ConfigError(path.string() + ": " + e.what());
  }
}

}  // namespace rex::gateway
