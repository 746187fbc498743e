// The journal's records: keys, the metadata record, and the command, trade and snapshot records
// with their hashes. The byte layout is specified in docs/journal-format.md; this file and the
// codecs it calls are the only code that knows it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "exchange/exchange.hpp"
#include "matcher/command.hpp"
#include "matcher/engine.hpp"
#include "matcher/event.hpp"
#include "persistence/hash.hpp"

namespace rex::persistence {

// Version 2 added the `reference_data` table and reference-data reload commands; version 1
// journals are still read (and appended to), but cannot take a reload.
inline constexpr std::uint16_t kJournalFormatVersion = 2;
inline constexpr std::uint16_t kJournalFormatVersion1 = 1;
inline constexpr std::uint8_t kRecordVersion = 1;      // the envelope of command/trade/snapshot records
inline constexpr std::string_view kMetadataMagic = "REXJ";
inline constexpr std::string_view kMetadataKey = "meta";
inline constexpr std::size_t kKeyBytes = 8;

struct JournalMetadata {
  std::uint16_t format_version = kJournalFormatVersion;
  std::string engine_version;          // e.g. "rex 0.1.0": the engine that created the journal
  std::string catalogue_version;       // the catalogue's own version, informative
  std::string reference_data_hash;     // SHA-256 hex of the catalogue file (Catalogue::content_hash)
  std::uint64_t created_at = 0;        // ns since the Unix epoch

  bool operator==(const JournalMetadata&) const = default;
};

std::string encode_metadata(const JournalMetadata& m);
bool decode_metadata(std::string_view value, JournalMetadata& m);

// 8-byte big-endian key of a sequence number or trade id (sorts numerically in LMDB).
std::string encode_key(std::uint64_t n);
void encode_key(std::uint64_t n, char out[kKeyBytes]);
bool decode_key(std::string_view key, std::uint64_t& n);

struct CommandRecord {
  matcher::Command command;
  exchange::Origin origin;
  // A kReferenceData command's record binds the SHA-256 of the catalogue it brings in force (the
  // exact bytes stored in the reference_data table under its seq); zero for every other command.
  Hash reference_data{};
  Hash chain{};
};

// The value of a `reference_data` table entry: the catalogue file's exact bytes and their SHA-256.
struct ReferenceDataRecord {
  Hash hash{};
  std::string_view catalogue;  // points into the decoded value
};
std::string encode_reference_data_record(std::string_view catalogue_bytes, const Hash& hash);
// False for an unknown version or a value too short; the hash is not checked here (verify does).
bool decode_reference_data_record(std::string_view value, ReferenceDataRecord& out);

struct TradeRecord {
  matcher::Event trade;  // a kTrade event
  Hash chain{};
};

struct SnapshotRecord {
  matcher::EngineSnapshot snapshot;
  Hash command_chain{};  // the chain hash of the command record at snapshot.last_seq
};

enum class RecordCheck : std::uint8_t { kOk, kUndecodable, kHashMismatch };
std::string_view describe(RecordCheck c);

// Encoders clear `out`, write the whole record value and return its chain hash.
// `reference_data`: for a kReferenceData command, the catalogue's SHA-256 (required; ignored otherwise).
Hash encode_command_record(Sha256& sha, const Hash& previous, std::uint64_t seq, const matcher::Command& c,
                           const exchange::Origin& o, std::string& out, const Hash* reference_data = nullptr);
Hash encode_trade_record(Sha256& sha, const Hash& previous, const matcher::Event& trade, std::string& out);
void encode_snapshot_record(Sha256& sha, const matcher::EngineSnapshot& s, const Hash& command_chain,
                            std::string& out);

// Decoders check the record's hash: the chain from `previous` for commands and trades, the
// record's own hash for snapshots.
RecordCheck decode_command_record(Sha256& sha, const Hash& previous, std::uint64_t seq, std::string_view value,
                                  CommandRecord& out);
RecordCheck decode_trade_record(Sha256& sha, const Hash& previous, std::uint64_t trade_id, std::string_view value,
                                TradeRecord& out);
RecordCheck decode_snapshot_record(Sha256& sha, std::string_view value, SnapshotRecord& out);
// Why a command record value is kUndecodable, as specific as the codecs can say (its client order
// id, say), else describe(RecordCheck::kUndecodable).
std::string describe_undecodable_command(std::string_view value);

// The stored chain hash of a command or trade record (its last 32 bytes), unchecked.
bool stored_chain_hash(std::string_view value, Hash& out);

}  // namespace rex::persistence
