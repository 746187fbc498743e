#include "gateway/rexd_options.hpp"

#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>

#include "gateway/cpu_list.hpp"
#include "gateway/json_in.hpp"
#include "gateway/listen_address.hpp"
#include "gateway/session_clock.hpp"

namespace rex::gateway {

const char* const kRexdUsage = R"(usage: rexd [options]
  --config FILE          JSON config (docs/rexd-config.md); built-in defaults otherwise
  --listen ADDRESS       listen address (default 127.0.0.1)
  --port N               port for WebSocket and HTTP (default 8080; 0 picks a free one)
  --port-file FILE       write the bound port to FILE once listening
  --catalogue FILE       reference data (default reference-data/catalogue/rex-catalogue.json)
  --data-dir DIR         journal directory (default var/rexd/journal)
  --key-file FILE        API key hashes (docs/rexd-config.md)
  --demo | --no-demo     demo API keys and the sample-day seed (default on)
  --no-seed              demo keys, but do not seed the sample day
  --sync | --no-sync     fsync every group commit (default on; off only for benchmarks)
  --wal-mb N             write-ahead log files of N MiB (default 64; 0: commit every group to LMDB)
  --group-linger-us N    under load, start a group no sooner than N us after the last (default 500 with --sync, 0 without)
  --io-threads N         network threads (default 1)
  --io-cpus LIST         run the network threads on these CPUs only (e.g. 0, or 0-1; "" or default: any)
  --rate-limit N         messages per second per session (0: unlimited)
  --clock-interval-ms N  CLOCK command period for GTD expiry (default 1000; 0: none)
  --session-end HH:MM[:SS]  END_OF_DAY at this exchange time (UTC+8) each day (default 15:00)
  --no-end-of-day        never submit END_OF_DAY by itself (DAY orders last until an operator's)
  --timer-slack-ns N     timer slack of rexd's threads (default 1000; 0: the system's 50000)
  --log-level LEVEL      debug, info, warn, error, off
  --hash-key KEY         print the SHA-256 of KEY for a key file, and exit
  --help
)";

namespace {

struct Flag {
  std::string_view name;
  bool takes_value;
};

constexpr Flag kFlags[] = {
    {"--config", true},       {"--listen", true},        {"--port", true},          {"--port-file", true},
    {"--catalogue", true},    {"--data-dir", true},      {"--key-file", true},      {"--demo", false},
    {"--no-demo", false},     {"--no-seed", false},      {"--sync", false},         {"--no-sync", false},
    {"--wal-mb", true},       {"--group-linger-us", true}, {"--io-threads", true},  {"--io-cpus", true},
    {"--rate-limit", true},   {"--clock-interval-ms", true}, {"--session-end", true}, {"--no-end-of-day", false},
    {"--timer-slack-ns", true}, {"--log-level", true},   {"--hash-key", true},      {"--help", false},
    {"-h", false},
};

[[noreturn]] void refuse(std::string_view flag, const std::string& value, const std::string& what) {
  throw UsageError(std::string(flag) + " " + shown_key(value) + ": " + what);
}

// Digits only: no sign, no space, no 0x (strtoull would take " 5" and "+5").
std::uint64_t number(std::string_view flag, const std::string& text, std::uint64_t max, std::uint64_t min = 0) {
  std::uint64_t v = 0;
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!digits || result.ec != std::errc{} || v < min || v > max) {
    refuse(flag, text, "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

std::string path(std::string_view flag, const std::string& text) {
  if (text.empty()) refuse(flag, text, "expected a path, not an empty string");
  return text;
}

void apply(std::string_view flag, const std::string& value, RexdOptions& options) {
  RexdConfig& c = options.config;
  if (flag == "--config") return;  // read first
  if (flag == "--listen") {
    if (const std::string problem = listen_address_problem(value); !problem.empty()) {
      throw UsageError("--listen: " + problem);
    }
    c.server.address = value;
  } else if (flag == "--port") {
    c.server.port = static_cast<std::uint16_t>(number(flag, value, 65535));
  } else if (flag == "--port-file") {
    options.port_file = path(flag, value);
  } else if (flag == "--catalogue") {
    c.catalogue = path(flag, value);
  } else if (flag == "--data-dir") {
    c.data_directory = path(flag, value);
  } else if (flag == "--key-file") {
    c.key_file = value;  // empty: none, as auth.key_file
  } else if (flag == "--demo" || flag == "--no-demo") {
    c.demo = flag == "--demo";
  } else if (flag == "--no-seed") {
    c.seed_sample_day = false;
  } else if (flag == "--sync" || flag == "--no-sync") {
    c.sync_commits = flag == "--sync";
  } else if (flag == "--wal-mb") {
    c.write_ahead_log_mb = number(flag, value, std::size_t{1} << 14);
  } else if (flag == "--group-linger-us") {
    c.group_linger_us = static_cast<std::uint32_t>(number(flag, value, 100'000));
  } else if (flag == "--io-threads") {
    c.server.io_threads = number(flag, value, 64, 1);
  } else if (flag == "--io-cpus") {
    try {
      // Empty: any CPU, as in the config file (so the command line can undo a config's io_cpus).
      c.server.io_cpus = value.empty() ? std::vector<unsigned>{} : parse_cpu_list(value);
    } catch (const std::invalid_argument& e) {
      throw UsageError("--io-cpus " + std::string(e.what()));
    }
  } else if (flag == "--rate-limit") {
    c.server.rate_limit_per_second = static_cast<std::uint32_t>(number(flag, value, 100'000'000));
  } else if (flag == "--clock-interval-ms") {
    c.clock_interval_ms = static_cast<std::uint32_t>(number(flag, value, 3'600'000));
  } else if (flag == "--session-end") {
    if (!parse_time_of_day(value, c.session_end)) refuse(flag, value, "expected HH:MM or HH:MM:SS");
    c.end_of_day = true;
  } else if (flag == "--no-end-of-day") {
    c.end_of_day = false;
  } else if (flag == "--timer-slack-ns") {
    options.timer_slack_ns = number(flag, value, 1'000'000'000);
  } else if (flag == "--log-level") {
    if (!parse_log_level(value, c.log_level)) refuse(flag, value, "expected debug, info, warn, error or off");
  }
}

}  // namespace

RexdOptions parse_rexd_arguments(int argc, const char* const* argv) {
  RexdOptions options;
  // The flags and their values first, so that a value is never taken for a flag (a port file
  // named --config, say) and the config files can be read before the flags that override them.
  std::vector<std::pair<std::string_view, std::string>> given;
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    const Flag* flag = nullptr;
    for (const Flag& f : kFlags) {
      if (f.name == word) flag = &f;
    }
    if (!flag) throw UsageError("unknown option " + shown_key(word));
    std::string value;
    if (flag->takes_value) {
      if (i + 1 >= argc) throw UsageError(std::string(word) + " needs a value");
      value = argv[++i];
    }
    if (word == "--help" || word == "-h") {
      options.action = RexdOptions::Action::kHelp;
      return options;
    }
    if (word == "--hash-key") {
      options.action = RexdOptions::Action::kHashKey;
      options.hash_key = value;
      return options;
    }
    given.emplace_back(flag->name, std::move(value));
  }
  for (const auto& [flag, value] : given) {
    if (flag == "--config") apply_config_file(path(flag, value), options.config);
  }
  for (const auto& [flag, value] : given) apply(flag, value, options);
  return options;
}

}  // namespace rex::gateway
