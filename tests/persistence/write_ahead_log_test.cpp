// The journal's write-ahead log on real files and real LMDB in private temp dirs: records read back
// whole and in the documented layout, torn tails dropped, the switch between the two files and the
// wait for the applied seq before one is overwritten, groups LMDB lacked after a crash replayed at
// open, gaps refused, snapshots stored through the applier.
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

using namespace rex;
using namespace rex::persistence;
using rex::testing::TempDir;

namespace {

const refdata::Catalogue& catalogue() { return testing::bundled_catalogue(); }

std::vector<matcher::Command> flow(std::size_t n, std::uint64_t seed = 1) {
  return testing::stamped_flow(catalogue(), n, seed);
}

JournalOptions options(const TempDir& dir, std::size_t wal_bytes = 0) {
  JournalOptions o;
  o.directory = dir.path();
  o.write_ahead_log_bytes = wal_bytes;
  return o;
}

std::filesystem::path wal_file(const TempDir& dir, int i) { return dir.path() / ("wal-" + std::to_string(i)); }

// ---- records ----

// n bytes of every value (zeros and 0xff included), different for each seed.
std::string bytes_of(std::size_t n, std::uint64_t seed) {
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

std::string make_record(std::uint64_t first, std::uint64_t last, const std::vector<Put>& puts) {
  WalRecordBuilder b;
  b.begin();
  for (const Put& p : puts) b.put(static_cast<std::uint8_t>(p.table), p.key, p.value);
  b.finish(first, last);
  return std::string(b.bytes());
}

// One record of one put of `value_bytes` under key `seq`, for seq alone.
std::string single_record(std::uint64_t seq, std::size_t value_bytes) {
  return make_record(seq, seq, {{Table::kCommands, seq, bytes_of(value_bytes, seq)}});
}

void require_puts(const WalRecord& r, const std::vector<Put>& expected) {
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

std::string le(std::uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::uint64_t load_le(std::string_view s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

// ---- files ----

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void patch(const std::filesystem::path& file, std::size_t offset, std::string_view bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const ssize_t written = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
  ::close(fd);
  REQUIRE(written == static_cast<ssize_t>(bytes.size()));
}

void flip_byte(const std::filesystem::path& file, std::size_t offset) {
  const std::string bytes = read_file(file);
  REQUIRE(offset < bytes.size());
  patch(file, offset, std::string(1, static_cast<char>(bytes[offset] ^ 0x20)));
}

// The offsets of the records a log file starts with, walking their lengths up to the first bytes
// that do not start with the magic (checksums are not checked).
std::vector<std::size_t> record_offsets(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  std::vector<std::size_t> out;
  std::size_t at = 0;
  while (at + kWalHeaderBytes <= bytes.size() && bytes.compare(at, 4, "RXWL") == 0) {
    out.push_back(at);
    at += kWalHeaderBytes + load_le(bytes, at + 4, 4);
  }
  return out;
}

std::vector<std::uint64_t> first_seqs(const std::vector<WalRecord>& records) {
  std::vector<std::uint64_t> out;
  for (const WalRecord& r : records) out.push_back(r.first_seq);
  return out;
}

std::vector<std::uint64_t> seqs(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

// ---- journals ----

// A journal without a log of the first `n` of `commands`, in groups of 50, closed again.
void make_journal(const TempDir& dir, const JournalMetadata& meta, const std::vector<matcher::Command>& commands,
                  std::size_t n) {
  Journal j(options(dir), &meta);
  testing::journal_commands_from(j, catalogue(), commands, 0, n, 50);
}

// Every command and trade record of `a` is byte-identical to `b`'s, and both end at the same keys.
void require_same_records(const Journal& a, const Journal& b) {
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
void require_as_without_log(const Journal& j, const TempDir& reference_dir, const JournalMetadata& meta,
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
pid_t hold_write_lock(const TempDir& dir, int& release_fd) {
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
std::size_t log_end(const std::filesystem::path& file) {
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
int crash_with_unapplied(const TempDir& dir, std::size_t wal_bytes, const std::vector<matcher::Command>& commands,
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

std::optional<std::uint64_t> last_command_in_lmdb(const TempDir& dir) {
  JournalOptions o = options(dir);
  o.read_only = true;
  const Journal j(o, nullptr);
  return j.reader().last_key(Table::kCommands);
}

}  // namespace

TEST_CASE("records read back whole from a reopened log, in the documented layout", "[wal]") {
  TempDir dir;
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges = {{1, 3}, {4, 4}, {5, 9}};
  const std::vector<std::vector<Put>> puts = {
      {{Table::kCommands, 1, bytes_of(180, 1)},
       {Table::kCommands, 2, bytes_of(95, 2)},
       {Table::kTrades, 1, bytes_of(120, 3)},
       {Table::kCommands, 3, bytes_of(1, 4)}},
      {{Table::kCommands, 4, ""}, {Table::kReferenceData, 4, bytes_of(5000, 5)}},
      {{Table::kCommands, 5, std::string("\0\xff\0", 3)},
       {Table::kCommands, 6, bytes_of(300, 6)},
       {Table::kTrades, 2, bytes_of(77, 7)},
       {Table::kCommands, 7, bytes_of(64, 8)},
       {Table::kCommands, 8, bytes_of(2, 9)},
       {Table::kTrades, 0xffff'ffff'ffff'fff0ull, bytes_of(10, 10)},
       {Table::kCommands, 9, bytes_of(1000, 11)}},
  };
  std::vector<std::string> records;
  {
    WriteAheadLog wal(dir.path(), kWalMinFileBytes);
    REQUIRE(wal.file_bytes(0) == kWalMinFileBytes);
    REQUIRE(wal.file_bytes(1) == kWalMinFileBytes);
    for (std::size_t i = 0; i < puts.size(); ++i) {
      records.push_back(make_record(ranges[i].first, ranges[i].second, puts[i]));
      REQUIRE(wal.append(records.back(), ranges[i].second, 0) == 0);
    }
  }
  for (int i = 0; i < 2; ++i) {
    REQUIRE(std::filesystem::exists(wal_file(dir, i)));
    REQUIRE(std::filesystem::file_size(wal_file(dir, i)) == kWalMinFileBytes);
    REQUIRE_FALSE(std::filesystem::exists(wal_file(dir, i).string() + ".creating"));
  }

  WriteAheadLog reopened(dir.path(), kWalMinFileBytes);
  const std::vector<WalRecord> got = reopened.read_all();
  REQUIRE(got.size() == 3);
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("record " << i);
    REQUIRE(got[i].first_seq == ranges[i].first);
    REQUIRE(got[i].last_seq == ranges[i].second);
    REQUIRE(got[i].body == records[i].substr(kWalHeaderBytes));
    require_puts(got[i], puts[i]);
  }

  // On disk: the records back to back from the start of wal-0, each magic "RXWL", u32 body length,
  // the first 8 bytes of the body's SHA-256, then the body: u64 first and last seq, and each put as
  // u8 table, u64 key, u32 value length, value; little-endian. The rest of both files is zeros.
  const std::string file = read_file(wal_file(dir, 0));
  std::size_t at = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO("record " << i);
    std::string body = le(ranges[i].first, 8) + le(ranges[i].second, 8);
    for (const Put& p : puts[i]) {
      body += static_cast<char>(p.table);
      body += le(p.key, 8) + le(p.value.size(), 4) + p.value;
    }
    REQUIRE(file.compare(at, 4, "RXWL") == 0);
    REQUIRE(load_le(file, at + 4, 4) == body.size());
    REQUIRE(file.compare(at + 8, 8, as_bytes(sha256(body)).substr(0, 8)) == 0);
    REQUIRE(file.compare(at + kWalHeaderBytes, body.size(), body) == 0);
    at += kWalHeaderBytes + body.size();
  }
  REQUIRE(file.find_first_not_of('\0', at) == std::string::npos);
  REQUIRE(read_file(wal_file(dir, 1)).find_first_not_of('\0') == std::string::npos);
}

TEST_CASE("a log is made at the size asked, never below the minimum, and an existing log keeps its size", "[wal]") {
  TempDir dir;
  SECTION("below the minimum") {
    WriteAheadLog wal(dir.path(), 1000);
    REQUIRE(wal.file_bytes(0) == kWalMinFileBytes);
    REQUIRE(wal.file_bytes(1) == kWalMinFileBytes);
    REQUIRE(std::filesystem::file_size(wal_file(dir, 0)) == kWalMinFileBytes);
    REQUIRE(std::filesystem::file_size(wal_file(dir, 1)) == kWalMinFileBytes);
  }
  SECTION("larger") {
    WriteAheadLog wal(dir.path(), 3 * kWalMinFileBytes);
    REQUIRE(wal.file_bytes(0) == 3 * kWalMinFileBytes);
    REQUIRE(wal.file_bytes(1) == 3 * kWalMinFileBytes);
    REQUIRE(std::filesystem::file_size(wal_file(dir, 0)) == 3 * kWalMinFileBytes);
    REQUIRE(std::filesystem::file_size(wal_file(dir, 1)) == 3 * kWalMinFileBytes);
  }
  SECTION("reopened asking for more: the files stay as they are, and so does the room") {
    { WriteAheadLog wal(dir.path(), kWalMinFileBytes); }
    WriteAheadLog wal(dir.path(), 3 * kWalMinFileBytes);
    REQUIRE(wal.file_bytes(0) == kWalMinFileBytes);
    REQUIRE(std::filesystem::file_size(wal_file(dir, 0)) == kWalMinFileBytes);
    REQUIRE(wal.append(single_record(1, kWalMinFileBytes), 1, 0) == EFBIG);
  }
}

// An existing file keeps its size: a log made larger than the size now asked reads back whole, and a
// journal reopened after a crash with a smaller setting still replays every group its log holds.
TEST_CASE("a log made larger than the size now asked still reads back whole", "[wal]") {
  TempDir dir;
  SECTION("the log") {
    constexpr std::size_t kValue = 100'000;
    constexpr std::uint64_t kRecords = 15;  // 1.5 MB: past the first MiB of wal-0
    {
      WriteAheadLog wal(dir.path(), 2 * kWalMinFileBytes);
      for (std::uint64_t seq = 1; seq <= kRecords; ++seq) {
        REQUIRE(wal.append(single_record(seq, kValue), seq, 0) == 0);
      }
      REQUIRE(wal.read_all().size() == kRecords);
    }
    WriteAheadLog reopened(dir.path(), kWalMinFileBytes);
    CHECK(reopened.file_bytes(0) == 2 * kWalMinFileBytes);
    REQUIRE(first_seqs(reopened.read_all()) == seqs(1, kRecords));
  }
  SECTION("a journal reopened after a crash with a smaller log setting") {
    const JournalMetadata meta = metadata_for(catalogue());
    const std::vector<matcher::Command> commands = flow(11000);
    { const Journal created(options(dir, 4 * kWalMinFileBytes), &meta); }
    // ~116 bytes a command: the groups of 10,001..11,000, which LMDB lacks, lie past 1 MiB in wal-0.
    REQUIRE(crash_with_unapplied(dir, 4 * kWalMinFileBytes, commands, 0, 10000, 11000) == 0);
    REQUIRE(record_offsets(wal_file(dir, 0)).back() > kWalMinFileBytes);
    REQUIRE(last_command_in_lmdb(dir) == 10000);
    const Journal j(options(dir, kWalMinFileBytes), nullptr);
    INFO("replayed " << j.replayed_from_log() << " commands from the log");
    REQUIRE(j.last_seq() == 11000);
  }
}

// The constructor throws when wal-1 cannot be made after it opened wal-0, and closes wal-0 first
// (the destructor of a half-built object does not run).
TEST_CASE("a log that cannot be made throws, leaving no file descriptor open", "[wal]") {
  TempDir dir;
  auto open_descriptors = [] {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
  };
  std::filesystem::create_directory(wal_file(dir, 1).string() + ".creating");  // wal-1 cannot be made
  const std::size_t before = open_descriptors();
  REQUIRE_THROWS_AS(WriteAheadLog(dir.path(), kWalMinFileBytes), JournalError);
  REQUIRE(std::filesystem::exists(wal_file(dir, 0)));
  REQUIRE(open_descriptors() == before);
}

TEST_CASE("a torn or damaged record ends its file: the records before it are read, none after", "[wal]") {
  TempDir dir;
  const std::vector<std::string> records = {
      single_record(1, 300),
      single_record(2, 40),
      make_record(3, 5, {{Table::kCommands, 3, bytes_of(50, 3)},
                         {Table::kCommands, 4, bytes_of(60, 4)},
                         {Table::kCommands, 5, bytes_of(70, 5)}}),
  };
  {
    WriteAheadLog wal(dir.path(), kWalMinFileBytes);
    REQUIRE(wal.append(records[0], 1, 0) == 0);
    REQUIRE(wal.append(records[1], 2, 0) == 0);
    REQUIRE(wal.append(records[2], 5, 0) == 0);
  }
  const std::size_t second = records[0].size();
  const std::size_t last = records[0].size() + records[1].size();
  REQUIRE(record_offsets(wal_file(dir, 0)) == std::vector<std::size_t>{0, second, last});
  auto read_back = [&] { return first_seqs(WriteAheadLog(dir.path(), kWalMinFileBytes).read_all()); };
  REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2, 3});

  SECTION("a byte of the last body flipped") {
    flip_byte(wal_file(dir, 0), last + kWalHeaderBytes + 16 + 20);
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("a byte of the last seq range flipped") {
    flip_byte(wal_file(dir, 0), last + kWalHeaderBytes + 8);
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the last checksum flipped") {
    flip_byte(wal_file(dir, 0), last + 9);
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the last record's tail never written") {
    patch(wal_file(dir, 0), last + records[2].size() / 2, std::string(records[2].size() - records[2].size() / 2, '\0'));
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the last header's length huge") {
    patch(wal_file(dir, 0), last + 4, le(0xffff'fff0u, 4));
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the last header's length one short") {
    patch(wal_file(dir, 0), last + 4, le(records[2].size() - kWalHeaderBytes - 1, 4));
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the last header's length reaching exactly the end of the file") {
    patch(wal_file(dir, 0), last + 4, le(kWalMinFileBytes - last - kWalHeaderBytes, 4));
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the last magic damaged") {
    patch(wal_file(dir, 0), last, "RXWM");
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 2});
  }
  SECTION("the middle record damaged: the intact one after it is not read either") {
    flip_byte(wal_file(dir, 0), second + kWalHeaderBytes + 30);
    REQUIRE(read_back() == std::vector<std::uint64_t>{1});
  }
  SECTION("the first record damaged: nothing") {
    flip_byte(wal_file(dir, 0), kWalHeaderBytes + 100);
    REQUIRE(read_back().empty());
  }
  SECTION("what is read still decodes") {
    flip_byte(wal_file(dir, 0), last + kWalHeaderBytes + 16 + 20);
    const std::vector<WalRecord> got = WriteAheadLog(dir.path(), kWalMinFileBytes).read_all();
    REQUIRE(got.size() == 2);
    require_puts(got[0], {{Table::kCommands, 1, bytes_of(300, 1)}});
    require_puts(got[1], {{Table::kCommands, 2, bytes_of(40, 2)}});
  }
}

TEST_CASE("the log switches files, and overwrites one only once the groups in it are applied", "[wal]") {
  TempDir dir;
  constexpr std::size_t kValue = 100'000;
  const std::size_t record_bytes = single_record(1, kValue).size();
  REQUIRE(record_bytes == kWalHeaderBytes + 16 + 13 + kValue);
  const std::uint64_t per_file = kWalMinFileBytes / record_bytes;  // 10
  REQUIRE(per_file == 10);

  WriteAheadLog wal(dir.path(), kWalMinFileBytes);
  std::uint64_t seq = 0;
  for (std::uint64_t i = 0; i < per_file; ++i) {
    ++seq;
    REQUIRE(wal.append(single_record(seq, kValue), seq, 0) == 0);
  }
  REQUIRE(record_offsets(wal_file(dir, 0)).size() == per_file);
  REQUIRE(record_offsets(wal_file(dir, 1)).empty());
  // wal-0 is full: the next goes to wal-1, which holds nothing, applied or not.
  for (std::uint64_t i = 0; i < per_file; ++i) {
    ++seq;
    REQUIRE(wal.append(single_record(seq, kValue), seq, 0) == 0);
  }
  REQUIRE(record_offsets(wal_file(dir, 0)).size() == per_file);
  REQUIRE(record_offsets(wal_file(dir, 1)).size() == per_file);
  REQUIRE(first_seqs(wal.read_all()) == seqs(1, 2 * per_file));

  // Both full and wal-0 holds groups 1..10: no room until LMDB has all of them.
  const std::string next = single_record(seq + 1, kValue);
  REQUIRE(wal.append(next, seq + 1, 0) == WriteAheadLog::kNoRoom);
  REQUIRE(wal.append(next, seq + 1, per_file - 1) == WriteAheadLog::kNoRoom);
  REQUIRE(first_seqs(wal.read_all()) == seqs(1, 2 * per_file));  // nothing written by a refusal

  SECTION("a record larger than a file is refused") {
    REQUIRE(wal.append(single_record(seq + 1, kWalMinFileBytes), seq + 1, seq) == EFBIG);
    REQUIRE(first_seqs(wal.read_all()) == seqs(1, 2 * per_file));
  }
  SECTION("once wal-0's groups are applied it is overwritten from its start") {
    ++seq;
    REQUIRE(wal.append(next, seq, per_file) == 0);
    const std::string head = read_file(wal_file(dir, 0)).substr(0, record_bytes);
    REQUIRE(head == next);
    // The new record replaced group 1 exactly; groups 2..10 of the old round are still intact after
    // it, older than anything in wal-1.
    const std::vector<WalRecord> got = WriteAheadLog(dir.path(), kWalMinFileBytes).read_all();
    REQUIRE(first_seqs(got) == seqs(2, seq));
    for (const WalRecord& r : got) {
      INFO("seq " << r.first_seq);
      REQUIRE(r.last_seq == r.first_seq);
      require_puts(r, {{Table::kCommands, r.first_seq, bytes_of(kValue, r.first_seq)}});
    }
    // The log goes on in wal-0 while there is room there, then needs wal-1's groups applied.
    for (std::uint64_t i = 1; i < per_file; ++i) {
      ++seq;
      REQUIRE(wal.append(single_record(seq, kValue), seq, per_file) == 0);
    }
    REQUIRE(first_seqs(wal.read_all()) == seqs(per_file + 1, seq));
    const std::string after = single_record(seq + 1, kValue);
    REQUIRE(wal.append(after, seq + 1, 2 * per_file - 1) == WriteAheadLog::kNoRoom);
    REQUIRE(wal.append(after, seq + 1, 2 * per_file) == 0);
    REQUIRE(first_seqs(wal.read_all()) == seqs(per_file + 2, seq + 1));
  }
  SECTION("restart() writes from the start of wal-0 again, whatever the files hold") {
    wal.restart();
    ++seq;
    REQUIRE(wal.append(next, seq, 0) == 0);
    REQUIRE(read_file(wal_file(dir, 0)).substr(0, record_bytes) == next);
    REQUIRE(first_seqs(wal.read_all()) == seqs(2, seq));
  }
}

TEST_CASE("a record exactly as large as a file fits, and reads back", "[wal]") {
  TempDir dir;
  const std::string record = single_record(7, kWalMinFileBytes - kWalHeaderBytes - 16 - 13);
  REQUIRE(record.size() == kWalMinFileBytes);
  WriteAheadLog wal(dir.path(), kWalMinFileBytes);
  REQUIRE(wal.append(record, 7, 0) == 0);
  REQUIRE(wal.append(single_record(8, 10), 8, 0) == 0);  // into wal-1
  const std::vector<WalRecord> got = WriteAheadLog(dir.path(), kWalMinFileBytes).read_all();
  REQUIRE(first_seqs(got) == std::vector<std::uint64_t>{7, 8});
  require_puts(got[0], {{Table::kCommands, 7, bytes_of(kWalMinFileBytes - kWalHeaderBytes - 16 - 13, 7)}});
}

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
  auto require_untouched = [&] {  // read-only: a writable open would try the log again
    JournalOptions o = options(dir);
    o.read_only = true;
    const Journal j(o, nullptr);
    REQUIRE(j.last_seq() == 100);
    REQUIRE(verify_journal(j).ok);
  };

  SECTION("a gap after LMDB's last command") {
    log({{104, 104}});
    REQUIRE_THAT(open_error(), Catch::Contains("ends at seq 100") && Catch::Contains("starts at seq 104"));
    require_untouched();
  }
  SECTION("a gap between logged groups: nothing is applied") {
    log({{101, 102}, {104, 110}});
    REQUIRE_THAT(open_error(), Catch::Contains("ends at seq 102") && Catch::Contains("starts at seq 104"));
    require_untouched();
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
