#include "persistence/journal_format.hpp"

#include "persistence/byte_io.hpp"
#include "persistence/command_codec.hpp"
#include "persistence/event_codec.hpp"
#include "persistence/origin_codec.hpp"
#include "persistence/snapshot_codec.hpp"

namespace rex::persistence {
namespace {

constexpr std::uint8_t kMetadataBodyVersion = 1;
constexpr std::uint8_t kReferenceSectionVersion = 1;  // in a kReferenceData command record
constexpr std::uint8_t kReferenceDataRecordVersion = 1;  // a reference_data table value
constexpr std::size_t kHashBytes = 32;

void put_string(ByteWriter& w, std::string_view s) {
  w.u16(static_cast<std::uint16_t>(s.size()));
  w.bytes(s.substr(0, UINT16_MAX));
}

std::string get_string(ByteReader& r) {
  const std::uint16_t n = r.u16();
  return std::string(r.bytes(n));
}

bool hex_to_bytes(std::string_view hex, std::string& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

// SHA-256(previous || key || value without its trailing hash).
Hash chain_hash(Sha256& sha, const Hash& previous, std::uint64_t key, std::string_view body) {
  char k[kKeyBytes];
  encode_key(key, k);
  sha.update(previous);
  sha.update(std::string_view(k, kKeyBytes));
  sha.update(body);
  return sha.finish();
}

}  // namespace

std::string_view describe(RecordCheck c) {
  switch (c) {
    case RecordCheck::kOk: return "ok";
    case RecordCheck::kUndecodable: return "record does not decode (wrong version, length or layout)";
    case RecordCheck::kHashMismatch: return "hash mismatch (record edited, or a record before it removed or reordered)";
  }
  return "?";
}

std::string encode_metadata(const JournalMetadata& m) {
  std::string out;
  ByteWriter w(out);
  w.bytes(kMetadataMagic);
  w.u16(m.format_version);
  {
    SectionWriter section(w, kMetadataBodyVersion);
    put_string(w, m.engine_version);
    put_string(w, m.catalogue_version);
    std::string raw;
    if (!hex_to_bytes(m.reference_data_hash, raw) || raw.size() != kHashBytes) raw.assign(kHashBytes, '\0');
    w.bytes(raw);
    w.u64(m.created_at);
  }
  return out;
}

bool decode_metadata(std::string_view value, JournalMetadata& m) {
  ByteReader r(value);
  if (r.bytes(kMetadataMagic.size()) != kMetadataMagic) return false;
  m = JournalMetadata{};
  m.format_version = r.u16();
  const Section s = read_section(r);
  if (r.failed() || s.version != kMetadataBodyVersion) return false;
  ByteReader b(s.body);
  m.engine_version = get_string(b);
  m.catalogue_version = get_string(b);
  Hash h{};
  if (!hash_from_bytes(b.bytes(kHashBytes), h)) return false;
  m.reference_data_hash = to_hex(h);
  m.created_at = b.u64();
  return !b.failed() && r.remaining() == 0;
}

void encode_key(std::uint64_t n, char out[kKeyBytes]) {
  for (std::size_t i = 0; i < kKeyBytes; ++i) out[i] = static_cast<char>(n >> (8 * (kKeyBytes - 1 - i)));
}

std::string encode_key(std::uint64_t n) {
  std::string k(kKeyBytes, '\0');
  encode_key(n, k.data());
  return k;
}

bool decode_key(std::string_view key, std::uint64_t& n) {
  if (key.size() != kKeyBytes) return false;
  ByteReader r(key);
  n = r.u64();
  return true;
}

Hash encode_command_record(Sha256& sha, const Hash& previous, std::uint64_t seq, const matcher::Command& c,
                           const exchange::Origin& o, std::string& out, const Hash* reference_data) {
  out.clear();
  ByteWriter w(out);
  w.u8(kRecordVersion);
  encode_command(c, w);
  encode_origin(o, w);
  if (c.type == matcher::CommandType::kReferenceData) {
    SectionWriter section(w, kReferenceSectionVersion);
    w.bytes(as_bytes(reference_data != nullptr ? *reference_data : Hash{}));
  }
  const Hash h = chain_hash(sha, previous, seq, out);
  w.bytes(as_bytes(h));
  return h;
}

Hash encode_trade_record(Sha256& sha, const Hash& previous, const matcher::Event& trade, std::string& out) {
  out.clear();
  ByteWriter w(out);
  w.u8(kRecordVersion);
  encode_trade(trade, w);
  const Hash h = chain_hash(sha, previous, trade.trade_id, out);
  w.bytes(as_bytes(h));
  return h;
}

void encode_snapshot_record(Sha256& sha, const matcher::EngineSnapshot& s, const Hash& command_chain,
                            std::string& out) {
  out.clear();
  ByteWriter w(out);
  w.u8(kRecordVersion);
  encode_snapshot(s, w);
  w.bytes(as_bytes(command_chain));
  sha.update(out);
  w.bytes(as_bytes(sha.finish()));
}

std::string encode_reference_data_record(std::string_view catalogue_bytes, const Hash& hash) {
  std::string out;
  ByteWriter w(out);
  w.u8(kReferenceDataRecordVersion);
  w.bytes(as_bytes(hash));
  w.bytes(catalogue_bytes);
  return out;
}

bool decode_reference_data_record(std::string_view value, ReferenceDataRecord& out) {
  if (value.size() < 1 + kHashBytes || static_cast<std::uint8_t>(value[0]) != kReferenceDataRecordVersion) return false;
  if (!hash_from_bytes(value.substr(1, kHashBytes), out.hash)) return false;
  out.catalogue = value.substr(1 + kHashBytes);
  return true;
}

bool stored_chain_hash(std::string_view value, Hash& out) {
  if (value.size() < kHashBytes) return false;
  return hash_from_bytes(value.substr(value.size() - kHashBytes), out);
}

RecordCheck decode_command_record(Sha256& sha, const Hash& previous, std::uint64_t seq, std::string_view value,
                                  CommandRecord& out) {
  if (value.size() < 1 + kHashBytes) return RecordCheck::kUndecodable;
  const std::string_view body = value.substr(0, value.size() - kHashBytes);
  ByteReader r(body);
  if (r.u8() != kRecordVersion || !decode_command(r, out.command) || !decode_origin(r, out.origin)) {
    return RecordCheck::kUndecodable;
  }
  out.reference_data = Hash{};
  if (out.command.type == matcher::CommandType::kReferenceData) {
    const Section s = read_section(r);
    if (r.failed() || s.version != kReferenceSectionVersion || !hash_from_bytes(s.body, out.reference_data)) {
      return RecordCheck::kUndecodable;
    }
  }
  if (r.remaining() != 0) return RecordCheck::kUndecodable;
  stored_chain_hash(value, out.chain);
  return chain_hash(sha, previous, seq, body) == out.chain ? RecordCheck::kOk : RecordCheck::kHashMismatch;
}

std::string describe_undecodable_command(std::string_view value) {
  if (value.size() >= 1 + kHashBytes) {
    ByteReader r(value.substr(0, value.size() - kHashBytes));
    matcher::Command command;
    exchange::Origin origin;
    std::string why;
    if (r.u8() == kRecordVersion && decode_command(r, command) && !decode_origin(r, origin, &why) && !why.empty()) {
      return "record does not decode: " + why;
    }
  }
  return std::string(describe(RecordCheck::kUndecodable));
}

RecordCheck decode_trade_record(Sha256& sha, const Hash& previous, std::uint64_t trade_id, std::string_view value,
                                TradeRecord& out) {
  if (value.size() < 1 + kHashBytes) return RecordCheck::kUndecodable;
  const std::string_view body = value.substr(0, value.size() - kHashBytes);
  ByteReader r(body);
  if (r.u8() != kRecordVersion || !decode_trade(r, out.trade) || r.remaining() != 0) {
    return RecordCheck::kUndecodable;
  }
  stored_chain_hash(value, out.chain);
  return chain_hash(sha, previous, trade_id, body) == out.chain ? RecordCheck::kOk : RecordCheck::kHashMismatch;
}

RecordCheck decode_snapshot_record(Sha256& sha, std::string_view value, SnapshotRecord& out) {
  if (value.size() < 1 + 2 * kHashBytes) return RecordCheck::kUndecodable;
  const std::string_view body = value.substr(0, value.size() - kHashBytes);
  Hash own{};
  hash_from_bytes(value.substr(value.size() - kHashBytes), own);
  sha.update(body);
  if (sha.finish() != own) return RecordCheck::kHashMismatch;
  ByteReader r(body);
  if (r.u8() != kRecordVersion || !decode_snapshot(r, out.snapshot)) return RecordCheck::kUndecodable;
  if (!hash_from_bytes(r.bytes(kHashBytes), out.command_chain) || r.remaining() != 0) {
    return RecordCheck::kUndecodable;
  }
  return RecordCheck::kOk;
}

}  // namespace rex::persistence
