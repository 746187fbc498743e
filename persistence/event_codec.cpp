#include "persistence/event_codec.hpp"

namespace rex::persistence {

void encode_trade(const matcher::Event& t, ByteWriter& w) {
  SectionWriter section(w, kTradeCodecVersion);
  w.u64(t.trade_id);
  w.u64(t.seq);
  w.u64(t.timestamp);
  w.u32(t.instrument);
  w.u8(static_cast<std::uint8_t>(t.side));
  w.u64(t.order_id);
  w.u64(t.taker_order_id);
  w.u32(t.participant);
  w.u32(t.taker_participant);
  w.i64(t.price);
  w.i64(t.quantity);
  w.i64(t.leaves);
  w.i64(t.taker_leaves);
  w.i64(t.base_price);
  w.u32(t.reference_data);
}

bool decode_trade(ByteReader& r, matcher::Event& t) {
  const Section s = read_section(r);
  if (r.failed() || s.version != kTradeCodecVersion || s.body.size() != kTradeBodyV1Bytes) return false;
  ByteReader b(s.body);
  t = matcher::Event{};
  t.type = matcher::EventType::kTrade;
  t.trade_id = b.u64();
  t.seq = b.u64();
  t.timestamp = b.u64();
  t.instrument = b.u32();
  t.side = static_cast<matcher::Side>(b.u8());
  t.order_id = b.u64();
  t.taker_order_id = b.u64();
  t.participant = b.u32();
  t.taker_participant = b.u32();
  t.price = b.i64();
  t.quantity = b.i64();
  t.leaves = b.i64();
  t.taker_leaves = b.i64();
  t.base_price = b.i64();
  t.reference_data = b.u32();
  return !b.failed();
}

void encode_event(const matcher::Event& e, ByteWriter& w) {
  w.u8(static_cast<std::uint8_t>(e.type));
  w.u8(static_cast<std::uint8_t>(e.side));
  w.u8(static_cast<std::uint8_t>(e.cancel_reason));
  w.u8(static_cast<std::uint8_t>(e.expiry_reason));
  w.u8(e.priority_kept ? 1 : 0);
  w.u8(e.halted ? 1 : 0);
  w.u16(static_cast<std::uint16_t>(e.reject));
  w.u32(e.order_count);
  w.u64(e.seq);
  w.u64(e.timestamp);
  w.u32(e.instrument);
  w.u32(e.participant);
  w.u32(e.taker_participant);
  w.u64(e.order_id);
  w.u64(e.taker_order_id);
  w.u64(e.trade_id);
  w.i64(e.price);
  w.i64(e.quantity);
  w.i64(e.leaves);
  w.i64(e.taker_leaves);
  w.i64(e.base_price);
  w.u32(e.reference_data);
  w.i64(e.ask);
  w.i64(e.ask_quantity);
  w.u32(e.commodity);
  w.u32(e.attribute);
}

}  // namespace rex::persistence
