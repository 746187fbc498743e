// A live order: an intrusive node of its price level's queue, owned by the OrderPool.
#pragma once

#include "matcher/types.hpp"

namespace rex::matcher {

struct Order {
  Order* prev = nullptr;  // level queue, towards the head (older)
  Order* next = nullptr;  // level queue, towards the tail (newer); the pool's free list when free
  OrderId id = 0;
  Price price = 0;        // for a market order, the band edge it may trade up or down to
  Quantity open = 0;      // still to trade, hidden iceberg quantity included
  Quantity visible = 0;   // shown in the book: min(display, open) for icebergs, else open
  Quantity display = 0;   // iceberg slice size, 0 when not an iceberg
  Timestamp expiry = 0;
  ParticipantId participant = 0;
  InstrumentId instrument = 0;
  std::int32_t level = -1;  // index in its side's PriceLadder while resting
  Side side = Side::kBuy;
  OrderType order_type = OrderType::kLimit;
  TimeInForce time_in_force = TimeInForce::kGoodTillCancel;
  SelfTradePrevention self_trade = SelfTradePrevention::kNone;
  bool all_or_none = false;
  bool post_only = false;
  bool indexed = false;   // in the OrderIndex (true once it has rested)
};

}  // namespace rex::matcher
