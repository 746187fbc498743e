// A live order: an intrusive node of its price level's queue, owned by the OrderPool. Exactly one
// cache line: a cancel deep in a long queue touches this line and its neighbours', nothing more.
// The price is the level's (PriceLadder::price_of(level)); a GTD expiry lives in the engine's
// expiry queue; an assay or a buyer's quality terms live in the QualityOrder around it.
#pragma once

#include "matcher/command.hpp"

namespace rex::matcher {

struct alignas(64) Order {
  Order* prev = nullptr;  // level queue, towards the head (older)
  Order* next = nullptr;  // level queue, towards the tail (newer); the pool's free list when free
  OrderId id = 0;
  Quantity open = 0;      // still to trade, hidden iceberg quantity included
  Quantity visible = 0;   // shown in the book: min(display, open) for icebergs, else open
  Quantity display = 0;   // iceberg slice size, 0 when not an iceberg
  ParticipantId participant = 0;
  std::uint16_t instrument = 0;  // the engine refuses more than kMaxInstruments
  // Price slot in its ladder: where it rests, and as an incoming order its limit (a market
  // order's limit is the band edge). Instrument books and a commodity's quality ladder have their
  // own slots; the engine refuses ladders longer than kMaxSlots.
  std::int16_t level = 0;
  // When the order took its place in its queue (entry, a priority-losing amend, an iceberg refill),
  // numbered across the whole engine: time priority across books.
  std::uint64_t priority : 48 = 0;
  std::uint64_t side_bit : 1 = 0;
  std::uint64_t tif_bits : 3 = 0;
  std::uint64_t stp_bits : 3 = 0;
  std::uint64_t market : 1 = 0;
  std::uint64_t all_or_none : 1 = 0;
  std::uint64_t post_only : 1 = 0;
  std::uint64_t indexed : 1 = 0;      // in the OrderIndex (true once it has rested)
  std::uint64_t extended : 1 = 0;     // allocated as a QualityOrder (has an assay or quality terms)
  std::uint64_t quality_bid : 1 = 0;  // rests in its commodity's quality ladder

  Side side() const { return side_bit != 0 ? Side::kSell : Side::kBuy; }
  TimeInForce time_in_force() const { return static_cast<TimeInForce>(tif_bits); }
  SelfTradePrevention self_trade() const { return static_cast<SelfTradePrevention>(stp_bits); }
  void set_side(Side s) { side_bit = s == Side::kSell ? 1u : 0u; }
  void set_time_in_force(TimeInForce t) { tif_bits = static_cast<std::uint64_t>(t) & 7u; }
  void set_self_trade(SelfTradePrevention s) { stp_bits = static_cast<std::uint64_t>(s) & 7u; }
};

static_assert(sizeof(Order) == 64, "an order is one cache line");

inline constexpr std::size_t kMaxInstruments = 65'535;
inline constexpr std::int32_t kMaxSlots = 32'767;
inline constexpr SequenceNumber kMaxSequence = (SequenceNumber{1} << 48) - 1;

// An order with quality data: a sell's assay, or a buy's accepted grades, hubs and bounds.
// `order` comes first, so an Order* of an extended order converts back to its QualityOrder.
struct QualityOrder {
  Order order;
  std::uint64_t accepted_grades = 0;  // bids: resolved bit sets (never 0)
  std::uint64_t accepted_hubs = 0;
  QualityTerms quality;
};

// Do accepted grade and hub sets cover this instrument? (The engine refuses indices of 64 or more.)
inline bool accepts(std::uint64_t grades, std::uint64_t hubs, const refdata::InstrumentSpec& instrument) {
  return ((grades >> instrument.grade) & 1u) != 0 && ((hubs >> instrument.hub) & 1u) != 0;
}

inline QualityOrder& quality_of(Order& o) { return reinterpret_cast<QualityOrder&>(o); }
inline const QualityOrder& quality_of(const Order& o) { return reinterpret_cast<const QualityOrder&>(o); }

}  // namespace rex::matcher
