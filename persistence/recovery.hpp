// Restart: verify the journal, load the newest valid snapshot into a fresh engine, replay the tail,
// and check that the replay derives exactly the journaled trades.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "matcher/engine.hpp"
#include "persistence/journal.hpp"
#include "reference-data/catalogue.hpp"

namespace rex::persistence {

// "rex <version>": written into the metadata of every journal this build creates.
std::string engine_version();

// The metadata a new journal for `catalogue` starts with (created_at: now).
JournalMetadata metadata_for(const refdata::Catalogue& catalogue);

// The engine options for `catalogue`: trades carry the first 32 bits of its SHA-256 (the matcher's
// convention). Every engine that runs or replays a journal is built with them.
matcher::EngineOptions engine_options_for(const refdata::Catalogue& catalogue);

// Throws JournalError unless the journal was written with exactly this catalogue file.
void check_reference_data(const JournalMetadata& metadata, const refdata::Catalogue& catalogue);

struct Recovered {
  std::unique_ptr<matcher::Engine> engine;
  matcher::SequenceNumber last_seq = 0;      // the last journaled command
  matcher::Timestamp last_timestamp = 0;     // its timestamp
  matcher::SequenceNumber snapshot_seq = 0;  // the snapshot loaded (0: replayed from the start)
  std::uint64_t replayed = 0;                // commands replayed after it
  std::vector<std::string> skipped_snapshots;  // newer snapshots found damaged, and why
  // The reference data in force at the journal's end: the last reload the engine applied, or the
  // catalogue the journal was created with.
  std::shared_ptr<const refdata::Catalogue> catalogue;
};

// `catalogue`: the one the journal was created with, needed only when the journal does not store it
// (format 1 journals, or journals created without the bytes). Throws JournalError for a journal that
// fails verification or whose replay does not give its trades.
Recovered recover(const Journal& journal, const refdata::Catalogue& catalogue);

// Throws JournalError unless `catalogue` is the reference data in force at the journal's end
// (what a restarting exchange must be given: after a reload, the reloaded catalogue).
void check_in_force(const Recovered& recovered, const refdata::Catalogue& catalogue);
// Empty when `catalogue` is the one in force, else what differs (check_in_force's message).
std::string in_force_mismatch(const Recovered& recovered, const refdata::Catalogue& catalogue);

}  // namespace rex::persistence
