// One writer per journal: a second writable open is refused while the first is open, in this
// process or another; readers are never refused and learn whether a writer is running; a writer
// killed with SIGKILL leaves nothing locked.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "persistence/journal.hpp"
#include "persistence/recovery.hpp"
#include "persistence/writer_lock.hpp"
#include "tests/persistence/support.hpp"

using namespace rex;
using namespace rex::persistence;
using namespace rex::testing;

namespace {

JournalOptions writable(const TempDir& dir) {
  JournalOptions o;
  o.directory = dir.path();
  o.durable = false;
  return o;
}

JournalOptions reading(const TempDir& dir) {
  JournalOptions o = writable(dir);
  o.read_only = true;
  return o;
}

std::string open_error(const JournalOptions& o, const JournalMetadata* meta) {
  try {
    const Journal j(o, meta);
  } catch (const JournalError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a second writer of a journal is refused while the first has it open", "[journal][lock]") {
  TempDir dir;
  const JournalMetadata meta = persistence::metadata_for(bundled_catalogue());
  {
    const Journal first(writable(dir), &meta);
    REQUIRE(JournalWriterLock::held_in(dir.path()));
    REQUIRE_THAT(open_error(writable(dir), &meta),
                 Catch::Contains("open for writing already") && Catch::Contains("process " + std::to_string(::getpid())));
    // A reader is let in, and told that the journal is being written.
    const Journal reader(reading(dir), nullptr);
    CHECK(reader.writer_live());
    CHECK(reader.log_gap().empty());
  }
  REQUIRE_FALSE(JournalWriterLock::held_in(dir.path()));
  const Journal reader(reading(dir), nullptr);
  CHECK_FALSE(reader.writer_live());
  // A reader holds no lock: a writer opens beside it.
  CHECK(open_error(writable(dir), &meta).empty());
}

TEST_CASE("a new journal cannot be created twice at once", "[journal][lock]") {
  TempDir dir;
  const JournalMetadata meta = persistence::metadata_for(bundled_catalogue());
  const JournalWriterLock creating(dir.path());  // as a creator in the middle of create() holds it
  REQUIRE_THAT(open_error(writable(dir), &meta), Catch::Contains("one writer at a time"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "data.mdb"));
}

TEST_CASE("a writer killed with SIGKILL leaves the journal unlocked", "[journal][lock][crash]") {
  TempDir dir;
  const JournalMetadata meta = persistence::metadata_for(bundled_catalogue());
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready[0]);
    const Journal j(writable(dir), &meta);
    const char one = 1;
    if (::write(ready[1], &one, 1) != 1) std::_Exit(2);
    ::pause();
    std::_Exit(0);
  }
  ::close(ready[1]);
  char got = 0;
  REQUIRE(::read(ready[0], &got, 1) == 1);
  ::close(ready[0]);
  CHECK_THAT(open_error(writable(dir), &meta), Catch::Contains("process " + std::to_string(child)));
  REQUIRE(::kill(child, SIGKILL) == 0);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  CHECK_FALSE(JournalWriterLock::held_in(dir.path()));
  CHECK(open_error(writable(dir), &meta).empty());
}
