// The journal on real LMDB in private temp dirs: groups, tails, concurrent readers, every kind of
// damage named by record, truncation refused, snapshots missing or damaged, a full map.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "persistence/recovery.hpp"
#include "persistence/verify.hpp"
#include "reference-data/loader.hpp"
#include "tests/persistence/raw_lmdb.hpp"
#include "tests/persistence/support.hpp"

using namespace rex;
using namespace rex::persistence;
using rex::testing::TempDir;

namespace {

const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

std::vector<matcher::Command> flow(std::size_t n, std::uint64_t seed = 1) {
  return testing::stamped_flow(catalogue(), n, seed);
}

JournalOptions options(const TempDir& dir) {
  JournalOptions o;
  o.directory = dir.path();
  return o;
}

// A journal of `n` commands in groups of 50, closed again.
void make_journal(const TempDir& dir, std::size_t n) {
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  testing::journal_commands(j, catalogue(), flow(n), 50);
}

VerifyReport verify_dir(const TempDir& dir) {
  Journal j(options(dir), nullptr);
  return verify_journal(j);
}

}  // namespace

TEST_CASE("groups append, the journal reopens at its tail and verifies", "[journal]") {
  TempDir dir;
  const auto commands = flow(1000);
  const JournalMetadata meta = metadata_for(catalogue());
  {
    Journal j(options(dir), &meta);
    REQUIRE(j.last_seq() == 0);
    testing::journal_commands(j, catalogue(), std::vector(commands.begin(), commands.begin() + 600), 50);
  }
  {
    Journal j(options(dir), nullptr);  // reopening needs no metadata: the stored one is used
    REQUIRE(j.metadata() == meta);
    REQUIRE(j.last_seq() == 600);
    // The next group continues the chain; the engine is rebuilt by recovery first.
    Recovered r = recover(j, catalogue());
    REQUIRE(r.last_seq == 600);
    matcher::EventBuffer events;
    const auto status = j.write_group([&](Journal::Appender& a) {
      for (std::size_t i = 600; i < commands.size(); ++i) {
        events.clear();
        r.engine->process(commands[i], events);
        a.command(commands[i], exchange::Origin{});
        for (const auto& e : events) {
          if (e.type == matcher::EventType::kTrade) a.trade(e);
        }
      }
    });
    REQUIRE(status == WriteStatus::kOk);
  }
  Journal j(options(dir), nullptr);
  const VerifyReport report = verify_journal(j);
  INFO(report.first_bad);
  REQUIRE(report.ok);
  REQUIRE(report.commands == 1000);
  REQUIRE(report.trades > 50);  // the flow trades
  const testing::Replay replay = testing::replay_from_scratch(j, catalogue());
  REQUIRE(recover(j, catalogue()).engine->snapshot() == replay.state);
}

TEST_CASE("a group that breaks the sequence is refused whole", "[journal]") {
  TempDir dir;
  make_journal(dir, 100);
  Journal j(options(dir), nullptr);
  auto commands = flow(110);
  const auto status = j.write_group([&](Journal::Appender& a) {
    a.command(commands[100], {});
    a.command(commands[102], {});  // seq 103 after 101: a gap
  });
  REQUIRE(status == WriteStatus::kFailed);
  REQUIRE(j.last_seq() == 100);
  REQUIRE(verify_journal(j).commands == 100);
}

TEST_CASE("readers read consistent journals while the writer appends", "[journal]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  Journal j(options(dir), &meta);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<bool> all_ok{true};
  std::thread reader([&] {
    std::uint64_t last = 0;
    while (!done.load()) {
      const VerifyReport r = verify_journal(j);
      if (!r.ok || r.commands < last) all_ok = false;
      last = r.commands;
      reads++;
    }
  });
  // Keep writing until the reader has read several times meanwhile (at most 30,000 commands).
  const auto commands = flow(30000);
  for (std::size_t start = 0; start < commands.size() && (start < 3000 || reads.load() < 3); start += 3000) {
    testing::journal_commands_from(j, catalogue(), commands, start, start + 3000, 30);
  }
  done = true;
  reader.join();
  REQUIRE(all_ok);
  REQUIRE(reads > 0);
}

