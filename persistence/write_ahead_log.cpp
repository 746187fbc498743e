#include "persistence/write_ahead_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>

#include "persistence/hash.hpp"
#include "persistence/journal.hpp"

namespace rex::persistence {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void store_u32(char* at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void store_u64(char* at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint32_t load_u32(const char* at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(at[i]);
  return v;
}
std::uint64_t load_u64(const char* at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(at[i]);
  return v;
}

std::uint64_t checksum(std::string_view body) {
  const Hash h = sha256(body);
  return load_u64(reinterpret_cast<const char*>(h.data()));
}

std::string errno_text(int e) { return std::strerror(e); }

// Reads up to n bytes at `offset`: how many it read, fewer at the end of the file or on an error.
std::size_t read_some(int fd, char* out, std::size_t n, std::size_t offset) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<std::size_t>(r);
  }
  return done;
}

bool write_at(int fd, const char* data, std::size_t n, std::size_t offset, int& error) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error = w < 0 ? errno : EIO;
      return false;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::size_t>(w);
  }
  return true;
}

void sync_directory(const std::filesystem::path& dir) {
  if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// A new file is zero-filled aside and renamed into place: a crash leaves either no file or a
// whole one, and the blocks are allocated and written, so O_DSYNC appends change no metadata.
void create_file(const std::filesystem::path& path, std::size_t bytes) {
  const auto aside = path.string() + ".creating";
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw JournalError("cannot create " + aside + ": " + errno_text(errno));
  const std::string zeros(std::size_t{1} << 20, '\0');
  int error = 0;
  bool ok = true;
  for (std::size_t at = 0; ok && at < bytes; at += zeros.size()) {
    ok = write_at(fd, zeros.data(), std::min(zeros.size(), bytes - at), at, error);
  }
  if (ok && ::fdatasync(fd) != 0) {
    ok = false;
    error = errno;
  }
  ::close(fd);
  if (!ok) {
    ::unlink(aside.c_str());
    throw JournalError("cannot fill " + aside + ": " + errno_text(error));
  }
  if (::rename(aside.c_str(), path.c_str()) != 0) throw JournalError("cannot rename " + aside + ": " + errno_text(errno));
  sync_directory(path.parent_path());
}

}  // namespace

void WalRecordBuilder::begin() {
  bytes_.clear();
  bytes_.resize(kWalHeaderBytes + 16);  // header and seq range, filled in by finish()
}

void WalRecordBuilder::put(std::uint8_t table, std::uint64_t key, std::string_view value) {
  bytes_ += static_cast<char>(table);
  put_u64(bytes_, key);
  put_u32(bytes_, static_cast<std::uint32_t>(value.size()));
  bytes_ += value;
}

void WalRecordBuilder::finish(std::uint64_t first_seq, std::uint64_t last_seq) {
  char* h = bytes_.data();
  store_u64(h + kWalHeaderBytes, first_seq);
  store_u64(h + kWalHeaderBytes + 8, last_seq);
  const std::string_view body(bytes_.data() + kWalHeaderBytes, bytes_.size() - kWalHeaderBytes);
  store_u32(h, kWalMagic);
  store_u32(h + 4, static_cast<std::uint32_t>(body.size()));
  store_u64(h + 8, checksum(body));
}

bool decode_wal_puts(std::string_view body, std::vector<WalPut>& out) {
  out.clear();
  if (body.size() < 16) return false;
  std::size_t at = 16;
  while (at < body.size()) {
    if (body.size() - at < 13) return false;
    const auto table = static_cast<std::uint8_t>(body[at]);
    if (table > static_cast<std::uint8_t>(Table::kReferenceData)) return false;  // not a table
    const std::uint64_t key = load_u64(body.data() + at + 1);
    const std::uint32_t size = load_u32(body.data() + at + 9);
    at += 13;
    if (body.size() - at < size) return false;
    out.push_back({table, key, body.substr(at, size)});
    at += size;
  }
  return true;
}

bool decode_wal_range(std::string_view body, std::uint64_t& first_seq, std::uint64_t& last_seq) {
  if (body.size() < 16) return false;
  first_seq = load_u64(body.data());
  last_seq = load_u64(body.data() + 8);
  return true;
}

