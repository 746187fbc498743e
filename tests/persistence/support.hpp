// Shared by the journal and exchange tests: private temporary directories, the bundled catalogue,
// a seeded order flow on it, and a from-scratch replay of a journal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "matcher/command.hpp"
#include "matcher/engine.hpp"
#include "persistence/journal.hpp"
#include "reference-data/catalogue.hpp"

namespace rex::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

const refdata::Catalogue& bundled_catalogue();

// A command with every field set to something other than its default: the codec tests round-trip it.
matcher::Command full_command();

// Valid and invalid orders, cancels and amends on a few of the catalogue's books, so that orders
// rest, trade and get rejected. Commands come unstamped (seq and timestamp 0).
class OrderFlow {
 public:
  OrderFlow(const refdata::Catalogue& catalogue, std::uint64_t seed);
  matcher::Command next();

 private:
  std::uint64_t random();
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  std::vector<refdata::InstrumentSpec> instruments_;
  std::uint64_t state_;
  std::uint64_t issued_ = 0;  // commands handed out: a cancel aims at a recent one
};

// Stamps `commands` with seq 1, 2, ... and a clock advancing a microsecond per command.
void stamp(std::vector<matcher::Command>& commands);
// The first `n` commands of OrderFlow(catalogue, seed), stamped.
std::vector<matcher::Command> stamped_flow(const refdata::Catalogue& catalogue, std::size_t n, std::uint64_t seed = 1);

// The engine state and trades a fresh engine reaches by running every journaled command.
struct Replay {
  matcher::EngineSnapshot state;
  std::vector<matcher::Event> trades;
  std::uint64_t commands = 0;
};
Replay replay_from_scratch(const persistence::Journal& journal, const refdata::Catalogue& catalogue);

// Writes `commands` (stamped) through a fresh engine into the journal in groups of `group`
// (`snapshots`: and a snapshot of the engine after each group).
void journal_commands(persistence::Journal& journal, const refdata::Catalogue& catalogue,
                      const std::vector<matcher::Command>& commands, std::size_t group, bool snapshots = false);
// The client order id those helpers journal with new order `command_index` ("c<index>").
std::string client_order_id(std::size_t command_index);
// The same for commands [first, last), continuing the engine state the journal recovers to.
void journal_commands_from(persistence::Journal& journal, const refdata::Catalogue& catalogue,
                           const std::vector<matcher::Command>& commands, std::size_t first, std::size_t last,
                           std::size_t group, bool snapshots = false);

}  // namespace rex::testing