TEST_CASE("an edited, deleted or reordered command record is named", "[journal][damage]") {
  TempDir dir;
  make_journal(dir, 200);
  SECTION("edited value") {
    testing::edit_raw(dir.path(), "commands", [](MDB_txn* t, MDB_dbi d) {
      std::string v = testing::raw_get(t, d, 37);
      v[20] = static_cast<char>(v[20] ^ 0x01);  // a bit of the timestamp
      testing::raw_put(t, d, 37, v);
    });
    const VerifyReport r = verify_dir(dir);
    REQUIRE_FALSE(r.ok);
    REQUIRE_THAT(r.first_bad, Catch::StartsWith("command record seq 37: hash mismatch"));
  }
  SECTION("deleted record") {
    testing::edit_raw(dir.path(), "commands", [](MDB_txn* t, MDB_dbi d) { testing::raw_del(t, d, 120); });
    REQUIRE_THAT(verify_dir(dir).first_bad, Catch::StartsWith("command record seq 121: expected seq 120"));
  }
  SECTION("a deleted tail shortens the chain: only a chain head kept elsewhere reveals it") {
    testing::edit_raw(dir.path(), "commands", [](MDB_txn* t, MDB_dbi d) { testing::raw_del(t, d, 200); });
    const VerifyReport r = verify_dir(dir);
    REQUIRE(r.last_seq == 199);
  }
  SECTION("two records swapped") {
    testing::edit_raw(dir.path(), "commands", [](MDB_txn* t, MDB_dbi d) {
      const std::string a = testing::raw_get(t, d, 10);
      const std::string b = testing::raw_get(t, d, 11);
      testing::raw_put(t, d, 10, b);
      testing::raw_put(t, d, 11, a);
    });
    REQUIRE_THAT(verify_dir(dir).first_bad, Catch::StartsWith("command record seq 10: hash mismatch"));
  }
  SECTION("a record that does not decode") {
    testing::edit_raw(dir.path(), "commands",
                      [](MDB_txn* t, MDB_dbi d) { testing::raw_put(t, d, 5, std::string(40, 'x')); });
    REQUIRE_THAT(verify_dir(dir).first_bad, Catch::StartsWith("command record seq 5: record does not decode"));
  }
  SECTION("an edited metadata record: the chains start from its SHA-256, so record 1 names it") {
    testing::edit_raw(dir.path(), "meta", [](MDB_txn* t, MDB_dbi d) {
      MDB_val key{kMetadataKey.size(), const_cast<char*>(kMetadataKey.data())};
      MDB_val value{};
      REQUIRE(mdb_get(t, d, &key, &value) == 0);
      std::string v(static_cast<const char*>(value.mv_data), value.mv_size);
      v.back() = static_cast<char>(v.back() ^ 0x01);  // a bit of created_at
      MDB_val edited{v.size(), v.data()};
      REQUIRE(mdb_put(t, d, &key, &edited, 0) == 0);
    });
    const VerifyReport r = verify_dir(dir);
    REQUIRE_FALSE(r.ok);
    REQUIRE_THAT(r.first_bad, Catch::StartsWith("command record seq 1: hash mismatch") &&
                                  Catch::Contains("the metadata record or this record was edited"));
  }
  SECTION("an edited trade") {
    testing::edit_raw(dir.path(), "trades", [](MDB_txn* t, MDB_dbi d) {
      std::string v = testing::raw_get(t, d, 3);
      v[12] = static_cast<char>(v[12] ^ 0x10);
      testing::raw_put(t, d, 3, v);
    });
    REQUIRE_THAT(verify_dir(dir).first_bad, Catch::StartsWith("trade record id 3: hash mismatch"));
  }
  // Recovery refuses every one of these journals.
  Journal j(options(dir), nullptr);
  if (!verify_journal(j).ok) REQUIRE_THROWS_AS(recover(j, catalogue()), JournalError);
}

TEST_CASE("a byte flipped in the file on disk is named", "[journal][damage]") {
  TempDir dir;
  make_journal(dir, 300);
  std::string value;
  {
    Journal j(options(dir), nullptr);
    value = std::string(*j.reader().get(Table::kCommands, 250));
  }
  const auto file = dir.path() / "data.mdb";
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Copy-on-write leaves stale copies of the record in freed pages: damage every copy.
  std::size_t copies = 0;
  for (std::size_t at = bytes.find(value); at != std::string::npos; at = bytes.find(value, at + 1), ++copies) {
    bytes[at + 30] = static_cast<char>(bytes[at + 30] ^ 0x40);
  }
  REQUIRE(copies > 0);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  REQUIRE_THAT(verify_dir(dir).first_bad, Catch::StartsWith("command record seq 250: hash mismatch"));
}

TEST_CASE("a truncated journal file is refused before anything is read", "[journal][damage]") {
  TempDir dir;
  make_journal(dir, 2000);
  const auto file = dir.path() / "data.mdb";
  const auto size = std::filesystem::file_size(file);
  SECTION("cut in half") {
    std::filesystem::resize_file(file, size / 2);
    REQUIRE_THROWS_WITH(Journal(options(dir), nullptr), Catch::Contains("truncated"));
  }
  SECTION("cut to nothing: not taken for a new journal") {
    std::filesystem::resize_file(file, 0);
    const JournalMetadata meta = metadata_for(catalogue());
    REQUIRE_THROWS_WITH(Journal(options(dir), &meta), Catch::Contains("truncated"));
  }
}

