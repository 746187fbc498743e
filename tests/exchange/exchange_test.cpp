// The pipeline end to end on a real journal: stamping, order, durability before publication,
// restart, back-pressure, a full journal, reference data checks.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <numeric>
#include <thread>

#include "exchange/exchange.hpp"
#include "persistence/recovery.hpp"
#include "persistence/verify.hpp"
#include "reference-data/loader.hpp"
#include "tests/exchange/recorder.hpp"
#include "tests/persistence/support.hpp"

using namespace rex;
using exchange::SubmitStatus;
using rex::testing::TempDir;

namespace {

const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

exchange::ExchangeConfig config(const TempDir& dir) {
  exchange::ExchangeConfig c;
  c.data_directory = dir.path();
  c.snapshot_every_commands = 500;
  return c;
}

persistence::JournalOptions journal_options(const TempDir& dir) {
  persistence::JournalOptions o;
  o.directory = dir.path();
  return o;
}

}  // namespace

TEST_CASE("commands from several gateway threads are stamped, run, journaled, then published in order",
          "[exchange]") {
  // Without and with rexd's journal settings: a write-ahead log, groups that linger under load.
  const bool rexd_settings = GENERATE(false, true);
  INFO((rexd_settings ? "write-ahead log, lingering groups" : "LMDB commits"));
  TempDir dir;
  testing::Recorder recorder;
  constexpr int kThreads = 2;
  constexpr std::uint64_t kPerThread = 3000;
  exchange::ExchangeConfig settings = config(dir);
  if (rexd_settings) {
    settings.journal_write_ahead_log_bytes = persistence::kWalMinFileBytes;
    settings.group_linger_us = 500;
  }
  {
    exchange::Exchange ex(settings, catalogue());
    ex.add_listener(&recorder);
    ex.start();
    std::vector<std::thread> gateways;
    for (int t = 0; t < kThreads; ++t) {
      gateways.emplace_back([&ex, t] {
        testing::OrderFlow flow(catalogue(), 100 + static_cast<std::uint64_t>(t));
        for (std::uint64_t i = 0; i < kPerThread; ++i) {
          matcher::Command c = flow.next();
          c.seq = 999;  // overwritten by the sequencer
          REQUIRE(testing::submit_patiently(ex, c, {1, static_cast<std::uint64_t>(t), i}) == SubmitStatus::kQueued);
        }
      });
    }
    for (auto& g : gateways) g.join();
    REQUIRE(recorder.wait_for(kThreads * kPerThread));
    // A reader in this process reads the live journal through the exchange (with a log, LMDB has
    // what the applier applied so far: a verified prefix).
    const persistence::VerifyReport live = persistence::verify_journal(ex.journal());
    REQUIRE(live.ok);
    if (rexd_settings) {
      REQUIRE(live.last_seq <= kThreads * kPerThread);
    } else {
      REQUIRE(live.last_seq == kThreads * kPerThread);
    }
    ex.stop();  // joins the writer: published_seq() is final (it moves after the listeners return)
    REQUIRE(ex.published_seq() == kThreads * kPerThread);
    const exchange::ExchangeStats stats = ex.stats();
    REQUIRE(stats.commands_submitted == kThreads * kPerThread);
    REQUIRE(stats.commands_journaled == kThreads * kPerThread);
    REQUIRE(stats.group_commits > 0);
    REQUIRE(stats.commit_nanoseconds_max > 0);
    // The matching latency histogram saw every command once.
    REQUIRE(std::accumulate(stats.matching_buckets.begin(), stats.matching_buckets.end(), std::uint64_t{0}) ==
            kThreads * kPerThread);
    REQUIRE(stats.matching_nanoseconds_total > 0);
    // Every group made durable is in the commit histogram once.
    REQUIRE(std::accumulate(stats.commit_buckets.begin(), stats.commit_buckets.end(), std::uint64_t{0}) ==
            stats.group_commits);
  }
  REQUIRE(recorder.recovered_calls() == 1);
  REQUIRE(recorder.recovered().orders.empty());
  const auto results = recorder.results();
  REQUIRE(results.size() == kThreads * kPerThread);
  std::vector<std::uint64_t> next_request(kThreads, 0);
  matcher::Timestamp last_time = 0;
  std::vector<matcher::Event> published_events;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    REQUIRE(r.status == SubmitStatus::kQueued);
    REQUIRE(r.command.seq == i + 1);
    REQUIRE(r.command.timestamp >= last_time);
    last_time = r.command.timestamp;
    REQUIRE(r.origin.request == next_request[r.origin.session]++);  // each gateway's order kept
    for (const auto& e : r.events) {
      REQUIRE(e.seq == r.command.seq);
      published_events.push_back(e);
    }
  }
  // The journal holds exactly the published commands, and replaying it gives the published events.
  persistence::Journal j(journal_options(dir), nullptr);
  REQUIRE(persistence::verify_journal(j).ok);
  matcher::Engine engine(catalogue().instruments(), persistence::engine_options_for(catalogue()));
  matcher::EventBuffer replayed;
  persistence::Sha256 sha;
  persistence::CommandRecord record;
  std::size_t i = 0;
  j.reader().scan(persistence::Table::kCommands, 1, [&](std::uint64_t seq, std::string_view value) {
    persistence::decode_command_record(sha, {}, seq, value, record);
    REQUIRE(record.command == results[i].command);
    REQUIRE(record.origin.request == results[i].origin.request);
    engine.process(record.command, replayed);
    ++i;
    return true;
  });
  REQUIRE(i == results.size());
  REQUIRE(replayed == published_events);
}

