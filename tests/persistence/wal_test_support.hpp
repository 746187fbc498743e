// Shared by the write-ahead log tests (write_ahead_log_test.cpp: the log's files;
// journal_wal_test.cpp: a journal with a log): records built and read back by hand, files
// patched, journals compared record by record, and a crash with a chosen part of the groups
// left unapplied (the child's applier blocked by an LMDB write lock the parent holds).
#pragma once

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "persistence/hash.hpp"
#include "persistence/recovery.hpp"
#include "persistence/verify.hpp"
#include "persistence/write_ahead_log.hpp"
#include "reference-data/loader.hpp"
#include "tests/persistence/support.hpp"

namespace rex::testing::wal {

using namespace rex::persistence;
using rex::testing::TempDir;

inline const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

inline std::vector<matcher::Command> flow(std::size_t n, std::uint64_t seed = 1) {
  return testing::stamped_flow(catalogue(), n, seed);
}

inline JournalOptions options(const TempDir& dir, std::size_t wal_bytes = 0) {
  JournalOptions o;
  o.directory = dir.path();
  o.write_ahead_log_bytes = wal_bytes;
  return o;
}

inline std::filesystem::path wal_file(const TempDir& dir, int i) { return dir.path() / ("wal-" + std::to_string(i)); }

// ---- records ----

// n bytes of every value (zeros and 0xff included), different for each seed.
inline std::string bytes_of(std::size_t n, std::uint64_t seed) {
  std::string s(n, '\0');
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (char& c : s) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    c = static_cast<char>(x >> 56);
  }
  return s;
}

struct Put {
  Table table;
  std::uint64_t key;
  std::string value;
};

inline std::string make_record(std::uint64_t first, std::uint64_t last, const std::vector<Put>& puts) {
  WalRecordBuilder b;
  b.begin();
  for (const Put& p : puts) b.put(static_cast<std::uint8_t>(p.table), p.key, p.value);
  b.finish(first, last);
  return std::string(b.bytes());
}

// One record of one put of `value_bytes` under key `seq`, for seq alone.
inline std::string single_record(std::uint64_t seq, std::size_t value_bytes) {
  return make_record(seq, seq, {{Table::kCommands, seq, bytes_of(value_bytes, seq)}});
}

inline void require_puts(const WalRecord& r, const std::vector<Put>& expected) {
  std::vector<WalPut> got;
  REQUIRE(decode_wal_puts(r.body, got));
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("put " << i);
    REQUIRE(got[i].table == static_cast<std::uint8_t>(expected[i].table));
    REQUIRE(got[i].key == expected[i].key);
    REQUIRE(got[i].value == expected[i].value);
  }
}

