// rexd: the exchange server. Loads the catalogue, opens (or creates) the journal and recovers,
// serves the WebSocket API and HTTP on one port, and on SIGTERM/SIGINT stops taking commands,
// drains and commits what is queued, delivers it, and exits. docs/rexd-config.md.
#include <sys/prctl.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exchange/exchange.hpp"
#include "gateway/auth.hpp"
#include "gateway/config.hpp"
#include "gateway/cpu_list.hpp"
#include "gateway/journal_trades.hpp"
#include "gateway/listen_address.hpp"
#include "gateway/log.hpp"
#include "gateway/seeder.hpp"
#include "gateway/server.hpp"
#include "gateway/session_clock.hpp"
#include "persistence/hash.hpp"
#include "persistence/journal.hpp"
#include "reference-data/loader.hpp"
#include "reference-data/sha256.hpp"

namespace {

using namespace rex;
using namespace rex::gateway;

// Trades read back from the journal at start-up, at least: cheap to read (~100 bytes each). More
// when market_data.recent_trades times the instruments asks for more (every list full unless an
// instrument has traded less than that in the last that-many trades).
constexpr std::size_t kTradesReadBack = 10'000;

constexpr const char* kUsage = R"(usage: rexd [options]
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
  --io-cpus LIST         run the network threads on these CPUs only (e.g. 0, or 0-1; default any)
  --rate-limit N         messages per second per session (0: unlimited)
  --clock-interval-ms N  CLOCK command period for GTD expiry (default 1000; 0: none)
  --session-end HH:MM[:SS]  END_OF_DAY at this exchange time (UTC+8) each day (default 15:00)
  --no-end-of-day        never submit END_OF_DAY by itself (DAY orders last until an operator's)
  --timer-slack-ns N     timer slack of rexd's threads (default 1000; 0: the system's 50000)
  --log-level LEVEL      debug, info, warn, error, off
  --hash-key KEY         print the SHA-256 of KEY for a key file, and exit
  --help
)";

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "rexd: %s\n%s", what.c_str(), kUsage);
  std::exit(2);
}

