#include "persistence/write_ahead_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

// Reads exactly n bytes at `offset`; false at end of file or on error.
bool read_at(int fd, char* out, std::size_t n, std::size_t offset) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    out += r;
    n -= static_cast<std::size_t>(r);
    offset += static_cast<std::size_t>(r);
  }
  return true;
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

// The record whose header starts at `at` of `bytes`, if it is intact.
bool intact_record_at(std::string_view bytes, std::size_t at, WalRecord& r) {
  if (at + kWalHeaderBytes > bytes.size()) return false;
  const char* header = bytes.data() + at;
  const std::uint32_t size = load_u32(header + 4);
  if (load_u32(header) != kWalMagic || size < 16 || size > bytes.size() - at - kWalHeaderBytes) return false;
  const std::string_view body = bytes.substr(at + kWalHeaderBytes, size);
  if (checksum(body) != load_u64(header + 8)) return false;
  decode_wal_range(body, r.first_seq, r.last_seq);
  if (r.first_seq == 0 || r.last_seq < r.first_seq) return false;
  r.body.assign(body);
  return true;
}

// Appends the intact records of one file: those from its start up to the first that is not
// intact, and every intact record found after that one. Groups are written one after the other
// and each is on disk before the next is written, so past a torn end there is only what earlier
// rounds of the file left (groups LMDB already holds) or zeros; an intact group past the break
// that LMDB does not hold means the file was damaged in the middle, and recovery must see it
// (Journal::follow_log refuses the gap) rather than stop silently at the damage.
void read_file(int fd, std::size_t file_bytes, std::vector<WalRecord>& out) {
  std::string bytes(file_bytes, '\0');
  if (file_bytes != 0 && !read_at(fd, bytes.data(), file_bytes, 0)) return;
  const std::string_view all(bytes);
  std::size_t at = 0;
  WalRecord r;
  while (intact_record_at(all, at, r)) {
    at += kWalHeaderBytes + r.body.size();
    out.push_back(std::move(r));
  }
  const std::string_view magic("RXWL", 4);  // kWalMagic, little-endian
  for (at = all.find(magic, at + 1); at != std::string_view::npos; at = all.find(magic, at + 1)) {
    if (!intact_record_at(all, at, r)) continue;
    at += kWalHeaderBytes + r.body.size() - 1;
    out.push_back(std::move(r));
  }
}

void by_first_seq(std::vector<WalRecord>& records) {
  std::sort(records.begin(), records.end(),
            [](const WalRecord& a, const WalRecord& b) { return a.first_seq < b.first_seq; });
}

}  // namespace

std::vector<WalRecord> WriteAheadLog::read_all() const {
  std::vector<WalRecord> out;
  for (int i = 0; i < 2; ++i) read_file(fd_[i], file_bytes_[i], out);
  by_first_seq(out);
  return out;
}

std::vector<WalRecord> WriteAheadLog::read_existing(const std::filesystem::path& directory) {
  std::vector<WalRecord> out;
  for (int i = 0; i < 2; ++i) {
    const auto path = directory / ("wal-" + std::to_string(i));
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    if (::fstat(fd, &st) == 0) read_file(fd, static_cast<std::size_t>(st.st_size), out);
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
