// rexd's command line: every flag with values of every kind, and seeded random command lines
// (flags misspelt, values missing, stray words, config files that are not there). Each is taken
// or refused with a UsageError naming the option (a ConfigError naming the file for --config);
// nothing crashes or exits. What is taken holds each flag's last value exactly, within its range.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "gateway/cpu_list.hpp"
#include "gateway/json_in.hpp"
#include "gateway/rexd_options.hpp"

using namespace rex::gateway;

namespace {

// The numeric flags and their ranges (docs/rexd-config.md "Command line" and the config keys').
struct NumberFlag {
  const char* name;
  std::uint64_t min;
  std::uint64_t max;
  std::uint64_t (*get)(const RexdOptions&);
};
const NumberFlag kNumberFlags[] = {
    {"--port", 0, 65535, [](const RexdOptions& o) -> std::uint64_t { return o.config.server.port; }},
    {"--wal-mb", 0, 16384, [](const RexdOptions& o) -> std::uint64_t { return o.config.write_ahead_log_mb; }},
    {"--group-linger-us", 0, 100'000, [](const RexdOptions& o) -> std::uint64_t { return o.config.group_linger_or_default(); }},
    {"--io-threads", 1, 64, [](const RexdOptions& o) -> std::uint64_t { return o.config.server.io_threads; }},
    {"--rate-limit", 0, 100'000'000, [](const RexdOptions& o) -> std::uint64_t { return o.config.server.rate_limit_per_second; }},
    {"--clock-interval-ms", 0, 3'600'000, [](const RexdOptions& o) -> std::uint64_t { return o.config.clock_interval_ms; }},
    {"--timer-slack-ns", 0, 1'000'000'000, [](const RexdOptions& o) -> std::uint64_t { return o.timer_slack_ns; }},
};
const std::vector<std::string> kSwitches = {"--demo", "--no-demo", "--no-seed", "--sync", "--no-sync", "--no-end-of-day"};
const std::vector<std::string> kValueFlags = {"--config",   "--listen",  "--port-file",   "--catalogue", "--data-dir",
                                              "--key-file", "--io-cpus", "--session-end", "--log-level"};

bool takes_value(const std::string& flag) {
  return std::find(kSwitches.begin(), kSwitches.end(), flag) == kSwitches.end() && flag != "--help" && flag != "-h";
}

std::string source(const std::string& relative) { return std::string(REX_SOURCE_DIR) + "/" + relative; }

std::vector<std::string> values() {
  const std::string all = allowed_cpus_text();
  return {"0", "1", "2", "64", "65", "1000", "16384", "16385", "65535", "65536", "70000", "100000", "100001", "3600000",
          "3600001", "100000000", "100000001", "1000000000", "1000000001", "4294967296", "18446744073709551615",
          "18446744073709551616", "-1", "+5", " 5", "5 ", "1e3", "0x10", "abc", "", "15:00", "23:59:59", "24:00", "9:00",
          "debug", "warn", "loud", "0-1", "1-0", "0,", all.substr(0, all.find_first_of(",-")), "::1", "127.0.0.1",
          "localhost", "0.0.0.0", "var/x", "--port", "\xff", "a\nb", source("ops/rexd.json"),
          source("ops/rexd-production.json"), source("ops/no-such.json"), source("ops")};
}

// A refusal names the option it is about: one of the command line's words.
void check_refusal(const std::vector<std::string>& words, const std::string& message) {
  INFO(message);
  REQUIRE_FALSE(message.empty());
  bool named = false;
  for (const std::string& w : words) {
    named = named || message == "unknown option " + shown_key(w) ||
            (w.starts_with("-") && message.starts_with(w) && message.size() > w.size() &&
             (message[w.size()] == ' ' || message[w.size()] == ':'));
  }
  CHECK(named);
}

// Each numeric flag holds its last value on the command line, exactly.
void check_taken(const std::vector<std::string>& words, const RexdOptions& options) {
  if (options.action != RexdOptions::Action::kRun) return;
  for (const NumberFlag& f : kNumberFlags) {
    INFO(f.name);
    const std::uint64_t got = f.get(options);
    std::optional<std::string> last;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (takes_value(words[i]) && i + 1 < words.size()) {
        if (words[i] == f.name) last = words[i + 1];
        ++i;
      }
    }
    if (!last) continue;
    REQUIRE(last->find_first_not_of("0123456789") == std::string::npos);
    CHECK(got == std::stoull(*last));
    CHECK(got >= f.min);
    CHECK(got <= f.max);
  }
  const std::pair<std::string, std::string> paths[] = {{"--port-file", options.port_file},
                                                       {"--catalogue", options.config.catalogue.string()},
                                                       {"--data-dir", options.config.data_directory.string()}};
  for (const auto& [flag, path] : paths) {
    if (std::find(words.begin(), words.end(), flag) != words.end()) CHECK_FALSE(path.empty());
  }
}

// Parses `words` (argv without the program's name); checks a refusal, or what was taken.
void parse_or_refuse(const std::vector<std::string>& words, int& taken) {
  std::string shown;
  for (const std::string& w : words) shown += "'" + w + "' ";
  INFO(shown);
  std::vector<const char*> argv = {"rexd"};
  for (const std::string& w : words) argv.push_back(w.c_str());
  try {
    const RexdOptions options = parse_rexd_arguments(static_cast<int>(argv.size()), argv.data());
    ++taken;
    check_taken(words, options);
  } catch (const UsageError& e) {
    check_refusal(words, e.what());
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    INFO(message);
    bool named = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      named = named || (words[i] == "--config" && message.starts_with(words[i + 1] + ": "));
    }
    CHECK(named);
  }
}

}  // namespace