std::uint64_t number(const std::string& flag, const char* text, std::uint64_t max, std::uint64_t min = 0) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-' || v > max || v < min) {
    usage_error(flag + ": expected a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

// The chain head to keep outside the journal, as `rex-audit verify --anchor` takes it
// (docs/audit-guide.md "Anchoring"). Only while the exchange's threads are not writing.
void log_journal_head(const persistence::Journal& journal) {
  if (journal.last_seq() == 0) return;
  log_info("rexd", "journal head: anchor " + std::to_string(journal.last_seq()) + ":" +
                       persistence::to_hex(journal.command_chain_head()) + " (trade " +
                       std::to_string(journal.last_trade()) + ", trade chain " +
                       persistence::to_hex(journal.trade_chain_head()) + ")");
}

RexdConfig parse_arguments(int argc, char** argv, std::string& port_file) {
  RexdConfig config;
  // The config file first, so every other flag overrides it whatever the order.
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0) {
      if (i + 1 >= argc) usage_error("--config needs a file");
      apply_config_file(argv[i + 1], config);
    }
  }
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage_error(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--config") value();
    else if (flag == "--listen") config.server.address = value();
    else if (flag == "--port") config.server.port = static_cast<std::uint16_t>(number(flag, value(), 65535));
    else if (flag == "--port-file") port_file = value();
    else if (flag == "--catalogue") config.catalogue = value();
    else if (flag == "--data-dir") config.data_directory = value();
    else if (flag == "--key-file") config.key_file = value();
    else if (flag == "--demo") config.demo = true;
    else if (flag == "--no-demo") config.demo = false;
    else if (flag == "--no-seed") config.seed_sample_day = false;
    else if (flag == "--sync") config.sync_commits = true;
    else if (flag == "--no-sync") config.sync_commits = false;
    else if (flag == "--wal-mb") config.write_ahead_log_mb = number(flag, value(), std::size_t{1} << 14);
    else if (flag == "--group-linger-us") config.group_linger_us = static_cast<std::uint32_t>(number(flag, value(), 100'000));
    else if (flag == "--io-threads") config.server.io_threads = number(flag, value(), 64, 1);
    else if (flag == "--io-cpus") {
      try {
        config.server.io_cpus = parse_cpu_list(value());
      } catch (const std::invalid_argument& e) {
        usage_error("--io-cpus " + std::string(e.what()));
      }
    }
    else if (flag == "--timer-slack-ns") number(flag, value(), 1'000'000'000);  // applied at start-up
    else if (flag == "--clock-interval-ms") config.clock_interval_ms = static_cast<std::uint32_t>(number(flag, value(), 3'600'000));
    else if (flag == "--session-end") {
      if (!parse_time_of_day(value(), config.session_end)) usage_error("--session-end: expected HH:MM or HH:MM:SS");
      config.end_of_day = true;
    } else if (flag == "--no-end-of-day") config.end_of_day = false;
    else if (flag == "--rate-limit") config.server.rate_limit_per_second = static_cast<std::uint32_t>(number(flag, value(), 100'000'000));
    else if (flag == "--log-level") {
      if (!parse_log_level(value(), config.log_level)) usage_error("--log-level: expected debug, info, warn, error or off");
    } else if (flag == "--hash-key") {
      std::printf("%s\n", refdata::sha256_hex(value()).c_str());
      std::exit(0);
    } else if (flag == "--help" || flag == "-h") {
      std::printf("%s", kUsage);
      std::exit(0);
    } else {
      usage_error("unknown option " + flag);
    }
  }
  return config;
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int run(int argc, char** argv) {
  // Short sleeps sleep as asked: the exchange's pipeline threads nap 20 µs while orders stream in
  // densely (when idle they sleep on a futex and are woken at once), and Linux's default 50 µs
  // timer slack (inherited by every thread created after this) makes each nap ~70 µs.
  // --timer-slack-ns overrides it (0 keeps the system's default).
  constexpr unsigned long kTimerSlackNs = 1000;
  unsigned long slack = kTimerSlackNs;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--timer-slack-ns") == 0) slack = std::strtoul(argv[i + 1], nullptr, 10);
  }
  if (slack != 0) prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
  // Block the stop signals in every thread; the main thread waits for them with sigwait.
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string port_file;
  RexdConfig config = parse_arguments(argc, argv, port_file);
  set_log_level(config.log_level);
  // Before the journal is touched: a start that cannot listen must not write to it first.
  if (const std::string problem = listen_address_problem(config.server.address); !problem.empty()) {
    usage_error("--listen: " + problem);
  }
  if (const std::string problem = listen_port_problem(config.server.address, config.server.port); !problem.empty()) {
    log_error("rexd", problem);
    return 1;
  }

  refdata::Catalogue catalogue = refdata::load_catalogue_file(config.catalogue);
  log_info("rexd", "catalogue " + catalogue.version() + " (" + std::to_string(catalogue.instruments().size()) +
                       " instruments, sha256 " + catalogue.content_hash().substr(0, 16) + "...) from " +
                       config.catalogue.string());

  // The API keys, as far as they can be checked before the journal is created or opened (the
  // catalogue in force, which their participants name, is the journal's): a start refused for
  // them leaves the data directory as it was.
  std::vector<KeyFileEntry> key_entries;
  if (!config.key_file.empty()) {
    key_entries = read_key_file(config.key_file, config.cancel_on_disconnect);
    // A key file, even one with no keys in it, wins: demo keys never open a production exchange.
    if (key_entries.empty()) {
      throw std::runtime_error("no API keys: " + config.key_file.string() + " lists none (and a key file wins over --demo)");
    }
    // A journal yet to be made starts with the catalogue file in force.
    if (!std::filesystem::exists(config.data_directory)) KeyStore::from_entries(config.key_file, key_entries, catalogue);
  } else if (!config.demo) {
    throw std::runtime_error("no API keys: give --key-file (or auth.key_file), or run with --demo");
  }

  std::filesystem::create_directories(config.data_directory);
  exchange::ExchangeConfig xc;
  xc.data_directory = config.data_directory;
  xc.sync_commits = config.sync_commits;
  xc.inbound_capacity = config.inbound_capacity;
  xc.max_group_commands = config.max_group_commands;
  xc.snapshot_every_commands = config.snapshot_every_commands;
  xc.journal_write_ahead_log_bytes = config.write_ahead_log_mb << 20;
  xc.group_linger_us = config.group_linger_or_default();
  xc.report_problem = [](bool stops, const std::string& text) {
    if (stops) log_error("exchange", text);
    else log_warn("exchange", text);
  };
  // A file that is not the catalogue in force (edited, or its reload refused) does not stop a
  // restart: the journal holds the one in force, and only a journaled reload changes it.
  xc.run_catalogue_in_force = true;
  exchange::Exchange exchange(xc, catalogue);
  if (!exchange.catalogue_note().empty()) {
    log_warn("rexd", exchange.catalogue_note() + ": running with the catalogue in force (version " +
                         exchange.catalogue().version() + "); " + config.catalogue.string() +
                         " takes effect only through reload_reference_data");
  }

  // Keys name participants of the catalogue in force.
  KeyStore keys;
  if (!config.key_file.empty()) {
    keys = KeyStore::from_entries(config.key_file, key_entries, exchange.catalogue());
    if (config.demo) log_warn("rexd", "demo mode with a key file: the key file wins, no demo keys");
  } else {
    keys = KeyStore::demo(exchange.catalogue(), config.cancel_on_disconnect);
  }
  if (keys.size() == 0) throw std::runtime_error("no API keys: the catalogue in force has no participants");
  const std::vector<matcher::Event> recent = load_recent_trades(
      exchange.journal(),
      std::max(kTradesReadBack, config.server.core.recent_trades * exchange.catalogue().instruments().size()));
  log_info("rexd", "journal " + config.data_directory.string() + " open, recovered up to seq " +
                       std::to_string(exchange.published_seq()) + (config.sync_commits ? "" : " (SYNC OFF: not durable)"));
  log_journal_head(exchange.journal());

  ExchangeAdapter<exchange::Exchange> port(exchange);
  config.server.core.catalogue_file = config.catalogue;  // what reload_reference_data re-reads
  config.server.core.key_file = config.key_file;         // and, against the new catalogue, the keys
  config.server.core.demo_keys = config.key_file.empty() && config.demo;
  Server server(config.server, exchange.catalogue(), keys, port);
  server.load_trades(recent);
  Seeder seeder;
  SessionClockConfig clock_config;
  clock_config.clock_interval_ms = config.clock_interval_ms;
  clock_config.end_of_day = config.end_of_day;
  clock_config.session_end = config.session_end;
  SessionClock session_clock(clock_config, port);
  exchange.add_listener(&server);
  exchange.add_listener(&seeder);
  exchange.add_listener(&session_clock);
  exchange.start();

  if (config.demo && config.seed_sample_day) {
    const std::size_t n = seeder.seed(config.sample_day, exchange.catalogue(), port);
    if (n) {
      log_info("rexd", "demo: seeded " + std::to_string(n) + " commands from " + config.sample_day.string());
    } else {
      log_info("rexd", "demo: journal already holds a market; sample day not seeded");
    }
  }

  // CLOCK and END_OF_DAY from now on; END_OF_DAY first when rexd was down over a session end, so no
  // client sees yesterday's DAY orders.
  session_clock.start();
  if (config.end_of_day) {
    log_info("rexd", "trading session ends at " + format_time_of_day(config.session_end) + " UTC+8 (END_OF_DAY)");
  }
  server.start();
  const std::string where = config.server.address + ":" + std::to_string(server.port());
  if (!port_file.empty()) {
    std::ofstream(port_file) << server.port() << '\n';
  }
  log_info("rexd", "listening on " + where + ": WebSocket ws://" + where + "/ws, HTTP http://" + where + "/health");
  if (config.demo) {
    log_warn("rexd", "DEMO MODE: well-known API keys are active; use a key file and --no-demo in production");
    std::string list;
    for (const auto& p : exchange.catalogue().participants()) {
      list += "\n    " + KeyStore::demo_key(p.code) + "  " + p.code + " (";
      for (std::size_t r = 0; r < p.roles.size(); ++r) {
        if (r) list += ',';
        list += refdata::role_name(p.roles[r]);
      }
      list += ")";
    }
    log_info("rexd", "demo API keys:" + list);
    log_info("rexd",
             "first order, e.g. with rex-ws (build/release/gateway/rex-ws; docs/websocket-api.md):\n    rex-ws " + where +
                 "/ws\n    {\"op\":\"login\",\"api_key\":\"demo-zytrade\"}\n"
                 "    {\"op\":\"new_order\",\"cl_ord_id\":\"my-1\",\"instrument\":\"CU-BARLEY-XUCHANG\",\"side\":\"buy\","
                 "\"price\":\"75900.00\",\"qty\":\"1000\"}\n"
                 "    books, in a browser: http://" + where +
                 "/api/v1/books/CU-BARLEY-XUCHANG");
  }

  int signal = 0;
  sigwait(&signals, &signal);
  log_info("rexd", std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") + ": stopping");
  session_clock.stop();
  server.stop_intake();
  exchange.stop();  // drains the inbound queue, commits, publishes to the gateway
  log_info("rexd", "exchange stopped at seq " + std::to_string(exchange.published_seq()) + "; closing sessions");
  log_journal_head(exchange.journal());
  server.stop();
  log_info("rexd", "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    log_error("rexd", e.what());
    return 1;
  }
}