TEST_CASE("a restarted exchange recovers the same books and continues the sequence", "[exchange]") {
  TempDir dir;
  testing::OrderFlow flow(catalogue(), 7);
  matcher::Timestamp last_time = 0;
  for (int run = 0; run < 3; ++run) {
    testing::Recorder recorder;
    {  // the journal's one writer: closed before the next exchange opens it
      exchange::Exchange ex(config(dir), catalogue());
      ex.add_listener(&recorder);
      ex.start();
      REQUIRE(ex.published_seq() == static_cast<std::uint64_t>(run) * 1200);
      for (int i = 0; i < 1200; ++i) {
        REQUIRE(testing::submit_patiently(ex, flow.next(), {}) == SubmitStatus::kQueued);
      }
      REQUIRE(recorder.wait_for(1200));
      ex.stop();
      REQUIRE(ex.submit(flow.next(), {}) == SubmitStatus::kStopped);
      // Matching latency counts this run's commands, not the recovery replay's.
      const auto& buckets = ex.stats().matching_buckets;
      REQUIRE(std::accumulate(buckets.begin(), buckets.end(), std::uint64_t{0}) == 1200);
    }
    const auto results = recorder.results();
    REQUIRE(results.front().command.seq == static_cast<std::uint64_t>(run) * 1200 + 1);
    REQUIRE(results.front().command.timestamp >= last_time);
    last_time = results.back().command.timestamp;

    if (run > 0) {  // what it recovered at start is what a from-scratch replay of the journal gives
      testing::Recorder again;
      {
        exchange::Exchange reopened(config(dir), catalogue());
        reopened.add_listener(&again);
        reopened.start();
      }
      persistence::Journal j(journal_options(dir), nullptr);
      const testing::Replay replay = testing::replay_from_scratch(j, catalogue());
      REQUIRE(again.recovered() == replay.state);
      REQUIRE_FALSE(replay.state.orders.empty());
      REQUIRE(j.reader().last_key(persistence::Table::kSnapshots).has_value());
    }
  }
}

TEST_CASE("submit answers busy when the inbound queue is full, stopped after stop", "[exchange]") {
  TempDir dir;
  exchange::ExchangeConfig c = config(dir);
  c.inbound_capacity = 8;
  testing::Recorder recorder;
  exchange::Exchange ex(c, catalogue());
  ex.add_listener(&recorder);
  testing::OrderFlow flow(catalogue(), 3);
  for (int i = 0; i < 8; ++i) REQUIRE(ex.submit(flow.next(), {}) == SubmitStatus::kQueued);  // not started yet
  REQUIRE(ex.submit(flow.next(), {}) == SubmitStatus::kBusy);
  REQUIRE(ex.stats().commands_busy == 1);
  REQUIRE(ex.stats().inbound_depth == 8);
  ex.start();
  REQUIRE(recorder.wait_for(8));
  ex.stop();
  REQUIRE(ex.submit(flow.next(), {}) == SubmitStatus::kStopped);
  REQUIRE(ex.published_seq() == 8);
}

