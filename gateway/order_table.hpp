// The orders the gateway knows: open ones, and the finished ones it keeps for order_status and
// client-order-id checks. Looked up by order id on every fill, cancel and status request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "gateway/core.hpp"  // SessionId
#include "gateway/record_table.hpp"
#include "matcher/types.hpp"

namespace rex::gateway {

enum class OrderStatus : std::uint8_t { kOpen, kFilled, kCancelled, kExpired };

struct OrderRecord {
  matcher::OrderId id = 0;
  matcher::ParticipantId participant = 0;
  matcher::InstrumentId instrument = 0;
  matcher::Side side = matcher::Side::kBuy;
  matcher::OrderType type = matcher::OrderType::kLimit;
  matcher::TimeInForce tif = matcher::TimeInForce::kGoodTillCancel;
  matcher::Price price = 0;
  matcher::Price value_price = 0;  // what a buy's open value is counted at: its limit, or the band ceiling
  matcher::Quantity quantity = 0;
  matcher::Quantity open = 0;
  matcher::Quantity filled = 0;
  std::int64_t value = 0;  // counted in the participant's open buy value now
  SessionId session = 0;   // 0: entered elsewhere or before a restart
  std::string cl_ord_id;
  OrderStatus status = OrderStatus::kOpen;
};

// Sized at start for the orders it is expected to hold (record_table.hpp: no allocation per order,
// records that never move).
class OrderTable {
 public:
  explicit OrderTable(std::size_t expected) : records_(expected) {}

  OrderRecord* find(matcher::OrderId id) { return records_.find(mix_hash(id), Is{id}); }

  // Stores `rec` under its id, replacing the record of that id if there is one.
  OrderRecord& put(OrderRecord&& rec) {
    OrderRecord* existing = find(rec.id);
    OrderRecord& slot = existing != nullptr ? *existing : records_.insert(mix_hash(rec.id));
    slot = std::move(rec);
    return slot;
  }

  void erase(const OrderRecord& rec) { records_.erase(mix_hash(rec.id), &rec); }

  std::size_t size() const { return records_.size(); }

 private:
  struct Is {
    matcher::OrderId id;
    bool operator()(const OrderRecord& r) const { return r.id == id; }
  };
  RecordTable<OrderRecord> records_;
};

}  // namespace rex::gateway
