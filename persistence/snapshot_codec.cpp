#include "persistence/snapshot_codec.hpp"

#include "persistence/command_codec.hpp"

namespace rex::persistence {
namespace {

constexpr std::uint8_t kPostOnlyFlag = 1;
constexpr std::uint8_t kAllOrNoneFlag = 2;
constexpr std::uint8_t kQualityBidFlag = 4;

}  // namespace

void encode_snapshot(const matcher::EngineSnapshot& s, ByteWriter& w) {
  SectionWriter section(w, kSnapshotCodecVersion);
  w.u64(s.last_seq);
  w.u64(s.last_timestamp);
  w.u64(s.last_trade);
  w.u64(s.last_priority);
  w.u32(static_cast<std::uint32_t>(s.orders.size()));
  for (const matcher::RestingOrder& o : s.orders) {
    w.u64(o.id);
    w.u32(o.participant);
    w.u32(o.instrument);
    w.u8(static_cast<std::uint8_t>(o.side));
    w.u8(static_cast<std::uint8_t>(o.time_in_force));
    w.u8(static_cast<std::uint8_t>(o.self_trade));
    w.u8(static_cast<std::uint8_t>((o.post_only ? kPostOnlyFlag : 0) | (o.all_or_none ? kAllOrNoneFlag : 0) |
                                       (o.quality_bid ? kQualityBidFlag : 0)));
    w.i64(o.price);
    w.i64(o.open);
    w.i64(o.visible);
    w.i64(o.display);
    w.u64(o.expiry);
    w.u64(o.priority);
    w.u64(o.accepted_grades);
    w.u64(o.accepted_hubs);
    encode_quality(o.quality, w);
  }
  w.u32(static_cast<std::uint32_t>(s.halted.size()));
  for (matcher::InstrumentId id : s.halted) w.u32(id);
  w.u32(s.reference_data);
  w.u64(s.reference_data_seq);
}

bool decode_snapshot(ByteReader& r, matcher::EngineSnapshot& s) {
  const Section section = read_section(r);
  if (r.failed() || (section.version != kSnapshotCodecVersion && section.version != kSnapshotCodecVersion1)) return false;
  ByteReader b(section.body);
  s = matcher::EngineSnapshot{};
  s.last_seq = b.u64();
  s.last_timestamp = b.u64();
  s.last_trade = b.u64();
  s.last_priority = b.u64();
  const std::uint32_t orders = b.u32();
  if (b.failed() || b.remaining() / kRestingOrderFixedV1Bytes < orders) return false;  // before reserving
  s.orders.resize(orders);
  for (matcher::RestingOrder& o : s.orders) {
    o.id = b.u64();
    o.participant = b.u32();
    o.instrument = b.u32();
    o.side = static_cast<matcher::Side>(b.u8());
    o.time_in_force = static_cast<matcher::TimeInForce>(b.u8());
    o.self_trade = static_cast<matcher::SelfTradePrevention>(b.u8());
    const std::uint8_t flags = b.u8();
    o.post_only = (flags & kPostOnlyFlag) != 0;
    o.all_or_none = (flags & kAllOrNoneFlag) != 0;
    o.quality_bid = (flags & kQualityBidFlag) != 0;
    o.price = b.i64();
    o.open = b.i64();
    o.visible = b.i64();
    o.display = b.i64();
    o.expiry = b.u64();
    o.priority = b.u64();
    o.accepted_grades = b.u64();
    o.accepted_hubs = b.u64();
    if (!decode_quality(b, o.quality)) return false;
  }
  const std::uint32_t halted = b.u32();
  if (b.failed() || b.remaining() / 4 < halted) return false;
  s.halted.resize(halted);
  for (matcher::InstrumentId& id : s.halted) id = b.u32();
  if (section.version == kSnapshotCodecVersion) {  // version 1 knew no reference data: 0, 0
    s.reference_data = b.u32();
    s.reference_data_seq = b.u64();
  }
  return !b.failed() && b.remaining() == 0;
}

}  // namespace rex::persistence