TEST_CASE("a full journal stops new commands with a clear reject and keeps what it acknowledged",
          "[exchange][full]") {
  TempDir dir;
  exchange::ExchangeConfig c = config(dir);
  c.journal_initial_map_bytes = std::size_t{1} << 18;  // 256 KiB: grows once or twice...
  c.journal_max_map_bytes = std::size_t{1} << 20;      // ...and is full at 1 MiB
  c.snapshot_every_commands = 0;
  testing::Recorder recorder;
  std::uint64_t queued = 0;
  std::uint64_t published = 0;
  {
    exchange::Exchange ex(c, catalogue());
    ex.add_listener(&recorder);
    ex.start();
    REQUIRE_FALSE(ex.stats().journal_full);
    testing::OrderFlow flow(catalogue(), 11);
    SubmitStatus s = SubmitStatus::kQueued;
    for (int i = 0; i < 200000 && s == SubmitStatus::kQueued; ++i) {
      s = testing::submit_patiently(ex, flow.next(), {2, 1, static_cast<std::uint64_t>(i)});
      if (s == SubmitStatus::kQueued) ++queued;
    }
    REQUIRE(s == SubmitStatus::kJournalFull);
    REQUIRE(ex.stats().journal_full);  // what rexd's /health and /metrics report
    REQUIRE(recorder.wait_for(queued));  // every queued command gets an answer
    REQUIRE(ex.submit(flow.next(), {}) == SubmitStatus::kJournalFull);
    REQUIRE(ex.published_seq() > 0);  // reads keep working
    REQUIRE(persistence::verify_journal(ex.journal()).ok);
    ex.stop();
    published = ex.published_seq();
    REQUIRE(published > 1000);
  }
  const auto results = recorder.results();
  REQUIRE(results.size() == queued);
  std::size_t durable = 0;
  while (durable < results.size() && results[durable].status == SubmitStatus::kQueued) ++durable;
  REQUIRE(durable == published);
  REQUIRE(durable < results.size());  // some were refused...
  for (std::size_t i = durable; i < results.size(); ++i) {  // ...all of them after the last durable one
    REQUIRE(results[i].status == SubmitStatus::kJournalFull);
    REQUIRE(results[i].command.seq == 0);
    REQUIRE(results[i].events.empty());
    REQUIRE(results[i].origin.request == i);
  }
  // Nothing is corrupted: with room again the journal verifies, holds exactly the acknowledged
  // commands, and the exchange restarts on it.
  persistence::Journal j(journal_options(dir), nullptr);
  const persistence::VerifyReport report = persistence::verify_journal(j);
  REQUIRE(report.ok);
  REQUIRE(report.last_seq == published);
  REQUIRE(persistence::recover(j, catalogue()).engine->snapshot() ==
          testing::replay_from_scratch(j, catalogue()).state);
}

TEST_CASE("an exchange refuses a journal written with other reference data", "[exchange]") {
  TempDir dir;
  { exchange::Exchange ex(config(dir), catalogue()); }
  std::ifstream in(std::filesystem::path(REX_SOURCE_DIR) / refdata::kBundledCataloguePath, std::ios::binary);
  const std::string json = std::string(std::istreambuf_iterator<char>(in), {}) + "\n";
  REQUIRE_THROWS_WITH(exchange::Exchange(config(dir), refdata::load_catalogue_string(json)),
                      Catch::Contains("reference data differs"));
}

TEST_CASE("a full disk stops new commands the same way, and the journal survives it", "[exchange][full]") {
  // The disk is "full" for a child process whose file size limit the test sets (RLIMIT_FSIZE):
  // LMDB's writes past it fail with EFBIG, as they would with ENOSPC on a full disk.
  TempDir dir;
  { exchange::Exchange create(config(dir), catalogue()); }  // the journal exists before the limit
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    std::uint64_t answer[3] = {0, 0, 0};  // durable results, journal-full results, published_seq
    try {
      ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing us
      const auto size = std::filesystem::file_size(dir.path() / "data.mdb");
      constexpr rlim_t kRoom = 512 * 1024;  // room for a few thousand commands
      const rlimit limit{static_cast<rlim_t>(size) + kRoom, static_cast<rlim_t>(size) + kRoom};
      ::setrlimit(RLIMIT_FSIZE, &limit);
      testing::Recorder recorder;
      exchange::ExchangeConfig c = config(dir);
      c.snapshot_every_commands = 0;
      exchange::Exchange ex(c, catalogue());
      ex.add_listener(&recorder);
      ex.start();
      testing::OrderFlow flow(catalogue(), 12);
      std::uint64_t queued = 0;
      for (int i = 0; i < 1'000'000; ++i) {
        if (testing::submit_patiently(ex, flow.next(), {}) != SubmitStatus::kQueued) break;
        ++queued;
      }
      recorder.wait_for(queued);
      ex.stop();
      for (const auto& r : recorder.results()) ++answer[r.status == SubmitStatus::kQueued ? 0 : 1];
      answer[2] = ex.published_seq();
    } catch (...) {
    }
    const ssize_t written = ::write(fds[1], answer, sizeof answer);
    ::_exit(written == sizeof answer ? 0 : 1);
  }
  ::close(fds[1]);
  std::uint64_t answer[3] = {0, 0, 0};
  const ssize_t got = ::read(fds[0], answer, sizeof answer);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(got == sizeof answer);
  REQUIRE(WIFEXITED(status));
  REQUIRE(answer[0] > 100);             // it journaled until the disk was full...
  REQUIRE(answer[1] > 0);               // ...then refused, clearly
  REQUIRE(answer[2] == answer[0]);      // and acknowledged exactly what it journaled
  persistence::Journal j(journal_options(dir), nullptr);
  const persistence::VerifyReport report = persistence::verify_journal(j);
  REQUIRE(report.ok);
  REQUIRE(report.last_seq == answer[0]);
  REQUIRE(persistence::recover(j, catalogue()).engine->snapshot() ==
          testing::replay_from_scratch(j, catalogue()).state);
}
