#include "persistence/command_codec.hpp"

#include <algorithm>

namespace rex::persistence {
namespace {

constexpr std::uint8_t kPostOnlyFlag = 1;
constexpr std::uint8_t kAllOrNoneFlag = 2;
constexpr std::uint8_t kReplaceQualityFlag = 4;

}  // namespace

// Version 1, in order: u8 type, side, order_type, time_in_force, self_trade, flags; varint seq,
// timestamp, participant, instrument, order_id; zigzag price, quantity, display_quantity,
// min_quantity; varint expiry, commodity + 1 (mod 2^32, so "any" is stored as 0),
// accepted_grades, accepted_hubs; quality terms. Enumerations are kept as journaled: the engine
// itself rejects values out of range.
// Version 2 appends u32 reference_data.
void encode_command(const matcher::Command& c, ByteWriter& w) {
  const bool v2 = c.reference_data != 0;
  SectionWriter section(w, v2 ? kCommandCodecVersionReferenceData : kCommandCodecVersion);
  w.u8(static_cast<std::uint8_t>(c.type));
  w.u8(static_cast<std::uint8_t>(c.side));
  w.u8(static_cast<std::uint8_t>(c.order_type));
  w.u8(static_cast<std::uint8_t>(c.time_in_force));
  w.u8(static_cast<std::uint8_t>(c.self_trade));
  w.u8(static_cast<std::uint8_t>((c.post_only ? kPostOnlyFlag : 0) | (c.all_or_none ? kAllOrNoneFlag : 0) |
                                 (c.replace_quality ? kReplaceQualityFlag : 0)));
  w.varint(c.seq);
  w.varint(c.timestamp);
  w.varint(c.participant);
  w.varint(c.instrument);
  w.varint(c.order_id);
  w.zigzag(c.price);
  w.zigzag(c.quantity);
  w.zigzag(c.display_quantity);
  w.zigzag(c.min_quantity);
  w.varint(c.expiry);
  w.varint(static_cast<std::uint32_t>(c.commodity + 1));
  w.varint(c.accepted_grades);
  w.varint(c.accepted_hubs);
  encode_quality(c.quality, w);
  if (v2) w.u32(c.reference_data);
}

bool decode_command(ByteReader& r, matcher::Command& c) {
  const Section s = read_section(r);
  if (r.failed() || (s.version != kCommandCodecVersion && s.version != kCommandCodecVersionReferenceData)) return false;
  ByteReader b(s.body);
  c = matcher::Command{};
  c.type = static_cast<matcher::CommandType>(b.u8());
  c.side = static_cast<matcher::Side>(b.u8());
  c.order_type = static_cast<matcher::OrderType>(b.u8());
  c.time_in_force = static_cast<matcher::TimeInForce>(b.u8());
  c.self_trade = static_cast<matcher::SelfTradePrevention>(b.u8());
  const std::uint8_t flags = b.u8();
  c.post_only = (flags & kPostOnlyFlag) != 0;
  c.all_or_none = (flags & kAllOrNoneFlag) != 0;
  c.replace_quality = (flags & kReplaceQualityFlag) != 0;
  c.seq = b.varint();
  c.timestamp = b.varint();
  const std::uint64_t participant = b.varint();
  const std::uint64_t instrument = b.varint();
  c.order_id = b.varint();
  c.price = b.zigzag();
  c.quantity = b.zigzag();
  c.display_quantity = b.zigzag();
  c.min_quantity = b.zigzag();
  c.expiry = b.varint();
  const std::uint64_t commodity = b.varint();
  c.accepted_grades = b.varint();
  c.accepted_hubs = b.varint();
  if (participant > UINT32_MAX || instrument > UINT32_MAX || commodity > UINT32_MAX) return false;
  c.participant = static_cast<matcher::ParticipantId>(participant);
  c.instrument = static_cast<matcher::InstrumentId>(instrument);
  c.commodity = static_cast<std::uint32_t>(commodity) - 1;
  matcher::QualityTerms quality;
  if (!decode_quality(b, quality)) return false;
  if (s.version == kCommandCodecVersionReferenceData) c.reference_data = b.u32();
  if (b.failed() || b.remaining() != 0) return false;
  c.quality = quality;
  return true;
}

void encode_quality(const matcher::QualityTerms& q, ByteWriter& w) {
  const auto count = static_cast<std::uint8_t>(std::min<std::size_t>(q.count, matcher::kMaxQualityTerms));
  w.u8(count);
  for (std::uint8_t i = 0; i < count; ++i) {
    w.varint(q.terms[i].attribute);
    w.zigzag(q.terms[i].min);
    w.zigzag(q.terms[i].max);
  }
}

bool decode_quality(ByteReader& r, matcher::QualityTerms& q) {
  q = matcher::QualityTerms{};
  q.count = r.u8();
  if (q.count > matcher::kMaxQualityTerms) return false;
  for (std::uint8_t i = 0; i < q.count; ++i) {
    const std::uint64_t attribute = r.varint();
    if (attribute > UINT16_MAX) return false;
    q.terms[i].attribute = static_cast<refdata::AttributeId>(attribute);
    q.terms[i].min = r.zigzag();
    q.terms[i].max = r.zigzag();
  }
  return !r.failed();
}

}  // namespace rex::persistence