TEST_CASE("recovery uses the newest valid snapshot and reaches the same state", "[journal][snapshot]") {
  TempDir dir;
  const auto commands = flow(1200);
  const JournalMetadata meta = metadata_for(catalogue());
  {
    Journal j(options(dir), &meta);
    testing::journal_commands(j, catalogue(), commands, 300, true);  // snapshots at 300, 600, 900, 1200
  }
  auto recovered_from = [&]() {
    Journal j(options(dir), nullptr);
    Recovered r = recover(j, catalogue());
    REQUIRE(r.engine->snapshot() == testing::replay_from_scratch(j, catalogue()).state);
    return r.snapshot_seq;
  };
  SECTION("only the newest kSnapshotsKept are kept") {
    {
      Journal j(options(dir), nullptr);
      REQUIRE(j.reader().keys_descending(Table::kSnapshots) == std::vector<std::uint64_t>{1200, 900, 600});
    }
    REQUIRE(recovered_from() == 1200);
  }
  SECTION("newest missing") {
    testing::edit_raw(dir.path(), "snapshots", [](MDB_txn* t, MDB_dbi d) { testing::raw_del(t, d, 1200); });
    REQUIRE(recovered_from() == 900);
  }
  SECTION("all missing: replay from the first command") {
    testing::edit_raw(dir.path(), "snapshots", [](MDB_txn* t, MDB_dbi d) {
      for (std::uint64_t s : {600, 900, 1200}) testing::raw_del(t, d, s);
    });
    REQUIRE(recovered_from() == 0);
  }
  SECTION("newest damaged: skipped, and verify names it") {
    testing::edit_raw(dir.path(), "snapshots", [](MDB_txn* t, MDB_dbi d) {
      std::string v = testing::raw_get(t, d, 1200);
      v[40] = static_cast<char>(v[40] ^ 0x01);
      testing::raw_put(t, d, 1200, v);
    });
    REQUIRE(recovered_from() == 900);
    const VerifyReport r = verify_dir(dir);
    REQUIRE(r.ok);  // the commands are intact
    REQUIRE(r.bad_snapshots.size() == 1);
    // A snapshot has its own hash, not a place in a chain: nothing before it can break it.
    REQUIRE(r.bad_snapshots[0] == "snapshot at seq 1200: its bytes do not hash to its own stored SHA-256 (snapshot "
                                  "edited)");
  }
}

TEST_CASE("reference data whose hash differs from the journal's is refused", "[journal]") {
  TempDir dir;
  make_journal(dir, 10);
  std::ifstream in(std::filesystem::path(REX_SOURCE_DIR) / refdata::kBundledCataloguePath, std::ios::binary);
  std::string json(std::istreambuf_iterator<char>(in), {});
  json += "\n";  // the same catalogue, one byte longer: another file, another hash
  const refdata::Catalogue other = refdata::load_catalogue_string(json);
  Journal j(options(dir), nullptr);
  REQUIRE_NOTHROW(check_reference_data(j.metadata(), catalogue()));
  REQUIRE_THROWS_WITH(check_reference_data(j.metadata(), other), Catch::Contains("reference data differs"));
}

TEST_CASE("the map grows as needed, and a full map refuses whole groups and corrupts nothing", "[journal][full]") {
  TempDir dir;
  JournalOptions o = options(dir);
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  o.initial_map_bytes = kMiB / 4;  // a few hundred commands
  o.max_map_bytes = 2 * kMiB;      // some ten thousand
  const JournalMetadata meta = metadata_for(catalogue());
  const auto commands = flow(40000);
  std::size_t written = 0;
  {
    Journal j(o, &meta);
    matcher::Engine engine(catalogue().instruments(), engine_options_for(catalogue()));
    matcher::EventBuffer events;
    constexpr std::size_t kGroup = 200;
    WriteStatus status = WriteStatus::kOk;
    while (status == WriteStatus::kOk && written < commands.size()) {
      std::vector<matcher::EventBuffer> results;
      for (std::size_t i = written; i < written + kGroup; ++i) {
        events.clear();
        engine.process(commands[i], events);
        results.push_back(events);
      }
      status = j.write_group([&](Journal::Appender& a) {
        for (std::size_t i = written; i < written + kGroup; ++i) {
          a.command(commands[i], {});
          for (const auto& e : results[i - written]) {
            if (e.type == matcher::EventType::kTrade) a.trade(e);
          }
        }
      });
      if (status == WriteStatus::kOk) written += kGroup;
    }
    REQUIRE(status == WriteStatus::kFull);
    REQUIRE(j.map_bytes() == o.max_map_bytes);  // it grew from a quarter MiB to the limit
    REQUIRE(written > 2000);
    REQUIRE(j.last_seq() == written);
    REQUIRE(verify_journal(j).ok);  // reads still work on the full journal
  }
  Journal j(options(dir), nullptr);  // reopened with room: intact, and it continues
  const VerifyReport r = verify_journal(j);
  REQUIRE(r.ok);
  REQUIRE(r.commands == written);
  REQUIRE(recover(j, catalogue()).engine->snapshot() == testing::replay_from_scratch(j, catalogue()).state);
}

