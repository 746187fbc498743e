// A live order: an intrusive node of its price level's queue, owned by the OrderPool. Exactly one
// cache line: a cancel deep in a long queue touches this line and its neighbours', nothing more.
// The price is the level's (PriceLadder::price_of(level)); a GTD expiry lives in the engine's
// expiry queue.
#pragma once

#include "matcher/types.hpp"

namespace rex::matcher {

struct alignas(64) Order {
  Order* prev = nullptr;  // level queue, towards the head (older)
  Order* next = nullptr;  // level queue, towards the tail (newer); the pool's free list when free
  OrderId id = 0;
  Quantity open = 0;      // still to trade, hidden iceberg quantity included
  Quantity visible = 0;   // shown in the book: min(display, open) for icebergs, else open
  Quantity display = 0;   // iceberg slice size, 0 when not an iceberg
  ParticipantId participant = 0;
  InstrumentId instrument = 0;
  // Price slot in the book's ladders (both sides share floor and tick): where it rests, and as an
  // incoming order its limit; a market order's limit is the band edge.
  std::int32_t level = 0;
  Side side = Side::kBuy;
  TimeInForce time_in_force = TimeInForce::kGoodTillCancel;
  SelfTradePrevention self_trade = SelfTradePrevention::kNone;
  bool market : 1 = false;
  bool all_or_none : 1 = false;
  bool post_only : 1 = false;
  bool indexed : 1 = false;  // in the OrderIndex (true once it has rested)
};

static_assert(sizeof(Order) == 64, "an order is one cache line");

}  // namespace rex::matcher
