// A read-only copy of one resting order, for book dumps, tests and snapshots.
#pragma once

#include "matcher/types.hpp"

namespace rex::matcher {

struct OrderView {
  OrderId id = 0;
  ParticipantId participant = 0;
  Side side = Side::kBuy;
  TimeInForce time_in_force = TimeInForce::kGoodTillCancel;
  bool all_or_none = false;
  Price price = 0;
  Quantity open = 0;      // everything still to trade, hidden iceberg quantity included
  Quantity visible = 0;   // what the book shows
  Quantity display = 0;   // iceberg slice size, 0 when not an iceberg
  Timestamp expiry = 0;

  bool operator==(const OrderView&) const = default;
};

}  // namespace rex::matcher
