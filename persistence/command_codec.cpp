#include "persistence/command_codec.hpp"

#include <algorithm>

namespace rex::persistence {
namespace {

constexpr std::uint8_t kPostOnlyFlag = 1;
constexpr std::uint8_t kAllOrNoneFlag = 2;
constexpr std::uint8_t kReplaceQualityFlag = 4;

template <typename E>
E as_enum(std::uint8_t v) {
  return static_cast<E>(v);  // kept as journaled: the engine itself rejects values out of range
}

}  // namespace

void encode_command(const matcher::Command& c, ByteWriter& w) {
  SectionWriter section(w, kCommandCodecVersion);
  w.u8(static_cast<std::uint8_t>(c.type));
  w.u8(static_cast<std::uint8_t>(c.side));
  w.u8(static_cast<std::uint8_t>(c.order_type));
  w.u8(static_cast<std::uint8_t>(c.time_in_force));
  w.u8(static_cast<std::uint8_t>(c.self_trade));
  w.u8(static_cast<std::uint8_t>((c.post_only ? kPostOnlyFlag : 0) | (c.all_or_none ? kAllOrNoneFlag : 0) |
                                     (c.replace_quality ? kReplaceQualityFlag : 0)));
  w.u16(0);  // reserved
  w.u64(c.seq);
  w.u64(c.timestamp);
  w.u32(c.participant);
  w.u32(c.instrument);
  w.u64(c.order_id);
  w.i64(c.price);
  w.i64(c.quantity);
  w.i64(c.display_quantity);
  w.i64(c.min_quantity);
  w.u64(c.expiry);
  w.u32(c.commodity);
  w.u64(c.accepted_grades);
  w.u64(c.accepted_hubs);
  encode_quality(c.quality, w);
}

void encode_quality(const matcher::QualityTerms& q, ByteWriter& w) {
  const std::uint8_t count = std::min<std::uint8_t>(q.count, static_cast<std::uint8_t>(matcher::kMaxQualityTerms));
  w.u8(count);
  for (std::uint8_t i = 0; i < count; ++i) {
    w.u16(q.terms[i].attribute);
    w.i64(q.terms[i].min);
    w.i64(q.terms[i].max);
  }
}

bool decode_quality(ByteReader& r, matcher::QualityTerms& q) {
  q = matcher::QualityTerms{};
  q.count = r.u8();
  if (q.count > matcher::kMaxQualityTerms) return false;
  for (std::uint8_t i = 0; i < q.count; ++i) {
    q.terms[i].attribute = r.u16();
    q.terms[i].min = r.i64();
    q.terms[i].max = r.i64();
  }
  return !r.failed();
}

bool decode_command(ByteReader& r, matcher::Command& c) {
  const Section s = read_section(r);
  if (r.failed() || s.version != kCommandCodecVersion || s.body.size() < kCommandFixedV1Bytes) return false;
  ByteReader b(s.body);
  c = matcher::Command{};
  c.type = as_enum<matcher::CommandType>(b.u8());
  c.side = as_enum<matcher::Side>(b.u8());
  c.order_type = as_enum<matcher::OrderType>(b.u8());
  c.time_in_force = as_enum<matcher::TimeInForce>(b.u8());
  c.self_trade = as_enum<matcher::SelfTradePrevention>(b.u8());
  const std::uint8_t flags = b.u8();
  c.post_only = (flags & kPostOnlyFlag) != 0;
  c.all_or_none = (flags & kAllOrNoneFlag) != 0;
  c.replace_quality = (flags & kReplaceQualityFlag) != 0;
  b.u16();
  c.seq = b.u64();
  c.timestamp = b.u64();
  c.participant = b.u32();
  c.instrument = b.u32();
  c.order_id = b.u64();
  c.price = b.i64();
  c.quantity = b.i64();
  c.display_quantity = b.i64();
  c.min_quantity = b.i64();
  c.expiry = b.u64();
  c.commodity = b.u32();
  c.accepted_grades = b.u64();
  c.accepted_hubs = b.u64();
  if (!decode_quality(b, c.quality)) return false;
  return !b.failed() && b.remaining() == 0;
}

}  // namespace rex::persistence
