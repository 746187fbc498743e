// A journal with a write-ahead log, on real files and real LMDB in private temp dirs: groups LMDB
// lacked after a crash replayed at open, gaps refused, back-pressure from a full log, reloads and
// snapshots through the applier, the log turned off, durability with and without it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "persistence/hash.hpp"
#include "persistence/recovery.hpp"
#include "persistence/verify.hpp"
#include "persistence/write_ahead_log.hpp"
#include "reference-data/loader.hpp"
#include "tests/persistence/support.hpp"
#include "tests/persistence/wal_test_support.hpp"

using namespace rex;
using namespace rex::persistence;
using namespace rex::testing::wal;
using rex::testing::TempDir;

TEST_CASE("after a crash the groups LMDB lacks are replayed from the log at open", "[wal][crash]") {
  TempDir dir;
  TempDir reference_dir;
  const JournalMetadata meta = metadata_for(catalogue());
  const std::vector<matcher::Command> commands = flow(3000);
  constexpr std::size_t kWalBytes = kWalMinFileBytes * 4;
  { const Journal created(options(dir, kWalBytes), &meta); }


  SECTION("half of the flow applied") {
    REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 1000, 2000) == 0);
    REQUIRE(last_command_in_lmdb(dir) == 1000);
    {
      const Journal j(options(dir, kWalBytes), nullptr);
      REQUIRE(j.replayed_from_log() == 1000);
      require_as_without_log(j, reference_dir, meta, commands, 2000);
    }
    const Journal again(options(dir, kWalBytes), nullptr);
    REQUIRE(again.replayed_from_log() == 0);
    REQUIRE(again.last_seq() == 2000);
  }
  SECTION("nothing applied") {
    REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 0, 2000) == 0);
    REQUIRE_FALSE(last_command_in_lmdb(dir).has_value());
    const Journal j(options(dir, kWalBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 2000);
    require_as_without_log(j, reference_dir, meta, commands, 2000);
  }
  SECTION("a group edited in the log, its checksum made good again: refused, LMDB untouched") {
    REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 1000, 2000) == 0);
    const std::vector<std::size_t> offsets = record_offsets(wal_file(dir, 0));
    REQUIRE(offsets.size() == 40);
    const std::size_t at = offsets[25];  // seq 1251..1300, not in LMDB
    flip_byte(wal_file(dir, 0), at + kWalHeaderBytes + 40);  // inside seq 1251's command record
    const std::string file = read_file(wal_file(dir, 0));
    const std::string_view body = std::string_view(file).substr(at + kWalHeaderBytes, load_le(file, at + 4, 4));
    const Hash h = sha256(body);
    patch(wal_file(dir, 0), at + 8, std::string_view(reinterpret_cast<const char*>(h.data()), 8));
    REQUIRE(WriteAheadLog(dir.path(), kWalBytes).read_all().size() == 40);  // the log itself reads as intact
    std::string error;
    try {
      const Journal j(options(dir, kWalBytes), nullptr);
    } catch (const JournalError& e) {
      error = e.what();
    }
    CHECK_THAT(error, Catch::Contains("logged command record seq 1251 does not chain on"));
    REQUIRE(last_command_in_lmdb(dir) == 1000);  // nothing of the log went in
    JournalOptions o = options(dir);
    o.read_only = true;
    const Journal reader(o, nullptr);
    CHECK_THAT(reader.log_gap(), Catch::Contains("logged command record seq 1251 does not chain on"));
  }
  SECTION("the last group torn: the journal ends at the group before it and goes on from there") {
    REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 1000, 2000) == 0);
    const std::vector<std::size_t> offsets = record_offsets(wal_file(dir, 0));
    REQUIRE(offsets.size() == 40);  // 2000 commands in groups of 50, all in wal-0
    flip_byte(wal_file(dir, 0), offsets.back() + kWalHeaderBytes + 40);
    {
      Journal j(options(dir, kWalBytes), nullptr);
      REQUIRE(j.replayed_from_log() == 950);
      REQUIRE(j.last_seq() == 1950);
      REQUIRE(verify_journal(j).ok);
      testing::journal_commands_from(j, catalogue(), commands, 1950, 2000, 50);
    }  // the applier drains
    REQUIRE(last_command_in_lmdb(dir) == 2000);
    const Journal j(options(dir, kWalBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 0);
    require_as_without_log(j, reference_dir, meta, commands, 2000);
  }
  SECTION("a second crash after a replay: the log's older groups are not replayed again") {
    REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 1000, 2000) == 0);
    {
      const Journal j(options(dir, kWalBytes), nullptr);
      REQUIRE(j.replayed_from_log() == 1000);
    }
    REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 2000, 2500, 3000) == 0);
    REQUIRE(last_command_in_lmdb(dir) == 2500);
    const Journal j(options(dir, kWalBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 500);
    require_as_without_log(j, reference_dir, meta, commands, 3000);
  }
}

