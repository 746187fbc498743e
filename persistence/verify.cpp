#include "persistence/verify.hpp"

namespace rex::persistence {
namespace {

void bad(VerifyReport& report, std::string what) {
  if (report.ok) report.first_bad = std::move(what);
  report.ok = false;
}

// Record 1 of a chain hashes on from the genesis, the SHA-256 of the metadata record: when it does
// not chain, either of the two may have been edited.
std::string chain_problem(RecordCheck check, std::uint64_t key) {
  if (check == RecordCheck::kHashMismatch && key == 1) {
    return "hash mismatch: it does not chain from the genesis hash (the SHA-256 of the metadata record): the "
           "metadata record or this record was edited";
  }
  return std::string(describe(check));
}

// A snapshot has its own hash, not a place in a chain.
std::string snapshot_problem(RecordCheck check) {
  if (check == RecordCheck::kHashMismatch) return "its bytes do not hash to its own stored SHA-256 (snapshot edited)";
  return std::string(describe(check));
}

}  // namespace

// A reload's stored catalogue: present, hashing to what its command record binds, and named by the
// command's 32-bit reference data id.
std::string reload_catalogue_problem(const Journal::Reader& r, const CommandRecord& record) {
  const auto value = r.get(Table::kReferenceData, record.command.seq);
  ReferenceDataRecord stored;
  if (!value) return "its catalogue is missing from the reference_data table";
  if (!decode_reference_data_record(*value, stored)) return "its stored catalogue does not decode";
  if (sha256(stored.catalogue) != stored.hash || stored.hash != record.reference_data) {
    return "its stored catalogue does not hash to the SHA-256 the command record binds (catalogue edited)";
  }
  const std::string hex = to_hex(stored.hash);
  if (std::stoul(hex.substr(0, 8), nullptr, 16) != record.command.reference_data) {
    return "its reference data id is not the first 32 bits of the catalogue's SHA-256";
  }
  return {};
}

namespace {

// Every reference_data entry is the journal's own catalogue (key 0) or a reload's.
void verify_reference_table(const Journal::Reader& r, const Journal& journal, VerifyReport& report) {
  r.scan(Table::kReferenceData, 0, [&](std::uint64_t seq, std::string_view value) {
    const std::string where = "reference data at seq " + std::to_string(seq) + ": ";
    ReferenceDataRecord stored;
    CommandRecord command;
    Sha256 sha;
    if (!decode_reference_data_record(value, stored)) {
      bad(report, where + "does not decode");
    } else if (seq == 0) {
      if (sha256(stored.catalogue) != stored.hash || to_hex(stored.hash) != journal.metadata().reference_data_hash) {
        bad(report, where + "the stored catalogue is not the one the metadata names");
      }
    } else if (auto c = r.get(Table::kCommands, seq);
               !c || decode_command_record(sha, {}, seq, *c, command) == RecordCheck::kUndecodable ||
               command.command.type != matcher::CommandType::kReferenceData) {
      bad(report, where + "no reload command at that seq");
    }
    return report.ok;
  });
}

void verify_commands(const Journal::Reader& r, const Journal& journal, VerifyReport& report) {
  Sha256 sha;
  Hash previous = journal.genesis();
  std::uint64_t expected = 1;
  matcher::Timestamp last_time = 0;
  CommandRecord record;
  r.scan(Table::kCommands, 0, [&](std::uint64_t seq, std::string_view value) {
    const std::string where = "command record seq " + std::to_string(seq) + ": ";
    if (seq != expected) {
      bad(report, where + (seq < expected ? "out of order" : "expected seq " + std::to_string(expected) +
                                                                 " (records missing)"));
      return false;
    }
    const RecordCheck check = decode_command_record(sha, previous, seq, value, record);
    if (check != RecordCheck::kOk) {
      bad(report, where + (check == RecordCheck::kUndecodable ? describe_undecodable_command(value)
                                                              : chain_problem(check, seq)));
      return false;
    }
    if (record.command.seq != seq) {
      bad(report, where + "holds a command stamped seq " + std::to_string(record.command.seq));
      return false;
    }
    if (record.command.timestamp < last_time) {
      bad(report, where + "timestamp goes back in time");
      return false;
    }
    if (record.command.type == matcher::CommandType::kReferenceData) {
      if (const std::string problem = reload_catalogue_problem(r, record); !problem.empty()) {
        bad(report, where + problem);
        return false;
      }
    }
    last_time = record.command.timestamp;
    previous = record.chain;
    report.commands++;
    report.last_seq = seq;
    ++expected;
    return true;
  });
  report.command_tail = previous;
}

void verify_trades(const Journal::Reader& r, const Journal& journal, VerifyReport& report) {
  Sha256 sha;
  Hash previous = journal.genesis();
  std::uint64_t expected = 1;
  std::uint64_t last_seq = 0;
  TradeRecord record;
  r.scan(Table::kTrades, 0, [&](std::uint64_t id, std::string_view value) {
    const std::string where = "trade record id " + std::to_string(id) + ": ";
    if (id != expected) {
      bad(report, where + (id < expected ? "out of order" : "expected trade id " + std::to_string(expected) +
                                                                " (records missing)"));
      return false;
    }
    const RecordCheck check = decode_trade_record(sha, previous, id, value, record);
    if (check != RecordCheck::kOk) {
      bad(report, where + chain_problem(check, id));
      return false;
    }
    if (record.trade.trade_id != id || record.trade.seq < last_seq || record.trade.seq > report.last_seq) {
      bad(report, where + "names seq " + std::to_string(record.trade.seq) +
                      ", out of order or past the last journaled command");
      return false;
    }
    last_seq = record.trade.seq;
    previous = record.chain;
    report.trades++;
    report.last_trade = id;
    ++expected;
    return true;
  });
  report.trade_tail = previous;
}

void verify_snapshots(const Journal::Reader& r, VerifyReport& report) {
  Sha256 sha;
  SnapshotRecord record;
  r.scan(Table::kSnapshots, 0, [&](std::uint64_t seq, std::string_view value) {
    report.snapshots++;
    const std::string where = "snapshot at seq " + std::to_string(seq) + ": ";
    const RecordCheck check = decode_snapshot_record(sha, value, record);
    Hash chain{};
    const auto command = r.get(Table::kCommands, seq);
    if (check != RecordCheck::kOk) {
      report.bad_snapshots.push_back(where + snapshot_problem(check));
    } else if (record.snapshot.last_seq != seq) {
      report.bad_snapshots.push_back(where + "holds the state at seq " + std::to_string(record.snapshot.last_seq));
    } else if (!command || !stored_chain_hash(*command, chain) || chain != record.command_chain) {
      report.bad_snapshots.push_back(where + "not bound to the journal's command " + std::to_string(seq));
    }
    return true;
  });
}

}  // namespace

VerifyReport verify_journal(const Journal& journal) {
  VerifyReport report;
  const Journal::Reader r = journal.reader();
  if (auto meta = r.metadata_value(); !meta || sha256(*meta) != journal.genesis()) {
    bad(report, "metadata record changed since the journal was opened");
  }
  verify_commands(r, journal, report);
  verify_trades(r, journal, report);
  verify_reference_table(r, journal, report);
  verify_snapshots(r, report);
  return report;
}

}  // namespace rex::persistence
