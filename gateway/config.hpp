// rexd's configuration: built-in defaults, a JSON file (docs/rexd-config.md, ops/rexd.json), then
// command-line overrides. Every key is optional; an unknown key or a wrong type is an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gateway/log.hpp"
#include "gateway/server.hpp"

namespace rex::gateway {

struct RexdConfig {
  ServerConfig server;
  LogLevel log_level = LogLevel::kInfo;
  std::filesystem::path catalogue = "reference-data/catalogue/rex-catalogue.json";

  // journal
  std::filesystem::path data_directory = "var/rexd/journal";  // var/ is git-ignored
  // The exchange's own defaults (exchange/exchange.hpp), so its tuning reaches rexd unchanged.
  bool sync_commits = exchange::ExchangeConfig{}.sync_commits;
  std::size_t inbound_capacity = exchange::ExchangeConfig{}.inbound_capacity;
  std::size_t max_group_commands = exchange::ExchangeConfig{}.max_group_commands;
  std::uint64_t snapshot_every_commands = exchange::ExchangeConfig{}.snapshot_every_commands;
  // rexd logs ahead by default (the exchange library does not): 2 files of 64 MiB beside data.mdb.
  std::size_t write_ahead_log_mb = 64;
  // rexd lets synced groups linger under load (the exchange library does not): fewer fsyncs and
  // hand-offs. Unsynced, nothing is saved by waiting: unset, 500 µs with sync_commits and 0
  // without (bench/RESULTS.md).
  std::optional<std::uint32_t> group_linger_us;
  std::uint32_t group_linger_or_default() const {
    return group_linger_us.value_or(sync_commits ? kSyncedGroupLingerUs : 0);
  }
  static constexpr std::uint32_t kSyncedGroupLingerUs = 500;

  // auth
  std::filesystem::path key_file;  // empty: no key file
  bool cancel_on_disconnect = true;  // for key entries that do not say

  // demo: well-known demo keys for every participant, and the sample day seeded into an empty journal
  bool demo = true;
  bool seed_sample_day = true;
  std::filesystem::path sample_day = "ops/sample-day/sample-day.workload";

  // A CLOCK command this often so GTD orders expire on time when no other traffic arrives; 0 = never.
  std::uint32_t clock_interval_ms = 1000;

  // session: END_OF_DAY (DAY orders expire) when the exchange's clock (UTC+8) reads end_time, once
  // a day, and at start-up when rexd was down over it; false = never (an operator's end_of_day only).
  bool end_of_day = true;
  std::uint32_t session_end = 15 * 3600;  // seconds after midnight, exchange time: 15:00
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies a JSON document on top of `config`. Throws ConfigError naming the key ("sessions.rate_limit_burst"),
// or for text that is not JSON its line and column; `config` is then as it was.
void apply_config_json(std::string_view json, RexdConfig& config);
void apply_config_file(const std::filesystem::path& path, RexdConfig& config);

}  // namespace rex::gateway
