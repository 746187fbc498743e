// Integrity checks of a journal without trusting it: the metadata, both hash chains, sequence
// and trade-id continuity, timestamps, and every snapshot's own hash and its binding to the chain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/journal.hpp"

namespace rex::persistence {

struct VerifyReport {
  bool ok = true;               // the commands, the trades and the metadata all check out
  std::string first_bad;        // names the first bad command or trade record, and why
  std::vector<std::string> bad_snapshots;  // damaged snapshots (recovery skips them)
  std::uint64_t commands = 0;
  std::uint64_t trades = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t last_trade = 0;
  Hash command_tail{};          // chain hash of the last command record (genesis if none)
  Hash trade_tail{};
};

VerifyReport verify_journal(const Journal& journal);

// Why the catalogue stored for the reload in `record` is not the one the record binds (missing,
// undecodable, another SHA-256, or a reference data id not taken from it); empty when it is.
std::string reload_catalogue_problem(const Journal::Reader& r, const CommandRecord& record);

}  // namespace rex::persistence
