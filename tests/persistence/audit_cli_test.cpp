// rex-audit as an auditor runs it: the real binary on real journals (LMDB and write-ahead log
// files), checked by what it prints and its exit status (docs/audit-guide.md: 0 pass, 1 a check
// failed, 2 could not run).
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "persistence/journal_format.hpp"
#include "tests/persistence/raw_lmdb.hpp"
#include "tests/persistence/support.hpp"
#include "tests/persistence/wal_test_support.hpp"

using namespace rex;
using namespace rex::persistence;
using namespace rex::testing::wal;
using rex::testing::TempDir;

namespace {

struct AuditRun {
  int status = -1;
  std::string output;  // stdout and stderr
  std::size_t peak_resident_bytes = 0;
};

AuditRun rex_audit(const std::vector<std::string>& args) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> argv{const_cast<char*>("rex-audit")};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(REX_AUDIT_PATH, argv.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  AuditRun run;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) run.output.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  run.peak_resident_bytes = static_cast<std::size_t>(usage.ru_maxrss) * 1024;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

const std::string kCatalogueFile = std::string(REX_SOURCE_DIR) + "/reference-data/catalogue/rex-catalogue.json";

}  // namespace

TEST_CASE("rex-audit passes a sound journal: verify and replay", "[audit][cli]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(300), 300);
  const AuditRun verified = rex_audit({"verify", dir.path().string()});
  INFO(verified.output);
  CHECK(verified.status == 0);
  CHECK_THAT(verified.output, Catch::Contains("300 commands (last seq 300)") && Catch::EndsWith("OK\n"));
  const AuditRun replayed = rex_audit({"replay", dir.path().string(), kCatalogueFile});
  INFO(replayed.output);
  CHECK(replayed.status == 0);
  CHECK_THAT(replayed.output, Catch::Contains("300 commands replayed") && Catch::Contains("OK every trade matches"));
}

TEST_CASE("rex-audit replay fails (exit 1) on a journal with a command missing", "[audit][cli]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(300), 300);
  rex::testing::edit_raw(dir.path(), "commands", [](MDB_txn* t, MDB_dbi d) { rex::testing::raw_del(t, d, 150); });
  const AuditRun run = rex_audit({"replay", dir.path().string(), kCatalogueFile});
  INFO(run.output);
  CHECK(run.status == 1);
  CHECK_THAT(run.output, Catch::Contains("FAIL first divergence: command seq 150 is missing"));
  CHECK_THAT(run.output, !Catch::Contains("OK every trade matches"));
}

TEST_CASE("rex-audit replay fails (exit 1), not refuses, on a stored creation catalogue the metadata does not name",
          "[audit][cli]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(100), 100);
  const std::string forged = catalogue().source() + " ";  // rehashed: only the metadata's hash shows it
  rex::testing::edit_raw(dir.path(), "reference_data", [&](MDB_txn* t, MDB_dbi d) {
    rex::testing::raw_put(t, d, 0, encode_reference_data_record(forged, sha256(forged)));
  });
  const AuditRun run = rex_audit({"replay", dir.path().string(), kCatalogueFile});
  INFO(run.output);
  CHECK(run.status == 1);
  CHECK_THAT(run.output, Catch::Contains("FAIL first divergence: reference data at seq 0: the stored catalogue is not "
                                         "the one the metadata names"));
}

