#include "persistence/event_codec.hpp"

namespace rex::persistence {

// Version 1, in order: varint trade_id, seq, timestamp, instrument; u8 side (the taker's);
// varint maker order, taker order, maker participant, taker participant; zigzag price, quantity,
// maker leaves, taker leaves, base_price; u32 reference_data.
void encode_trade(const matcher::Event& t, ByteWriter& w) {
  SectionWriter section(w, kTradeCodecVersion);
  w.varint(t.trade_id);
  w.varint(t.seq);
  w.varint(t.timestamp);
  w.varint(t.instrument);
  w.u8(static_cast<std::uint8_t>(t.side));
  w.varint(t.order_id);
  w.varint(t.taker_order_id);
  w.varint(t.participant);
  w.varint(t.taker_participant);
  w.zigzag(t.price);
  w.zigzag(t.quantity);
  w.zigzag(t.leaves);
  w.zigzag(t.taker_leaves);
  w.zigzag(t.base_price);
  w.u32(t.reference_data);
}

bool decode_trade(ByteReader& r, matcher::Event& t) {
  const Section s = read_section(r);
  if (r.failed() || s.version != kTradeCodecVersion) return false;
  ByteReader b(s.body);
  t = matcher::Event{};
  t.type = matcher::EventType::kTrade;
  t.trade_id = b.varint();
  t.seq = b.varint();
  t.timestamp = b.varint();
  const std::uint64_t instrument = b.varint();
  t.side = static_cast<matcher::Side>(b.u8());
  t.order_id = b.varint();
  t.taker_order_id = b.varint();
  const std::uint64_t maker = b.varint();
  const std::uint64_t taker = b.varint();
  t.price = b.zigzag();
  t.quantity = b.zigzag();
  t.leaves = b.zigzag();
  t.taker_leaves = b.zigzag();
  t.base_price = b.zigzag();
  t.reference_data = b.u32();
  if (instrument > UINT32_MAX || maker > UINT32_MAX || taker > UINT32_MAX) return false;
  t.instrument = static_cast<matcher::InstrumentId>(instrument);
  t.participant = static_cast<matcher::ParticipantId>(maker);
  t.taker_participant = static_cast<matcher::ParticipantId>(taker);
  return !b.failed() && b.remaining() == 0;
}

// Every field of Event, in declaration order (tests/persistence/codec_test.cpp notices a new one).
void encode_event(const matcher::Event& e, ByteWriter& w) {
  w.u8(static_cast<std::uint8_t>(e.type));
  w.u8(static_cast<std::uint8_t>(e.side));
  w.u8(static_cast<std::uint8_t>(e.cancel_reason));
  w.u8(static_cast<std::uint8_t>(e.expiry_reason));
  w.u8(static_cast<std::uint8_t>((e.priority_kept ? 1 : 0) | (e.halted ? 2 : 0) | (e.has_bid ? 4 : 0) |
                                 (e.has_ask ? 8 : 0)));
  w.u16(static_cast<std::uint16_t>(e.reject));
  w.u32(e.order_count);
  w.u32(e.instrument);
  w.u64(e.seq);
  w.u64(e.timestamp);
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
  w.i64(e.ask);
  w.u32(e.reference_data);
  w.u16(e.commodity);
  w.u16(e.attribute);
}

}  // namespace rex::persistence
