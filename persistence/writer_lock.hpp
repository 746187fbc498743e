// One writer per journal. A writable Journal holds an exclusive lock on <directory>/writer.lock
// for as long as it is open; a second writer (another rexd started on the same data directory, by
// mistake) is refused instead of interleaving its commands and log groups with the first's.
//
// The lock is an open-file-description lock (fcntl F_OFD_SETLK): the kernel drops it when the
// holder's descriptor closes, including when the process dies (kill -9), so a crash never leaves a
// journal locked; and unlike a classic POSIX lock it is not dropped when the same process closes
// some other descriptor of the file (a reader's, in the same process).
#pragma once

#include <filesystem>
#include <string>

namespace rex::persistence {

class JournalWriterLock {
 public:
  // Takes the lock (creating the directory and the file if needed), or throws JournalError naming
  // the process that holds it.
  explicit JournalWriterLock(const std::filesystem::path& directory);
  ~JournalWriterLock();
  JournalWriterLock(const JournalWriterLock&) = delete;
  JournalWriterLock& operator=(const JournalWriterLock&) = delete;

  // Whether a writer holds the lock of `directory` now (a reader's question: nothing is taken).
  static bool held_in(const std::filesystem::path& directory);

  static constexpr const char* kFileName = "writer.lock";

 private:
  int fd_ = -1;
};

}  // namespace rex::persistence
