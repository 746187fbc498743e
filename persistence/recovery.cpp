#include "persistence/recovery.hpp"

#include <chrono>

#include "persistence/reference_data.hpp"
#include "persistence/verify.hpp"

namespace rex::persistence {
namespace {

// Loads the newest snapshot that checks out and that the engine accepts into `engine`.
matcher::SequenceNumber load_newest_snapshot(const Journal::Reader& r, const VerifyReport& report,
                                             ReferenceDataHistory& history, Recovered& out) {
  Sha256 sha;
  for (std::uint64_t seq : r.keys_descending(Table::kSnapshots)) {
    const std::string where = "snapshot at seq " + std::to_string(seq) + ": ";
    bool damaged = false;
    for (const std::string& b : report.bad_snapshots) damaged = damaged || b.rfind(where, 0) == 0;
    if (damaged || seq > report.last_seq) {
      out.skipped_snapshots.push_back(where + "damaged or past the journal's end");
      continue;
    }
    SnapshotRecord record;
    if (decode_snapshot_record(sha, *r.get(Table::kSnapshots, seq), record) != RecordCheck::kOk) continue;
    try {
      // The reference data in force when it was taken.
      auto engine = history.engine_at(record.snapshot.reference_data_seq);
      engine->restore(record.snapshot);
      out.engine = std::move(engine);
    } catch (const std::exception& e) {
      out.skipped_snapshots.push_back(where + e.what());
      continue;
    }
    return seq;
  }
  out.engine = history.engine_at(0);
  return 0;
}

}  // namespace

std::string engine_version() { return std::string("rex ") + REX_ENGINE_VERSION; }

JournalMetadata metadata_for(const refdata::Catalogue& catalogue) {
  JournalMetadata m;
  m.engine_version = engine_version();
  m.catalogue_version = catalogue.version();
  m.reference_data_hash = catalogue.content_hash();
  m.created_at = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  return m;
}

matcher::EngineOptions engine_options_for(const refdata::Catalogue& catalogue) {
  matcher::EngineOptions options;
  const std::string& hash = catalogue.content_hash();
  constexpr std::size_t kHexDigits = 8;  // 32 bits
  if (hash.size() >= kHexDigits) {
    options.reference_data = static_cast<std::uint32_t>(std::stoul(hash.substr(0, kHexDigits), nullptr, 16));
  }
  return options;
}

std::string in_force_mismatch(const Recovered& recovered, const refdata::Catalogue& catalogue) {
  const refdata::Catalogue& in_force = *recovered.catalogue;
  if (in_force.content_hash() == catalogue.content_hash()) return {};
  return "reference data differs from the journal's: the catalogue in force at the journal's end is SHA-256 " +
         in_force.content_hash() + " (version " + in_force.version() + "), this catalogue is " + catalogue.content_hash() +
         " (version " + catalogue.version() + ")";
}

void check_in_force(const Recovered& recovered, const refdata::Catalogue& catalogue) {
  if (std::string problem = in_force_mismatch(recovered, catalogue); !problem.empty()) throw JournalError(problem);
}

void check_reference_data(const JournalMetadata& metadata, const refdata::Catalogue& catalogue) {
  if (metadata.reference_data_hash != catalogue.content_hash()) {
    throw JournalError("reference data differs from the journal's: the journal was written with catalogue SHA-256 " +
                       metadata.reference_data_hash + " (version " + metadata.catalogue_version +
                       "), this catalogue is " + catalogue.content_hash() + " (version " + catalogue.version() + ")");
  }
}

Recovered recover(const Journal& journal, const refdata::Catalogue& catalogue) {
  const VerifyReport report = verify_journal(journal);
  if (!report.ok) throw JournalError("journal fails verification: " + report.first_bad);

  Recovered out;
  const Journal::Reader r = journal.reader();
  ReferenceDataHistory history(r, journal.metadata(), &catalogue);
  out.snapshot_seq = load_newest_snapshot(r, report, history, out);

  Sha256 sha;
  CommandRecord command;
  TradeRecord journaled;
  matcher::EventBuffer events;
  out.last_seq = out.snapshot_seq;
  if (auto at = r.get(Table::kCommands, out.snapshot_seq);
      at && decode_command_record(sha, {}, out.snapshot_seq, *at, command) != RecordCheck::kUndecodable) {
    out.last_timestamp = command.command.timestamp;
  }
  r.scan(Table::kCommands, out.snapshot_seq + 1, [&](std::uint64_t seq, std::string_view value) {
    decode_command_record(sha, {}, seq, value, command);  // verified above; the chain is not re-checked
    events.clear();
    history.run(*out.engine, command.command, events);
    for (const matcher::Event& e : events) {
      if (e.type != matcher::EventType::kTrade) continue;
      const auto stored = r.get(Table::kTrades, e.trade_id);
      if (!stored || decode_trade_record(sha, {}, e.trade_id, *stored, journaled) == RecordCheck::kUndecodable ||
          !(journaled.trade == e)) {
        throw JournalError("replay diverges from the journal at seq " + std::to_string(seq) + ": trade " +
                           std::to_string(e.trade_id) + (stored ? " differs" : " is missing"));
      }
    }
    out.last_seq = seq;
    out.last_timestamp = command.command.timestamp;
    out.replayed++;
    return true;
  });
  if (out.engine->snapshot().last_trade != report.last_trade) {
    throw JournalError("the journal holds trades up to id " + std::to_string(report.last_trade) +
                       " but the replay ends at trade " + std::to_string(out.engine->snapshot().last_trade));
  }
  out.catalogue = history.current();
  return out;
}

}  // namespace rex::persistence