inline std::string le(std::uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

inline std::uint64_t load_le(std::string_view s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

// ---- files ----

inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void patch(const std::filesystem::path& file, std::size_t offset, std::string_view bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const ssize_t written = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
  ::close(fd);
  REQUIRE(written == static_cast<ssize_t>(bytes.size()));
}

// A file of `bytes` zeros that takes no disk (a hole), as one planted in a journal copy could be.
inline void make_sparse(const std::filesystem::path& file, std::size_t bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  const int rc = ::ftruncate(fd, static_cast<off_t>(bytes));
  ::close(fd);
  REQUIRE(rc == 0);
}

inline void flip_byte(const std::filesystem::path& file, std::size_t offset) {
  const std::string bytes = read_file(file);
  REQUIRE(offset < bytes.size());
  patch(file, offset, std::string(1, static_cast<char>(bytes[offset] ^ 0x20)));
}

// The offsets of the records a log file starts with, walking their lengths up to the first bytes
// that do not start with the magic (checksums are not checked).
inline std::vector<std::size_t> record_offsets(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  std::vector<std::size_t> out;
  std::size_t at = 0;
  while (at + kWalHeaderBytes <= bytes.size() && bytes.compare(at, 4, "RXWL") == 0) {
    out.push_back(at);
    at += kWalHeaderBytes + load_le(bytes, at + 4, 4);
  }
  return out;
}

inline std::vector<std::uint64_t> first_seqs(const std::vector<WalRecord>& records) {
  std::vector<std::uint64_t> out;
  for (const WalRecord& r : records) out.push_back(r.first_seq);
  return out;
}

inline std::vector<std::uint64_t> seqs(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

// ---- journals ----

// A journal without a log of the first `n` of `commands`, in groups of 50, closed again.
inline void make_journal(const TempDir& dir, const JournalMetadata& meta, const std::vector<matcher::Command>& commands,
                  std::size_t n) {
  Journal j(options(dir), &meta);
  testing::journal_commands_from(j, catalogue(), commands, 0, n, 50);
}

// Every command and trade record of `a` is byte-identical to `b`'s, and both end at the same keys.
inline void require_same_records(const Journal& a, const Journal& b) {
  const Journal::Reader ra = a.reader();
  const Journal::Reader rb = b.reader();
  for (Table t : {Table::kCommands, Table::kTrades, Table::kReferenceData}) {
    INFO("table " << static_cast<int>(t));
    REQUIRE(ra.first_key(t) == rb.first_key(t));
    REQUIRE(ra.last_key(t) == rb.last_key(t));
    std::uint64_t compared = 0;
    ra.scan(t, 0, [&](std::uint64_t key, std::string_view value) {
      const auto other = rb.get(t, key);
      INFO("key " << key);
      REQUIRE(other.has_value());
      REQUIRE(*other == value);
      ++compared;
      return true;
    });
    std::uint64_t in_b = 0;
    rb.scan(t, 0, [&](std::uint64_t, std::string_view) {
      ++in_b;
      return true;
    });
    REQUIRE(compared == in_b);
  }
}

// `j` holds exactly commands [0, n) of `commands`, byte for byte as a journal without a log does
// (written into `reference_dir` with the same metadata), verifies, and recovers to the same state.
inline void require_as_without_log(const Journal& j, const TempDir& reference_dir, const JournalMetadata& meta,
                            const std::vector<matcher::Command>& commands, std::size_t n) {
  make_journal(reference_dir, meta, commands, n);
  const Journal reference(options(reference_dir), nullptr);
  REQUIRE(j.last_seq() == n);
  REQUIRE(j.last_trade() == reference.last_trade());
  const VerifyReport report = verify_journal(j);
  INFO(report.first_bad);
  REQUIRE(report.ok);
  REQUIRE(report.commands == n);
  require_same_records(j, reference);
  REQUIRE(recover(j, catalogue()).engine->snapshot() == testing::replay_from_scratch(reference, catalogue()).state);
}

// LMDB's write lock on the journal in `dir`, held by this process through a write transaction of
// its own: a journal's applier in another process blocks until it is released.
class LmdbWriteLock {
 public:
  explicit LmdbWriteLock(const std::filesystem::path& dir) {
    if (mdb_env_create(&env_) != MDB_SUCCESS) return;
    if (mdb_env_set_maxdbs(env_, 5) == MDB_SUCCESS && mdb_env_open(env_, dir.c_str(), 0, 0644) == MDB_SUCCESS &&
        mdb_txn_begin(env_, nullptr, 0, &txn_) != MDB_SUCCESS) {
      txn_ = nullptr;
    }
  }
  ~LmdbWriteLock() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
    if (env_ != nullptr) mdb_env_close(env_);
  }
  LmdbWriteLock(const LmdbWriteLock&) = delete;
  LmdbWriteLock& operator=(const LmdbWriteLock&) = delete;
  bool held() const { return txn_ != nullptr; }

 private:
  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
};

// A child process that holds LMDB's write lock on the journal in `dir` until `release_fd` is
// closed, then exits (0: it held the lock). Returns its pid once it holds the lock.
inline pid_t hold_write_lock(const TempDir& dir, int& release_fd) {
  int up[2];
  int down[2];
  REQUIRE(::pipe(up) == 0);
  REQUIRE(::pipe(down) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(up[0]);
    ::close(down[1]);
    ::alarm(120);
    int code = 1;
    {
      const LmdbWriteLock lock(dir.path());
      char c = 'l';
      if (lock.held() && ::write(up[1], &c, 1) == 1) {
        while (::read(down[0], &c, 1) > 0) {
        }
        code = 0;
      }
    }
    ::_exit(code);
  }
  ::close(up[1]);
  ::close(down[0]);
  char c = 0;
  const bool locked = ::read(up[0], &c, 1) == 1;
  ::close(up[0]);
  release_fd = down[1];
  if (!locked) {
    ::close(release_fd);
    ::waitpid(child, nullptr, 0);
  }
  REQUIRE(locked);
  return child;
}

// Where the records a log file starts with end.
inline std::size_t log_end(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  const std::vector<std::size_t> offsets = record_offsets(file);
  return offsets.empty() ? 0 : offsets.back() + kWalHeaderBytes + load_le(bytes, offsets.back() + 4, 4);
}

// A crash with exactly commands [applied, total) durable in the log alone, deterministically: a
// child process opens the journal in `dir` with a log of `wal_bytes`, journals commands
// [first, applied) in groups of 50 and waits until its applier has put them all into LMDB. Then
// this process takes LMDB's write lock, so that the applier can apply nothing more, and the child
// journals [applied, total) (each group acknowledged by the log) and _exits without running a
// destructor. Returns the child's exit code (0: all written).
inline int crash_with_unapplied(const TempDir& dir, std::size_t wal_bytes, const std::vector<matcher::Command>& commands,
                         std::size_t first, std::size_t applied, std::size_t total) {
  int up[2];
  int down[2];
  REQUIRE(::pipe(up) == 0);
  REQUIRE(::pipe(down) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(up[0]);
    ::close(down[1]);
    ::alarm(120);  // a writer stuck waiting for room in the log dies instead of hanging the test
    try {
      Journal j(options(dir, wal_bytes), nullptr);
      testing::journal_commands_from(j, catalogue(), commands, first, applied, 50);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (j.reader().last_key(Table::kCommands).value_or(0) < applied) {
        if (std::chrono::steady_clock::now() > deadline) ::_exit(3);  // the applier never caught up
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      char c = 'a';
      if (::write(up[1], &c, 1) != 1) ::_exit(4);
      if (::read(down[0], &c, 1) != 1) ::_exit(5);  // the parent could not take the lock
      testing::journal_commands_from(j, catalogue(), commands, applied, total, 50);
      if (j.last_seq() != total) ::_exit(6);
      ::_exit(0);  // a crash: the applier's queue is lost, the journal's destructor never runs
    } catch (const std::exception& e) {
      std::fprintf(stderr, "write-ahead log test child: %s\n", e.what());
    }
    ::_exit(1);
  }
  ::close(up[1]);
  ::close(down[0]);
  char c = 0;
  const bool ready = ::read(up[0], &c, 1) == 1;
  std::optional<LmdbWriteLock> lock;
  if (ready) {
    lock.emplace(dir.path());
    if (lock->held() && ::write(down[1], &c, 1) != 1) lock.reset();
  }
  ::close(down[1]);  // without the lock: the child reads end of file and gives up
  int status = 0;
  const pid_t waited = ::waitpid(child, &status, 0);
  const bool locked = lock.has_value() && lock->held();
  lock.reset();
  ::close(up[0]);
  REQUIRE(waited == child);
  REQUIRE(ready);
  REQUIRE(locked);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

inline std::optional<std::uint64_t> last_command_in_lmdb(const TempDir& dir) {
  JournalOptions o = options(dir);
  o.read_only = true;
  const Journal j(o, nullptr);
  return j.reader().last_key(Table::kCommands);
}

}  // namespace rex::testing::wal
