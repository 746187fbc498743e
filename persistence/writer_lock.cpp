#include "persistence/writer_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "persistence/journal.hpp"

namespace rex::persistence {
namespace {

flock whole_file(short type) {
  flock l{};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = 0;
  l.l_len = 0;  // to the end, however long
  l.l_pid = 0;  // F_OFD_* requires 0
  return l;
}

// What the holder wrote into the file: its process id, for the message.
std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

JournalWriterLock::JournalWriterLock(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  const auto path = directory / kFileName;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw JournalError("cannot open " + path.string() + ": " + std::strerror(errno));
  flock l = whole_file(F_WRLCK);
  if (::fcntl(fd_, F_OFD_SETLK, &l) != 0) {
    const int e = errno;
    const std::string holder = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    if (e == EAGAIN || e == EACCES) {
      throw JournalError("the journal in " + directory.string() + " is open for writing already (process " + holder +
                         "): one writer at a time");
    }
    throw JournalError("cannot lock " + path.string() + ": " + std::strerror(e));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the note; only the message naming the holder would lack it.
  }
}

JournalWriterLock::~JournalWriterLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the description drops the lock
}

bool JournalWriterLock::held_in(const std::filesystem::path& directory) {
  const int fd = ::open((directory / kFileName).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // never locked: no writer since locks exist
  flock l = whole_file(F_WRLCK);
  const bool held = ::fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

}  // namespace rex::persistence
