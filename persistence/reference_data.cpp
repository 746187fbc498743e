#include "persistence/reference_data.hpp"

#include <string>

#include "persistence/recovery.hpp"
#include "reference-data/loader.hpp"

namespace rex::persistence {

ReferenceDataHistory::ReferenceDataHistory(const Journal::Reader& reader, const JournalMetadata& metadata,
                                           const refdata::Catalogue* given)
    : reader_(reader) {
  if (!reader.get(Table::kReferenceData, 0)) {
    if (given == nullptr) {
      throw JournalError("the journal does not store the catalogue it was created with (SHA-256 " +
                         metadata.reference_data_hash + "): give that catalogue");
    }
    check_reference_data(metadata, *given);
    loaded_[0] = std::make_shared<const refdata::Catalogue>(*given);
  }
  current_ = at(0);
  if (current_->content_hash() != metadata.reference_data_hash) {
    throw JournalError("reference data at seq 0: the stored catalogue is not the one the metadata names");
  }
}

std::shared_ptr<const refdata::Catalogue> ReferenceDataHistory::at(matcher::SequenceNumber seq) {
  if (auto it = loaded_.find(seq); it != loaded_.end()) return it->second;
  const std::string where = "reference data at seq " + std::to_string(seq) + ": ";
  const auto value = reader_.get(Table::kReferenceData, seq);
  ReferenceDataRecord record;
  if (!value) throw JournalError(where + "missing from the journal");
  if (!decode_reference_data_record(*value, record)) throw JournalError(where + "does not decode");
  if (sha256(record.catalogue) != record.hash) throw JournalError(where + "its bytes do not hash to the stored SHA-256");
  try {
    auto catalogue = std::make_shared<const refdata::Catalogue>(refdata::load_catalogue_string(record.catalogue));
    loaded_[seq] = catalogue;
    return catalogue;
  } catch (const std::exception& e) {
    throw JournalError(where + "the stored catalogue does not load: " + e.what());
  }
}

std::unique_ptr<matcher::Engine> ReferenceDataHistory::engine_at(matcher::SequenceNumber seq) {
  auto catalogue = at(seq);
  auto engine = std::make_unique<matcher::Engine>(catalogue->instruments(), engine_options_for(*catalogue));
  current_ = std::move(catalogue);
  return engine;
}

void ReferenceDataHistory::run(matcher::Engine& engine, const matcher::Command& command, matcher::EventBuffer& events) {
  if (command.type != matcher::CommandType::kReferenceData) return engine.process(command, events);
  auto catalogue = at(command.seq);
  const std::size_t first = events.size();
  engine.process_reference_data(command, catalogue->instruments(), events);
  for (std::size_t i = first; i < events.size(); ++i) {
    if (events[i].type == matcher::EventType::kReferenceData) current_ = catalogue;
  }
}

}  // namespace rex::persistence