WriteAheadLog::WriteAheadLog(const std::filesystem::path& directory, std::size_t file_bytes, bool sync) {
  const std::size_t wanted = std::max(file_bytes, kWalMinFileBytes);
  try {
    for (int i = 0; i < 2; ++i) {
      path_[i] = directory / ("wal-" + std::to_string(i));
      std::error_code ec;
      if (!std::filesystem::exists(path_[i], ec)) create_file(path_[i], wanted);
      fd_[i] = ::open(path_[i].c_str(), O_RDWR | O_CLOEXEC | (sync ? O_DSYNC : 0));
      if (fd_[i] < 0) throw JournalError("cannot open " + path_[i].string() + ": " + errno_text(errno));
      // An existing file keeps its size, so a log made with another setting reads back whole.
      struct stat st {};
      if (::fstat(fd_[i], &st) != 0) throw JournalError("cannot stat " + path_[i].string() + ": " + errno_text(errno));
      file_bytes_[i] = static_cast<std::size_t>(st.st_size);
    }
  } catch (...) {
    for (int& fd : fd_) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
    throw;
  }
}

WriteAheadLog::~WriteAheadLog() {
  for (int fd : fd_) {
    if (fd >= 0) ::close(fd);
  }
}

namespace {

// One log file read through a window of kWalReadWindowBytes, so that reading it takes memory for
// the window and the intact records it returns, never for the file's size (a file may be up to
// 16 GiB, or a sparse one planted in a journal copy). A file that shrinks while it is read ends
// where its bytes end.
class WalFileReader {
 public:
  WalFileReader(int fd, std::size_t file_bytes) : fd_(fd), file_bytes_(file_bytes) {}