TEST_CASE("a reader in another process follows the writer while the map grows", "[journal]") {
  TempDir dir;
  JournalOptions small = options(dir);
  small.initial_map_bytes = std::size_t{1} << 18;  // 256 KiB: the writer must grow it many times
  {
    const JournalMetadata meta = metadata_for(catalogue());
    Journal j(small, &meta);
    testing::journal_commands(j, catalogue(), flow(10), 10);
  }
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the writer: a small map that must grow several times
    int code = 0;
    try {
      Journal j(small, nullptr);
      testing::journal_commands_from(j, catalogue(), flow(120000), 10, 120000, 1000);
      code = j.map_bytes() >= 32 * small.initial_map_bytes ? 0 : 2;  // 15 MB of records
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  JournalOptions o = options(dir);
  o.read_only = true;
  Journal reader(o, nullptr);  // opened before the writer grows the map
  std::uint64_t last = 0;
  int status = 0;
  bool done = false;
  while (!done) {
    done = ::waitpid(child, &status, WNOHANG) == child;
    const VerifyReport r = verify_journal(reader);  // each in a new read transaction
    INFO(r.first_bad);
    REQUIRE(r.ok);
    REQUIRE(r.commands >= last);
    last = r.commands;
  }
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(last == 120000);
}

// Format 1 journals (before the reference_data table) are still read and appended to, with or
// without a write-ahead log in front; a reload cannot be journaled in one and is refused whole.
TEST_CASE("a format 1 journal is read, appended to, verified and recovered, and a reload in it is refused",
          "[journal][format1]") {
  const std::size_t wal_bytes = GENERATE(std::size_t{0}, kWalMinFileBytes);
  INFO("write-ahead log of " << wal_bytes << " bytes");
  TempDir dir;
  JournalMetadata meta = metadata_for(catalogue());
  meta.format_version = kJournalFormatVersion1;
  const std::vector<matcher::Command> commands = flow(600);
  JournalOptions o = options(dir);
  o.write_ahead_log_bytes = wal_bytes;
  {
    Journal j(o, &meta, catalogue().source());  // the catalogue bytes have nowhere to go in format 1
    REQUIRE_FALSE(j.has_reference_data_table());
    testing::journal_commands_from(j, catalogue(), commands, 0, 300, 50);
  }
  {
    Journal j(o, nullptr);
    REQUIRE(j.metadata().format_version == kJournalFormatVersion1);
    REQUIRE_FALSE(j.has_reference_data_table());
    REQUIRE(j.last_seq() == 300);
    testing::journal_commands_from(j, catalogue(), commands, 300, 600, 50);
    matcher::Command reload{};
    reload.type = matcher::CommandType::kReferenceData;
    reload.seq = 601;
    reload.timestamp = commands.back().timestamp + 1;
    reload.participant = 1;
    reload.reference_data = engine_options_for(catalogue()).reference_data;
    REQUIRE(j.write_group([&](Journal::Appender& a) {
      a.reference_data(reload, exchange::Origin{1, 7, 600}, catalogue().source(), sha256(catalogue().source()));
    }) != WriteStatus::kOk);
    REQUIRE(j.last_seq() == 600);  // nothing of the refused group
  }
  const Journal j(o, nullptr);
  REQUIRE(j.last_seq() == 600);
  const VerifyReport report = verify_journal(j);
  INFO(report.first_bad);
  REQUIRE(report.ok);
  REQUIRE(report.last_seq == 600);
  REQUIRE_FALSE(j.reader().first_key(Table::kReferenceData).has_value());
  const Recovered r = recover(j, catalogue());
  REQUIRE(r.last_seq == 600);
  REQUIRE(r.engine->snapshot() == testing::replay_from_scratch(j, catalogue()).state);
}
