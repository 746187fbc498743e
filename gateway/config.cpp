#include "gateway/config.hpp"

#include <simdjson.h>

#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "gateway/cpu_list.hpp"
#include "gateway/listen_address.hpp"
#include "gateway/session_clock.hpp"

namespace rex::gateway {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void fail(const std::string& key, const std::string& what) { throw ConfigError(key + ": " + what); }

std::string join(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

object as_object(element e, const std::string& key, std::initializer_list<std::string_view> allowed) {
  object o;
  if (e.get_object().get(o)) fail(key.empty() ? "(top level)" : key, "expected an object");
  for (auto member : o) {
    bool known = false;
    for (auto a : allowed) known = known || a == member.key;
    if (!known) fail(join(key, member.key), "unknown key");
  }
  return o;
}

template <class T>
void read_uint(object o, const std::string& parent, std::string_view key, T& out, std::uint64_t min = 0,
               std::uint64_t max = std::numeric_limits<T>::max()) {
  element e;
  if (o[key].get(e)) return;
  std::uint64_t v = 0;
  if (e.get_uint64().get(v)) fail(join(parent, key), "expected a non-negative integer");
  if (v < min || v > max) fail(join(parent, key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
  out = static_cast<T>(v);
}

template <class T>
void read_uint(object o, const std::string& parent, std::string_view key, std::optional<T>& out, std::uint64_t min = 0,
               std::uint64_t max = std::numeric_limits<T>::max()) {
  element e;
  if (o[key].get(e)) return;
  T v{};
  read_uint(o, parent, key, v, min, max);
  out = v;
}

void read_bool(object o, const std::string& parent, std::string_view key, bool& out) {
  element e;
  if (o[key].get(e)) return;
  if (e.get_bool().get(out)) fail(join(parent, key), "expected true or false");
}

void read_string(object o, const std::string& parent, std::string_view key, std::string& out) {
  element e;
  if (o[key].get(e)) return;
  std::string_view s;
  if (e.get_string().get(s)) fail(join(parent, key), "expected a string");
  out.assign(s);
}

void read_path(object o, const std::string& parent, std::string_view key, std::filesystem::path& out) {
  std::string s = out.string();
  read_string(o, parent, key, s);
  out = s;
}

bool section(object o, std::string_view key, element& out) { return !o[key].get(out); }

}  // namespace

void apply_config_json(std::string_view json, RexdConfig& c) {
  simdjson::dom::parser parser;
  element root;
  if (auto e = parser.parse(simdjson::padded_string(json)).get(root); e) {
    throw ConfigError(std::string("not valid JSON: ") + simdjson::error_message(e));
  }
  object top = as_object(root, "",
                         {"listen", "io_threads", "io_cpus", "log_level", "catalogue", "journal", "auth", "demo", "sessions",
                          "risk", "market_data", "orders", "clock_interval_ms", "session"});
  element e;
  if (section(top, "listen", e)) {
    object o = as_object(e, "listen", {"address", "port"});
    read_string(o, "listen", "address", c.server.address);
    if (const std::string problem = listen_address_problem(c.server.address); !problem.empty()) fail("listen.address", problem);
    read_uint(o, "listen", "port", c.server.port);
  }
  read_uint(top, "", "io_threads", c.server.io_threads, 1, 64);
  std::string cpus;
  read_string(top, "", "io_cpus", cpus);
  if (!cpus.empty()) {
    try {
      c.server.io_cpus = parse_cpu_list(cpus);
    } catch (const std::invalid_argument& bad) {
      fail("io_cpus", bad.what());
    }
  }
  std::string level = "(absent)";
  read_string(top, "", "log_level", level);
  if (level != "(absent)" && !parse_log_level(level, c.log_level)) {
    fail("log_level", "expected debug, info, warn, error or off");
  }
  read_path(top, "", "catalogue", c.catalogue);
  if (section(top, "journal", e)) {
    object o = as_object(e, "journal",
                         {"data_directory", "sync_commits", "inbound_capacity", "max_group_commands", "snapshot_every_commands",
                          "write_ahead_log_mb", "group_linger_us"});
    read_path(o, "journal", "data_directory", c.data_directory);
    read_bool(o, "journal", "sync_commits", c.sync_commits);
    read_uint(o, "journal", "inbound_capacity", c.inbound_capacity, 2, std::size_t{1} << 24);
    read_uint(o, "journal", "max_group_commands", c.max_group_commands, 1, std::size_t{1} << 20);
    read_uint(o, "journal", "snapshot_every_commands", c.snapshot_every_commands);
    read_uint(o, "journal", "write_ahead_log_mb", c.write_ahead_log_mb, 0, std::size_t{1} << 14);
    read_uint(o, "journal", "group_linger_us", c.group_linger_us, 0, 100'000);
  }
  if (section(top, "auth", e)) {
    object o = as_object(e, "auth", {"key_file", "cancel_on_disconnect"});
    read_path(o, "auth", "key_file", c.key_file);
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
    read_uint(o, "sessions", "max_frame_bytes", s.max_frame_bytes, 256, std::size_t{64} << 20);
    read_uint(o, "sessions", "max_message_bytes", s.max_message_bytes, 256, std::size_t{64} << 20);
    read_uint(o, "sessions", "max_send_queue_messages", s.max_send_queue_messages, 1);
    read_uint(o, "sessions", "max_send_queue_bytes", s.max_send_queue_bytes, 1024);
    read_uint(o, "sessions", "rate_limit_per_second", s.rate_limit_per_second);
    read_uint(o, "sessions", "rate_limit_burst", s.rate_limit_burst, 1, 1'000'000);
    read_uint(o, "sessions", "handshake_timeout_seconds", s.handshake_timeout_seconds, 1, 3600);
    read_uint(o, "sessions", "idle_timeout_seconds", s.idle_timeout_seconds, 2, 3600);
    if (s.max_message_bytes < s.max_frame_bytes) fail("sessions.max_message_bytes", "must be at least max_frame_bytes");
  }
  if (section(top, "risk", e)) {
    object o = as_object(e, "risk", {"price_collar_bp"});
    read_uint(o, "risk", "price_collar_bp", c.server.core.price_collar_bp, 0, 10'000);
  }
  if (section(top, "market_data", e)) {
    object o = as_object(e, "market_data", {"recent_trades"});
    read_uint(o, "market_data", "recent_trades", c.server.core.recent_trades, 0, 100'000);
  }
  if (section(top, "orders", e)) {
    object o = as_object(e, "orders", {"finished_orders_kept"});
    read_uint(o, "orders", "finished_orders_kept", c.server.core.finished_orders_kept, 1, 100'000'000);
  }
  read_uint(top, "", "clock_interval_ms", c.clock_interval_ms, 0, 3'600'000);
  if (section(top, "session", e)) {
    object o = as_object(e, "session", {"end_of_day", "end_time"});
    read_bool(o, "session", "end_of_day", c.end_of_day);
    std::string end = format_time_of_day(c.session_end);
    read_string(o, "session", "end_time", end);
    if (!parse_time_of_day(end, c.session_end)) fail("session.end_time", "expected HH:MM or HH:MM:SS (exchange time, UTC+8)");
  }
  c.server.core.cancel_on_disconnect_default = c.cancel_on_disconnect;
}

void apply_config_file(const std::filesystem::path& path, RexdConfig& config) {
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
