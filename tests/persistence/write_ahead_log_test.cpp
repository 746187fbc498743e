// The journal's write-ahead log files on real files in private temp dirs: records read back whole
// and in the documented layout, sizes kept, torn and damaged tails dropped, the switch between the
// two files and the wait for the applied seq before one is overwritten.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
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

TEST_CASE("a torn or damaged record: the intact records before and after it are read, not it", "[wal]") {
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
  // Past a damaged record the intact ones are found by their magic and checksum: recovery then
  // sees the damaged group missing (a gap) instead of stopping silently before acknowledged ones.
  SECTION("the middle record damaged: the intact one after it is read") {
    flip_byte(wal_file(dir, 0), second + kWalHeaderBytes + 30);
    REQUIRE(read_back() == std::vector<std::uint64_t>{1, 3});
  }
  SECTION("the first record damaged: the others are read") {
    flip_byte(wal_file(dir, 0), kWalHeaderBytes + 100);
    REQUIRE(read_back() == std::vector<std::uint64_t>{2, 3});
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

TEST_CASE("a record longer than the read window reads back whole, and damage in it is still refused", "[wal]") {
  TempDir dir;
  const std::size_t value_bytes = 3 * kWalReadWindowBytes + 12345;
  const std::string record = single_record(5, value_bytes);
  WriteAheadLog wal(dir.path(), 8 * kWalMinFileBytes);
  REQUIRE(wal.append(single_record(4, 10), 4, 0) == 0);
  REQUIRE(wal.append(record, 5, 0) == 0);
  REQUIRE(wal.append(single_record(6, 10), 6, 0) == 0);
  const std::size_t at = record_offsets(wal_file(dir, 0))[1];
  SECTION("intact") {
    const std::vector<WalRecord> got = WriteAheadLog::read_existing(dir.path());
    REQUIRE(first_seqs(got) == std::vector<std::uint64_t>{4, 5, 6});
    require_puts(got[1], {{Table::kCommands, 5, bytes_of(value_bytes, 5)}});
  }
  SECTION("a byte flipped in its third window") {
    flip_byte(wal_file(dir, 0), at + 2 * kWalReadWindowBytes + 7);
    REQUIRE(first_seqs(WriteAheadLog::read_existing(dir.path())) == std::vector<std::uint64_t>{4, 6});
  }
  SECTION("records of groups up to after_seq are not returned") {
    REQUIRE(first_seqs(WriteAheadLog::read_existing(dir.path(), 5)) == std::vector<std::uint64_t>{6});
  }
}

namespace {

// The process's peak resident memory so far, in bytes.
std::size_t peak_resident_bytes() {
  rusage usage{};
  REQUIRE(::getrusage(RUSAGE_SELF, &usage) == 0);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

}  // namespace

// A wal-* file of a few GiB planted in a journal copy (sparse: it takes no disk) is read through
// the window: a reader that took memory for the file's size, or for a length a header claims,
// would raise the peak by gigabytes; this one stays within the window and the records it returns.
TEST_CASE("a huge sparse log file is read in bounded memory: damage refused, intact records kept", "[wal][sparse]") {
  TempDir dir;
  constexpr std::size_t kHuge = std::size_t{3} << 30;
  make_sparse(wal_file(dir, 0), kHuge);
  make_sparse(wal_file(dir, 1), kHuge);  // zeros only: no header anywhere
  // wal-0: at its start a header whose length is past the end of the file; at 1 MiB + 5 one with a
  // good seq range claiming a 1 GiB body whose checksum is wrong (checked window by window, never
  // read into memory); near its end an intact record, found past the damage by its magic.
  patch(wal_file(dir, 0), 0, "RXWL" + le(0xffff'fff0u, 4) + le(0, 8) + le(1, 8) + le(1, 8));
  const std::size_t claimed = std::size_t{1} << 30;
  patch(wal_file(dir, 0), kWalMinFileBytes + 5, "RXWL" + le(claimed, 4) + le(0x1234, 8) + le(7, 8) + le(7, 8));
  const std::string intact = single_record(9, 100);
  patch(wal_file(dir, 0), kHuge - 4096, intact);

  const std::size_t before = peak_resident_bytes();
  const std::vector<WalRecord> got = WriteAheadLog::read_existing(dir.path());
  const std::size_t grown = peak_resident_bytes() - before;
  INFO("peak resident memory grew by " << grown << " bytes");
  REQUIRE(grown < 64 * kWalReadWindowBytes);
  REQUIRE(first_seqs(got) == std::vector<std::uint64_t>{9});
  require_puts(got[0], {{Table::kCommands, 9, bytes_of(100, 9)}});
}