TEST_CASE("rex-audit writes out the catalogue the journal stores, and export takes instrument codes from it",
          "[audit][cli]") {
  TempDir dir;
  const JournalMetadata meta = metadata_for(catalogue());
  {
    Journal j(options(dir), &meta, catalogue().source());
    testing::journal_commands_from(j, catalogue(), flow(100), 0, 100, 50);
  }
  const AuditRun stored = rex_audit({"catalogue", dir.path().string()});
  CHECK(stored.status == 0);
  CHECK(stored.output == catalogue().source());
  const AuditRun missing = rex_audit({"catalogue", dir.path().string(), "7"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.output, Catch::Contains("no catalogue under seq 7 (it stores: 0)"));
  const AuditRun orders = rex_audit({"export", dir.path().string(), "--orders"});
  INFO(orders.output);
  CHECK(orders.status == 0);
  CHECK_THAT(orders.output, Catch::Contains("," + catalogue().instruments()[0].code + ","));
}

TEST_CASE("rex-audit verify fails on a write-ahead log that does not follow on from data.mdb", "[audit][cli][wal]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(100), 100);
  {
    WriteAheadLog wal(dir.path(), kWalMinFileBytes);
    REQUIRE(wal.append(single_record(104, 90), 104, 0) == 0);  // groups 101-103 are nowhere
  }
  const AuditRun run = rex_audit({"verify", dir.path().string()});
  INFO(run.output);
  CHECK(run.status == 1);
  CHECK_THAT(run.output, Catch::Contains("FAIL write-ahead log: the journal ends at seq 100 but the next logged group "
                                         "starts at seq 104"));
  CHECK_THAT(run.output, !Catch::Contains("OK\n"));
}

// A wal-0 of 3 GiB planted in a copy (sparse: no disk), its one header claiming more than the file
// holds: rex-audit reads it through its window (a reader of the whole file, or of the length the
// header claims, would take gigabytes), finds nothing intact, and passes what data.mdb holds.
TEST_CASE("rex-audit verify reads a huge sparse write-ahead log file in bounded memory", "[audit][cli][wal]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(100), 100);
  make_sparse(wal_file(dir, 0), std::size_t{3} << 30);
  patch(wal_file(dir, 0), 0, "RXWL" + le(0xffff'fff0u, 4) + le(0, 8) + le(101, 8) + le(101, 8));
  const AuditRun run = rex_audit({"verify", dir.path().string()});
  INFO(run.output);
  CHECK(run.status == 0);
  CHECK_THAT(run.output, Catch::Contains("100 commands (last seq 100)") && Catch::EndsWith("OK\n"));
  CHECK(run.peak_resident_bytes < (std::size_t{512} << 20));
}

TEST_CASE("rex-audit counts what a crashed writer left in its log only, and passes what data.mdb holds",
          "[audit][cli][wal]") {
  TempDir dir;
  const std::vector<matcher::Command> commands = flow(600);
  constexpr std::size_t kWalBytes = kWalMinFileBytes * 4;
  const JournalMetadata meta = metadata_for(catalogue());
  { const Journal created(options(dir, kWalBytes), &meta); }
  REQUIRE(crash_with_unapplied(dir, kWalBytes, commands, 0, 200, 600) == 0);
  const AuditRun run = rex_audit({"verify", dir.path().string()});
  INFO(run.output);
  CHECK(run.status == 0);
  CHECK_THAT(run.output, Catch::Contains("WARNING the write-ahead log holds 400 more commands (seq 201 on)"));
  CHECK_THAT(run.output, Catch::Contains("200 commands (last seq 200)") && Catch::EndsWith("OK\n"));
  // apply-log puts them into data.mdb (and nothing else): the audit then covers all 600.
  const AuditRun applied = rex_audit({"apply-log", dir.path().string()});
  INFO(applied.output);
  CHECK(applied.status == 0);
  CHECK_THAT(applied.output, Catch::Contains("applied 400 commands from the write-ahead log; data.mdb now ends at seq 600"));
  const AuditRun after = rex_audit({"verify", dir.path().string()});
  INFO(after.output);
  CHECK(after.status == 0);
  CHECK_THAT(after.output, !Catch::Contains("WARNING") && Catch::Contains("600 commands (last seq 600)"));
}

TEST_CASE("rex-audit on a journal that is being written says so", "[audit][cli]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(100), 100);
  const Journal writer(options(dir), nullptr);  // holds writer.lock, as rexd would
  const AuditRun run = rex_audit({"verify", dir.path().string()});
  INFO(run.output);
  CHECK(run.status == 0);
  CHECK_THAT(run.output, Catch::Contains("NOTE rexd has this journal open for writing"));
}

TEST_CASE("rex-audit cannot run without a journal, and says so", "[audit][cli]") {
  TempDir dir;
  const AuditRun run = rex_audit({"verify", (dir.path() / "nothing").string()});
  INFO(run.output);
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("data.mdb missing"));
}

TEST_CASE("rex-audit verify --anchor: a head kept outside the journal proves it unaltered, or cut off", "[audit][cli]") {
  TempDir dir;
  make_journal(dir, metadata_for(catalogue()), flow(300), 300);
  std::string head;  // the command chain hash stored with seq 200, as rexd logs it
  {
    rex::persistence::JournalOptions o;
    o.directory = dir.path();
    o.read_only = true;
    const rex::persistence::Journal j(o, nullptr);
    auto reader = j.reader();
    const auto value = reader.get(rex::persistence::Table::kCommands, 200);
    REQUIRE(value);
    rex::persistence::Hash h{};
    REQUIRE(rex::persistence::stored_chain_hash(*value, h));
    head = rex::persistence::to_hex(h);
  }
  const AuditRun kept = rex_audit({"verify", dir.path().string(), "--anchor", "200:" + head});
  INFO(kept.output);
  CHECK(kept.status == 0);
  CHECK_THAT(kept.output, Catch::Contains("anchor OK: command chain hash at seq 200") && Catch::EndsWith("OK\n"));
  // The journal no longer reaches the anchor: its end was cut off.
  const AuditRun beyond = rex_audit({"verify", dir.path().string(), "--anchor", "301:" + head});
  INFO(beyond.output);
  CHECK(beyond.status == 1);
  CHECK_THAT(beyond.output, Catch::Contains("FAIL anchor: the journal has no command record seq 301"));
  // The journal up to the anchor is not the one whose head was kept.
  const AuditRun other = rex_audit({"verify", dir.path().string(), "--anchor", "199:" + head});
  INFO(other.output);
  CHECK(other.status == 1);
  CHECK_THAT(other.output, Catch::Contains("FAIL anchor: command chain hash at seq 199"));
  CHECK(rex_audit({"verify", dir.path().string(), "--anchor", "200:abc"}).status == 2);
}
