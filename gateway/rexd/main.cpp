// rexd: the exchange server. Loads the catalogue, opens (or creates) the journal and recovers,
// serves the WebSocket API and HTTP on one port, and on SIGTERM/SIGINT stops taking commands,
// drains and commits what is queued, delivers it, and exits. docs/rexd-config.md.
#include <sys/prctl.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exchange/exchange.hpp"
#include "gateway/auth.hpp"
#include "gateway/config.hpp"
#include "gateway/journal_trades.hpp"
#include "gateway/listen_address.hpp"
#include "gateway/log.hpp"
#include "gateway/rexd_options.hpp"
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

// The chain head to keep outside the journal, as `rex-audit verify --anchor` takes it
// (docs/audit-guide.md "Anchoring"). Only while the exchange's threads are not writing.
void log_journal_head(const persistence::Journal& journal) {
  if (journal.last_seq() == 0) return;
  log_info("rexd", "journal head: anchor " + std::to_string(journal.last_seq()) + ":" +
                       persistence::to_hex(journal.command_chain_head()) + " (trade " +
                       std::to_string(journal.last_trade()) + ", trade chain " +
                       persistence::to_hex(journal.trade_chain_head()) + ")");
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int run(int argc, char** argv) {
  RexdOptions options = parse_rexd_arguments(argc, argv);
  if (options.action == RexdOptions::Action::kHelp) {
    std::printf("%s", kRexdUsage);
    return 0;
  }
  if (options.action == RexdOptions::Action::kHashKey) {
    std::printf("%s\n", refdata::sha256_hex(options.hash_key).c_str());
    return 0;
  }
  // Short sleeps sleep as asked (gateway/rexd_options.hpp): inherited by every thread created after this.
  if (options.timer_slack_ns != 0) prctl(PR_SET_TIMERSLACK, options.timer_slack_ns, 0, 0, 0);
  // Block the stop signals in every thread; the main thread waits for them with sigwait.
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  RexdConfig config = std::move(options.config);
  const std::string port_file = options.port_file;
  set_log_level(config.log_level);
  // Before the journal is touched: a start that cannot listen must not write to it first.
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
  } catch (const UsageError& e) {
    std::fprintf(stderr, "rexd: %s\n%s", e.what(), kRexdUsage);
    return 2;
  } catch (const std::exception& e) {
    log_error("rexd", e.what());
    return 1;
  }
}
