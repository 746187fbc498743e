// The reference data a journal's commands ran under. Every reload (a kReferenceData command) stores
// the catalogue it brought in the journal's reference_data table, so a replay loads each one from
// the journal itself; the catalogue the journal was created with is stored there too (key 0), or,
// in journals that lack it (format 1), given by the caller and checked against the metadata.
#pragma once

#include <map>
#include <memory>

#include "matcher/engine.hpp"
#include "persistence/journal.hpp"
#include "reference-data/catalogue.hpp"

namespace rex::persistence {

class ReferenceDataHistory {
 public:
  // `given`: the catalogue the journal was created with, for journals that do not store it (may be
  // null otherwise). Throws JournalError when neither the journal nor `given` has it.
  ReferenceDataHistory(const Journal::Reader& reader, const JournalMetadata& metadata, const refdata::Catalogue* given);

  // The catalogue the reload at `seq` brought (0: the one the journal was created with). Throws
  // JournalError for a missing, undecodable or invalid stored catalogue.
  std::shared_ptr<const refdata::Catalogue> at(matcher::SequenceNumber seq);
  // A fresh engine for the reference data the reload at `seq` brought in force; it becomes current.
  std::unique_ptr<matcher::Engine> engine_at(matcher::SequenceNumber seq);
  // Runs one journaled command; a reload runs with its stored catalogue, which becomes current if
  // the engine applied it.
  void run(matcher::Engine& engine, const matcher::Command& command, matcher::EventBuffer& events);
  // The catalogue in force after the commands run so far.
  const std::shared_ptr<const refdata::Catalogue>& current() const { return current_; }

 private:
  const Journal::Reader& reader_;
  std::map<matcher::SequenceNumber, std::shared_ptr<const refdata::Catalogue>> loaded_;
  std::shared_ptr<const refdata::Catalogue> current_;
};

}  // namespace rex::persistence
