// The journal's write-ahead log: two preallocated files (wal-0, wal-1) beside data.mdb that make a
// group durable with one sequential write (O_DSYNC) instead of an LMDB commit, whose copy-on-write
// pages cost ~40 KB and nine writes per small group on this disk (bench/RESULTS.md). The journal
// applies the logged groups to LMDB later, many per transaction, on a thread of its own; a file is
// overwritten only once every group in it is durable in LMDB. docs/journal-format.md
// "Write-ahead log" has the layout and the recovery rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>


namespace rex::persistence {

// A record on disk: magic "RXWL", u32 body length, u64 checksum (the first 8 bytes of the body's
// SHA-256, little-endian), then the body: u64 first seq, u64 last seq of the group's commands,
// then its puts, each u8 table, u64 key, u32 value length, value. Integers are little-endian.
inline constexpr std::uint32_t kWalMagic = 0x4c575852;  // "RXWL"
inline constexpr std::size_t kWalHeaderBytes = 16;
inline constexpr std::size_t kWalMinFileBytes = std::size_t{1} << 20;
// The longest record body the writer logs: its length is a u32 in the header (append() refuses a
// longer record). A record must also fit in its file, so a reader takes a length beyond either
// for damage.
inline constexpr std::size_t kWalMaxBodyBytes = UINT32_MAX;
// Readers go through a file in windows of this size: a group of 2048 commands is ~200 KB, and a
// record longer than the window is checked window by window before it is read into memory.
inline constexpr std::size_t kWalReadWindowBytes = std::size_t{1} << 20;

// Builds one record: begin(), put() for each record of the group, finish().
class WalRecordBuilder {
 public:
  void begin();
  void put(std::uint8_t table, std::uint64_t key, std::string_view value);  // table: a persistence::Table
  // Fills in the seq range, length and checksum; the record is then bytes().
  void finish(std::uint64_t first_seq, std::uint64_t last_seq);
  std::string_view bytes() const { return bytes_; }
  // Hands the finished record over without copying it; `spare`'s storage becomes the next one's.
  std::string release(std::string&& spare) {
    std::string out = std::move(bytes_);
    bytes_ = std::move(spare);
    return out;
  }

 private:
  std::string bytes_;
};

struct WalPut {
  std::uint8_t table;  // a persistence::Table
  std::uint64_t key;
  std::string_view value;
};

// A record read back: its seq range and body (the puts follow the range in it).
struct WalRecord {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::string body;
};

// The puts of a record's body, in order; false if the body does not decode.
bool decode_wal_puts(std::string_view body, std::vector<WalPut>& out);
// The seq range a record's body starts with; false if the body is too short to hold one.
bool decode_wal_range(std::string_view body, std::uint64_t& first_seq, std::uint64_t& last_seq);

class WriteAheadLog {
 public:
  // Opens <directory>/wal-0 and wal-1, creating each (zero-filled to file_bytes and synced, so
  // later writes change no file metadata) when missing; an existing file keeps its own size.
  // `sync`: appends are O_DSYNC (durable when append() returns); false only for journals that are
  // not durable. Throws JournalError on failure.
  WriteAheadLog(const std::filesystem::path& directory, std::size_t file_bytes, bool sync = true);
  ~WriteAheadLog();
  WriteAheadLog(const WriteAheadLog&) = delete;
  WriteAheadLog& operator=(const WriteAheadLog&) = delete;

  // Every intact record of both files whose group ends after `after_seq` (0: all), ordered by first
  // seq. Each file is read from its start up to its first record that is not intact (a torn write,
  // or bytes no record was written to), then searched for intact records past it. Memory: a window
  // and the records returned, whatever the files' sizes. Throws JournalError, naming the file, when
  // there is no memory for them.
  std::vector<WalRecord> read_all(std::uint64_t after_seq = 0) const;
  // The same for the log files that exist in `directory`, opened read-only: for a reader of a
  // journal whose writer may have crashed (nothing is created or changed).
  static std::vector<WalRecord> read_existing(const std::filesystem::path& directory, std::uint64_t after_seq = 0);
  // Whether `directory` holds a log file.
  static bool exists_in(const std::filesystem::path& directory);
  // Deletes the log files of `directory` (every group in them must be durable in LMDB).
  static void remove_from(const std::filesystem::path& directory);

  // Writing starts again at the start of wal-0: call once every record read_all() returned is
  // durable in LMDB.
  void restart();

  // Appends `record` (from WalRecordBuilder) durably: 0 once it is on disk, kNoRoom when the
  // current file is full and the other still holds groups past `applied_seq` (every group up to
  // it is durable in LMDB), else an errno. `last_seq`: the record's last seq.
  static constexpr int kNoRoom = -1;
  int append(std::string_view record, std::uint64_t last_seq, std::uint64_t applied_seq);

  std::size_t file_bytes(int file) const { return file_bytes_[file]; }

 private:
  std::filesystem::path path_[2];
  int fd_[2] = {-1, -1};
  std::size_t file_bytes_[2] = {0, 0};
  int current_ = 0;
  std::size_t offset_ = 0;
  std::uint64_t last_seq_in_[2] = {0, 0};  // the newest group written to each file since restart()
};

}  // namespace rex::persistence