TEST_CASE("rexd options: every flag with every kind of value is taken exactly or refused naming the flag",
          "[gateway][config][fuzz]") {
  std::vector<std::string> flags = kSwitches;
  flags.insert(flags.end(), kValueFlags.begin(), kValueFlags.end());
  for (const NumberFlag& f : kNumberFlags) flags.push_back(f.name);
  int taken = 0;
  for (const std::string& flag : flags) {
    parse_or_refuse({flag}, taken);
    if (!takes_value(flag)) continue;
    for (const std::string& value : values()) parse_or_refuse({flag, value}, taken);
  }
  CHECK(taken > 0);
  // Refused as written: a sign, a space or an exponent is not a number (strtoull took " 5" and "+5").
  const char* port_space[] = {"rexd", "--port", " 5"};
  CHECK_THROWS_WITH(parse_rexd_arguments(3, port_space), "--port \" 5\": expected a number from 0 to 65535");
  const char* port_plus[] = {"rexd", "--port", "+5"};
  CHECK_THROWS_WITH(parse_rexd_arguments(3, port_plus), "--port \"+5\": expected a number from 0 to 65535");
  // --io-cpus "" is any CPU, as io_cpus "" in the config file: it undoes a config's list.
  const char* io_cpus_any[] = {"rexd", "--io-cpus", "0", "--io-cpus", ""};
  CHECK(parse_rexd_arguments(5, io_cpus_any).config.server.io_cpus.empty());
  const char* io_cpus_zero[] = {"rexd", "--io-cpus", "0"};
  CHECK(parse_rexd_arguments(3, io_cpus_zero).config.server.io_cpus == std::vector<unsigned>{0});
  // A value is never taken for a flag: a port file named --config reads no config file.
  const char* port_file[] = {"rexd", "--port-file", "--config", "--port", "0"};
  const RexdOptions options = parse_rexd_arguments(5, port_file);
  CHECK(options.port_file == "--config");
  CHECK(options.config.server.port == 0);
  // --help and --hash-key end the reading, as they did when they exited there.
  const char* help[] = {"rexd", "--help", "--no-such-flag"};
  CHECK(parse_rexd_arguments(3, help).action == RexdOptions::Action::kHelp);
  const char* hash[] = {"rexd", "--hash-key", "k", "--no-such-flag"};
  CHECK(parse_rexd_arguments(4, hash).hash_key == "k");
}

TEST_CASE("rexd options: random command lines are taken or refused naming the option", "[gateway][config][fuzz]") {
  std::vector<std::string> flags = kSwitches;
  flags.insert(flags.end(), kValueFlags.begin(), kValueFlags.end());
  for (const NumberFlag& f : kNumberFlags) flags.push_back(f.name);
  flags.insert(flags.end(), {"--help", "-h", "--hash-key"});
  const std::vector<std::string> value_list = values();
  std::mt19937_64 rng(20261203);  // fixed seed: the same command lines every run
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  constexpr int kIterations = 5'000;
  int taken = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::vector<std::string> words;
    const std::size_t n = pick(7);
    for (std::size_t w = 0; w < n; ++w) {
      const std::size_t kind = pick(20);
      std::string flag = flags[pick(flags.size() - (kind == 0 ? 0 : 3))];  // --help and --hash-key seldom
      if (kind == 1) flag[pick(flag.size())] ^= static_cast<char>(1 << pick(7));  // misspelt
      if (kind == 2) flag += "=" + value_list[pick(value_list.size())];
      if (kind == 3) {
        words.push_back(value_list[pick(value_list.size())]);  // a stray word
        continue;
      }
      words.push_back(flag);
      if (takes_value(flag) && pick(12) != 0) words.push_back(value_list[pick(value_list.size())]);
    }
    parse_or_refuse(words, taken);
  }
  CHECK(taken > 0);
}