TEST_CASE("the log goes round its files, waiting for the applier, and a crash replays across a switch",
          "[wal][crash]") {
  TempDir dir;
  TempDir reference_dir;
  const JournalMetadata meta = metadata_for(catalogue());
  const std::vector<matcher::Command> commands = flow(30000);  // ~3.5 MB of records: the files go round
  { const Journal created(options(dir, kWalMinFileBytes), &meta); }
  SECTION("closed cleanly, after the writer waited for room in the log") {
    // With the applier locked out of LMDB the writer fills both files and must wait: a watcher
    // releases the lock once wal-1 is full and has not changed for 50 ms.
    int release_fd = -1;
    const pid_t holder = hold_write_lock(dir, release_fd);
    std::atomic<bool> stop{false};
    std::atomic<bool> writer_waited{false};
    std::thread watcher([&] {
      const auto start = std::chrono::steady_clock::now();
      std::size_t end = 0;
      auto changed = start;
      while (!stop.load() && std::chrono::steady_clock::now() - start < std::chrono::seconds(60)) {
        const std::size_t now_end = log_end(wal_file(dir, 1));
        if (now_end != end) {
          end = now_end;
          changed = std::chrono::steady_clock::now();
        } else if (end > kWalMinFileBytes - 16 * 1024 &&
                   std::chrono::steady_clock::now() - changed > std::chrono::milliseconds(50)) {
          writer_waited = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      ::close(release_fd);  // the holder reads end of file and lets go
    });
    struct Join {
      std::thread& t;
      std::atomic<bool>& stop;
      ~Join() {
        stop = true;
        t.join();
      }
    } join{watcher, stop};
    {
      Journal j(options(dir, kWalMinFileBytes), nullptr);
      testing::journal_commands(j, catalogue(), commands, 50);
      REQUIRE(j.last_seq() == 30000);
    }
    REQUIRE(writer_waited);
    int status = 0;
    REQUIRE(::waitpid(holder, &status, 0) == holder);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    REQUIRE_FALSE(record_offsets(wal_file(dir, 1)).empty());
    const Journal j(options(dir, kWalMinFileBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 0);
    require_as_without_log(j, reference_dir, meta, commands, 30000);
  }
  SECTION("a crash with the last 5,000 commands in the log alone") {
    REQUIRE(crash_with_unapplied(dir, kWalMinFileBytes, commands, 0, 25000, 30000) == 0);
    REQUIRE_FALSE(record_offsets(wal_file(dir, 1)).empty());
    REQUIRE(last_command_in_lmdb(dir) == 25000);
    const Journal j(options(dir, kWalMinFileBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 5000);
    require_as_without_log(j, reference_dir, meta, commands, 30000);
  }
}

TEST_CASE("a group larger than a log file is refused whole, and the journal goes on", "[wal]") {
  TempDir dir;
  TempDir reference_dir;
  const JournalMetadata meta = metadata_for(catalogue());
  const std::vector<matcher::Command> commands = flow(12000);  // ~1.4 MB: more than a file of 1 MiB
  {
    Journal j(options(dir, kWalMinFileBytes), &meta);
    REQUIRE_THROWS(testing::journal_commands_from(j, catalogue(), commands, 0, commands.size(), commands.size()));
    REQUIRE(j.last_error() == EFBIG);
    REQUIRE(j.last_seq() == 0);
    REQUIRE(j.last_trade() == 0);
    testing::journal_commands_from(j, catalogue(), commands, 0, commands.size(), 500);
    REQUIRE(j.last_seq() == 12000);
  }
  const Journal j(options(dir, kWalMinFileBytes), nullptr);
  require_as_without_log(j, reference_dir, meta, commands, 12000);
}

TEST_CASE("a reload's catalogue goes through the log into the reference data table", "[wal]") {
  TempDir dir;
  TempDir reference_dir;
  const JournalMetadata meta = metadata_for(catalogue());
  std::ifstream in(std::filesystem::path(REX_SOURCE_DIR) / refdata::kBundledCataloguePath, std::ios::binary);
  std::string json(std::istreambuf_iterator<char>(in), {});
  json += "\n";  // the same instruments in another file: another hash
  const refdata::Catalogue reloaded = refdata::load_catalogue_string(json);
  REQUIRE(reloaded.content_hash() != catalogue().content_hash());
  std::vector<matcher::Command> commands = flow(300);
  matcher::Command& reload = commands[100];  // seq 101
  reload = matcher::Command{};
  reload.type = matcher::CommandType::kReferenceData;
  reload.participant = 1;
  reload.reference_data = engine_options_for(reloaded).reference_data;
  testing::stamp(commands);

  auto write = [&](const TempDir& d, std::size_t wal_bytes) {
    {
      Journal j(options(d, wal_bytes), &meta, catalogue().source());
      testing::journal_commands_from(j, catalogue(), commands, 0, 100, 50);
      REQUIRE(j.write_group([&](Journal::Appender& a) {
        a.reference_data(reload, exchange::Origin{1, 7, 100}, reloaded.source(), sha256(reloaded.source()));
      }) == WriteStatus::kOk);
    }  // the applier drains: the next engine is recovered from LMDB
    Journal j(options(d, wal_bytes), nullptr);
    testing::journal_commands_from(j, catalogue(), commands, 101, commands.size(), 50);
  };
  write(dir, kWalMinFileBytes);
  write(reference_dir, 0);
  const Journal j(options(dir, kWalMinFileBytes), nullptr);
  const Journal reference(options(reference_dir), nullptr);
  REQUIRE(j.last_seq() == 300);
  REQUIRE(j.reader().keys_descending(Table::kReferenceData) == std::vector<std::uint64_t>{101, 0});
  const VerifyReport report = verify_journal(j);
  INFO(report.first_bad);
  REQUIRE(report.ok);
  require_same_records(j, reference);
  const Recovered r = recover(j, catalogue());
  REQUIRE(r.catalogue->content_hash() == reloaded.content_hash());
  REQUIRE(r.engine->snapshot() == recover(reference, catalogue()).engine->snapshot());
}

// JournalOptions: "a log found in the directory (left by a run with one) is then applied to LMDB at
// open and deleted": opened without its log after a crash, the journal still has every group the
// log acknowledged, and a later open with a log cannot replay them onto newer commands.
TEST_CASE("a journal opened without its log after a crash applies the log's groups and deletes it",
          "[wal][crash]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  const std::vector<matcher::Command> commands = flow(2500);
  constexpr std::size_t kWalBytes = kWalMinFileBytes * 4;
  { const Journal created(options(dir, kWalBytes), &meta); }
  REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 1000, 2000) == 0);
  REQUIRE(last_command_in_lmdb(dir) == 1000);
  {
    Journal j(options(dir), nullptr);
    REQUIRE(j.replayed_from_log() == 1000);
    REQUIRE(j.last_seq() == 2000);
    REQUIRE_FALSE(j.durable_on_write());
    REQUIRE_FALSE(std::filesystem::exists(wal_file(dir, 0)));
    REQUIRE_FALSE(std::filesystem::exists(wal_file(dir, 1)));
    testing::journal_commands_from(j, catalogue(), commands, 2000, 2500, 50);  // written without a log
    REQUIRE(j.last_seq() == 2500);
  }
  const Journal j(options(dir, kWalBytes), nullptr);
  REQUIRE(j.replayed_from_log() == 0);
  REQUIRE(j.last_seq() == 2500);
  const VerifyReport report = verify_journal(j);
  INFO(report.first_bad);
  REQUIRE(report.ok);
}

TEST_CASE("a log that does not follow on from LMDB is refused, one already applied is ignored", "[wal]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  make_journal(dir, meta, flow(100), 100);
  auto log = [&](const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges) {
    WriteAheadLog wal(dir.path(), kWalMinFileBytes);
    for (const auto& [first, last] : ranges) {
      std::vector<Put> puts;
      for (std::uint64_t s = first; s <= last; ++s) puts.push_back({Table::kCommands, s, bytes_of(90, s)});
      REQUIRE(wal.append(make_record(first, last, puts), last, 0) == 0);
    }
  };
  // The message of the JournalError opening with the log throws ("" if it opens).
  auto open_error = [&]() -> std::string {
    try {
      const Journal j(options(dir, kWalMinFileBytes), nullptr);
    } catch (const JournalError& e) {
      return e.what();
    }
    return "";
  };
  // Read-only (a writable open would try the log again): LMDB as it was, and what an auditor is
  // told about the log: the same gap the writable open refused, and the commands up to it.
  auto require_untouched = [&](const std::string& gap, std::uint64_t unapplied) {
    JournalOptions o = options(dir);
    o.read_only = true;
    const Journal j(o, nullptr);
    REQUIRE(j.last_seq() == 100);
    REQUIRE(verify_journal(j).ok);
    CHECK_FALSE(j.writer_live());
    CHECK(j.log_gap() == gap);
    CHECK(j.unapplied_log_commands() == unapplied);
  };

  SECTION("a gap after LMDB's last command") {
    log({{104, 104}});
    const std::string error = open_error();
    REQUIRE_THAT(error, Catch::Contains("ends at seq 100") && Catch::Contains("starts at seq 104"));
    require_untouched("the journal ends at seq 100 but the next logged group starts at seq 104", 0);
    CHECK_THAT(error, Catch::EndsWith("the journal ends at seq 100 but the next logged group starts at seq 104"));
  }
  SECTION("a gap between logged groups: nothing is applied") {
    log({{101, 102}, {104, 110}});
    REQUIRE_THAT(open_error(), Catch::Contains("ends at seq 102") && Catch::Contains("starts at seq 104"));
    require_untouched("the journal ends at seq 102 but the next logged group starts at seq 104", 2);
  }
  SECTION("a damaged group in the middle of a file, intact ones after it: refused, nothing applied") {
    log({{101, 102}, {103, 105}, {106, 110}});
    const std::size_t second = make_record(101, 102, {{Table::kCommands, 101, bytes_of(90, 101)},
                                                      {Table::kCommands, 102, bytes_of(90, 102)}})
                                   .size();
    flip_byte(wal_file(dir, 0), second + kWalHeaderBytes + 40);  // inside group 103..105's body
    REQUIRE_THAT(open_error(), Catch::Contains("ends at seq 102") && Catch::Contains("starts at seq 106"));
    require_untouched("the journal ends at seq 102 but the next logged group starts at seq 106", 2);
  }
  SECTION("groups LMDB already has") {
    log({{50, 60}, {61, 100}});
    const Journal j(options(dir, kWalMinFileBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 0);
    REQUIRE(j.last_seq() == 100);
    REQUIRE(verify_journal(j).ok);
  }
}

TEST_CASE("snapshots go through the applier after the groups before them, and recovery uses them", "[wal][snapshot]") {
  TempDir dir;
  const std::vector<matcher::Command> commands = flow(500);
  const JournalMetadata meta = metadata_for(catalogue());
  {
    Journal j(options(dir, kWalMinFileBytes), &meta);
    // Each snapshot is queued behind its group: LMDB may not have the group's last command yet.
    testing::journal_commands(j, catalogue(), commands, 125, true);  // snapshots at 125, 250, 375, 500
    REQUIRE(j.last_seq() == 500);
  }  // the applier drains
  const Journal j(options(dir, kWalMinFileBytes), nullptr);
  REQUIRE(j.replayed_from_log() == 0);
  REQUIRE(j.reader().keys_descending(Table::kSnapshots) == std::vector<std::uint64_t>{500, 375, 250});
  const VerifyReport report = verify_journal(j);
  REQUIRE(report.ok);
  REQUIRE(report.bad_snapshots.empty());
  const Recovered r = recover(j, catalogue());
  REQUIRE(r.snapshot_seq == 500);
  REQUIRE(r.replayed == 0);
  REQUIRE(r.engine->snapshot() == testing::replay_from_scratch(j, catalogue()).state);
}

TEST_CASE("durability with and without a log", "[wal]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  SECTION("with a log: durable on write, sync has nothing to do") {
    Journal j(options(dir, kWalMinFileBytes), &meta);
    REQUIRE(j.durable_on_write());
    testing::journal_commands(j, catalogue(), flow(100), 50);
    REQUIRE(j.sync() == WriteStatus::kOk);
    REQUIRE(std::filesystem::file_size(wal_file(dir, 0)) == kWalMinFileBytes);
    REQUIRE(record_offsets(wal_file(dir, 0)).size() == 2);
  }
  SECTION("without a log") {
    Journal j(options(dir), &meta);
    REQUIRE_FALSE(j.durable_on_write());
    testing::journal_commands(j, catalogue(), flow(100), 50);
    REQUIRE(j.sync() == WriteStatus::kOk);
    REQUIRE_FALSE(std::filesystem::exists(wal_file(dir, 0)));
    REQUIRE_FALSE(std::filesystem::exists(wal_file(dir, 1)));
  }
  SECTION("not durable: the log is written without syncing, LMDB follows, and a reopen has it all") {
    {
      JournalOptions o = options(dir, kWalMinFileBytes);
      o.durable = false;
      Journal j(o, &meta);
      REQUIRE(j.durable_on_write());  // as durable as anything a journal without syncs writes
      testing::journal_commands(j, catalogue(), flow(100), 50);
      REQUIRE(j.last_seq() == 100);
      REQUIRE(record_offsets(wal_file(dir, 0)).size() == 2);
    }
    const Journal j(options(dir, kWalMinFileBytes), nullptr);
    REQUIRE(j.replayed_from_log() == 0);  // the applier put both groups into LMDB before closing
    REQUIRE(j.reader().last_key(Table::kCommands) == 100);
    REQUIRE(verify_journal(j).ok);
  }
  SECTION("read-only: the log size is ignored") {
    make_journal(dir, meta, flow(10), 10);
    JournalOptions o = options(dir, kWalMinFileBytes);
    o.read_only = true;
    const Journal j(o, nullptr);
    REQUIRE_FALSE(j.durable_on_write());
    REQUIRE(j.last_seq() == 10);
    REQUIRE_FALSE(std::filesystem::exists(wal_file(dir, 0)));
  }
}

// With a log, a full map shows in the applier, after the groups were acknowledged: they stay in the
// log, the journal takes no more, and a journal reopened with room applies them.
TEST_CASE("a full map with a log keeps every acknowledged group and applies it once there is room",
          "[wal][full]") {
  TempDir dir;
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  JournalOptions o = options(dir, 4 * kWalMinFileBytes);
  o.initial_map_bytes = kMiB / 4;
  o.max_map_bytes = 2 * kMiB;  // some ten thousand commands
  const JournalMetadata meta = metadata_for(catalogue());
  // ~13 MB of records: more than both log files hold, so the writer must wait for the applier and
  // is refused once the applier fails, however fast it writes.
  const std::vector<matcher::Command> commands = flow(100000);
  std::uint64_t acknowledged = 0;
  {
    Journal j(o, &meta);
    bool refused = false;
    try {
      testing::journal_commands_from(j, catalogue(), commands, 0, commands.size(), 200);
    } catch (const std::runtime_error&) {
      refused = true;  // write_group answered something other than kOk
    }
    REQUIRE(refused);
    REQUIRE(j.last_error() == MDB_MAP_FULL);
    acknowledged = j.last_seq();  // the refused group rewound: every group up to here returned kOk
    REQUIRE(acknowledged > 2000);
    REQUIRE(j.applied_seq() < acknowledged);  // LMDB could not take the last of them
  }
  JournalOptions ro = options(dir);
  ro.read_only = true;
  std::uint64_t in_lmdb = 0;
  {
    const Journal auditor(ro, nullptr);
    in_lmdb = auditor.last_seq();
    REQUIRE(auditor.unapplied_log_commands() == acknowledged - in_lmdb);
  }
  JournalOptions roomy = options(dir, 4 * kWalMinFileBytes);  // the default map limit: room again
  const Journal j(roomy, nullptr);
  REQUIRE(j.replayed_from_log() == acknowledged - in_lmdb);
  REQUIRE(j.last_seq() == acknowledged);
  const VerifyReport report = verify_journal(j);
  INFO(report.first_bad);
  REQUIRE(report.ok);
  REQUIRE(recover(j, catalogue()).engine->snapshot() == testing::replay_from_scratch(j, catalogue()).state);
}
