// rexd's command line (docs/rexd-config.md "Command line"): the config files of --config first,
// then every other flag over them, whatever the order.
#pragma once

#include <stdexcept>
#include <string>

#include "gateway/config.hpp"

namespace rex::gateway {

// Linux's default timer slack (50 µs) stretches the exchange threads' 20 µs naps to ~70 µs while
// orders stream in densely; 1 µs keeps them short (bench/RESULTS.md). 0 keeps the system's.
inline constexpr unsigned long kDefaultTimerSlackNs = 1000;

struct RexdOptions {
  enum class Action { kRun, kHelp, kHashKey };
  Action action = Action::kRun;
  std::string hash_key;  // kHashKey: the key to print the SHA-256 of
  RexdConfig config;
  std::string port_file;  // empty: none
  unsigned long timer_slack_ns = kDefaultTimerSlackNs;
};

// A command line rexd cannot take; the message names the option ("--port 70000: expected a
// number from 0 to 65535").
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

extern const char* const kRexdUsage;

// Throws UsageError, or ConfigError for a config file. --help and --hash-key end the reading.
RexdOptions parse_rexd_arguments(int argc, const char* const* argv);

}  // namespace rex::gateway