  // Appends the intact records of the file: those from its start up to the first that is not
  // intact, and every intact record found after that one. Groups are written one after the other
  // and each is on disk before the next is written, so past a torn end there is only what earlier
  // rounds of the file left (groups LMDB already holds) or zeros; an intact group past the break
  // that LMDB does not hold means the file was damaged in the middle, and recovery must see it
  // (Journal::follow_log refuses the gap) rather than stop silently at the damage. Records whose
  // groups end at or before `after_seq` are checked but not kept.
  void read(std::uint64_t after_seq, std::vector<WalRecord>& out) {
    std::size_t at = 0;
    std::size_t size = 0;
    auto keep = [&] {
      if (record_.last_seq > after_seq) out.push_back(std::move(record_));
    };
    while (intact_record_at(at, size)) {
      at += size;
      keep();
    }
    for (at = find_magic(at + 1); at != kNone; at = find_magic(at + 1)) {
      if (!intact_record_at(at, size)) continue;
      at += size - 1;
      keep();
    }
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  // Bytes [at, at + n) of the file (n <= kWalReadWindowBytes) in `out`; false past the file's end.
  bool view(std::size_t at, std::size_t n, std::string_view& out) {
    if (at < window_at_ || at + n > window_at_ + window_bytes_) {
      if (at >= file_bytes_ || n > file_bytes_ - at) return false;
      window_.resize(kWalReadWindowBytes);
      window_at_ = at;
      window_bytes_ = read_some(fd_, window_.data(), std::min(kWalReadWindowBytes, file_bytes_ - at), at);
      if (n > window_bytes_) return false;
    }
    out = std::string_view(window_.data() + (at - window_at_), n);
    return true;
  }

  // The first offset at or after `from` where the record magic starts, or kNone.
  std::size_t find_magic(std::size_t from) {
    const std::string_view magic("RXWL", 4);  // kWalMagic, little-endian
    while (from < file_bytes_) {
      // A hole (a sparse file's unwritten range) reads as zeros, so holds no magic: skip to data.
      if (const off_t data = ::lseek(fd_, static_cast<off_t>(from), SEEK_DATA); data < 0 && errno == ENXIO) {
        return kNone;
      } else if (data > static_cast<off_t>(from)) {
        from = static_cast<std::size_t>(data);
        continue;
      }
      std::string_view bytes;
      if (!view(from, std::min(kWalReadWindowBytes, file_bytes_ - from), bytes)) {
        // The file ended early (it shrank): search what is left of the window.
        if (from < window_at_ || from >= window_at_ + window_bytes_) return kNone;
        bytes = std::string_view(window_.data() + (from - window_at_), window_at_ + window_bytes_ - from);
        const auto found = bytes.find(magic);
        return found == std::string_view::npos ? kNone : from + found;
      }
      if (const auto found = bytes.find(magic); found != std::string_view::npos) return from + found;
      if (bytes.size() < magic.size()) return kNone;
      from += bytes.size() - (magic.size() - 1);  // a magic may straddle two windows
    }
    return kNone;
  }

  // Whether the record whose header starts at `at` is intact; if so it is in record_, and `size` is
  // its length with the header. A length the file cannot hold is damage and allocates nothing; a
  // body longer than the window is checked window by window before it is read into memory.
  bool intact_record_at(std::size_t at, std::size_t& size) {
    std::string_view head;
    if (!view(at, kWalHeaderBytes + 16, head)) return false;
    const std::uint32_t body_bytes = load_u32(head.data() + 4);
    const std::uint64_t sum = load_u64(head.data() + 8);
    if (load_u32(head.data()) != kWalMagic || body_bytes < 16 ||
        body_bytes > file_bytes_ - at - kWalHeaderBytes) {
      return false;
    }
    if (!decode_wal_range(head.substr(kWalHeaderBytes), record_.first_seq, record_.last_seq) ||
        record_.first_seq == 0 || record_.last_seq < record_.first_seq) {
      return false;
    }
    size = kWalHeaderBytes + body_bytes;
    const std::size_t body_at = at + kWalHeaderBytes;
    std::string_view body;
    if (body_bytes <= kWalReadWindowBytes && view(body_at, body_bytes, body)) {
      if (checksum(body) != sum) return false;
      record_.body.assign(body);
      return true;
    }
    sha_.reset();
    for (std::size_t done = 0; done < body_bytes;) {
      std::string_view part;
      if (!view(body_at + done, std::min<std::size_t>(kWalReadWindowBytes, body_bytes - done), part)) return false;
      sha_.update(part);
      done += part.size();
    }
    const Hash h = sha_.finish();
    if (load_u64(reinterpret_cast<const char*>(h.data())) != sum) return false;
    // Intact: only now is its memory taken. Read again, and checked again in case it changed.
    record_.body.resize(body_bytes);
    if (read_some(fd_, record_.body.data(), body_bytes, body_at) != body_bytes) return false;
    return checksum(record_.body) == sum;
  }

  int fd_;
  std::size_t file_bytes_;
  std::string window_;
  std::size_t window_at_ = 0;
  std::size_t window_bytes_ = 0;
  Sha256 sha_;
  WalRecord record_;
};

// Reads one log file; running out of memory for its intact records names the file.
void read_file(int fd, const std::filesystem::path& path, std::size_t file_bytes, std::uint64_t after_seq,
               std::vector<WalRecord>& out) {
  try {
    WalFileReader(fd, file_bytes).read(after_seq, out);
  } catch (const std::bad_alloc&) {
    throw JournalError("not enough memory to read the write-ahead log file " + path.string() + " (" +
                       std::to_string(file_bytes) + " bytes)");
  }
}

void by_first_seq(std::vector<WalRecord>& records) {
  std::sort(records.begin(), records.end(),
            [](const WalRecord& a, const WalRecord& b) { return a.first_seq < b.first_seq; });
}

}  // namespace

std::vector<WalRecord> WriteAheadLog::read_all(std::uint64_t after_seq) const {
  std::vector<WalRecord> out;
  for (int i = 0; i < 2; ++i) read_file(fd_[i], path_[i], file_bytes_[i], after_seq, out);
  by_first_seq(out);
  return out;
}

std::vector<WalRecord> WriteAheadLog::read_existing(const std::filesystem::path& directory, std::uint64_t after_seq) {
  std::vector<WalRecord> out;
  for (int i = 0; i < 2; ++i) {
    const auto path = directory / ("wal-" + std::to_string(i));
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    try {
      if (::fstat(fd, &st) == 0) read_file(fd, path, static_cast<std::size_t>(st.st_size), after_seq, out);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
  }
  by_first_seq(out);
  return out;
}

bool WriteAheadLog::exists_in(const std::filesystem::path& directory) {
  std::error_code ec;
  return std::filesystem::exists(directory / "wal-0", ec) || std::filesystem::exists(directory / "wal-1", ec);
}

void WriteAheadLog::remove_from(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::remove(directory / "wal-0", ec);
  std::filesystem::remove(directory / "wal-1", ec);
  sync_directory(directory);
}

void WriteAheadLog::restart() {
  current_ = 0;
  offset_ = 0;
  last_seq_in_[0] = last_seq_in_[1] = 0;
}

int WriteAheadLog::append(std::string_view record, std::uint64_t last_seq, std::uint64_t applied_seq) {
  if (record.size() > kWalHeaderBytes + kWalMaxBodyBytes) return EFBIG;  // its length would not fit the header
  if (offset_ + record.size() > file_bytes_[current_]) {
    const int other = 1 - current_;
    if (record.size() > file_bytes_[other]) return EFBIG;
    if (last_seq_in_[other] > applied_seq) return kNoRoom;
    current_ = other;
    offset_ = 0;
    last_seq_in_[other] = 0;
  }
  int error = 0;
  if (!write_at(fd_[current_], record.data(), record.size(), offset_, error)) return error;
  offset_ += record.size();
  last_seq_in_[current_] = last_seq;
  return 0;
}

}  // namespace rex::persistence
