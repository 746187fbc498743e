// What the engine emits. One flat struct for every kind keeps the event stream easy to journal,
// compare and print; fields a kind does not use stay zero.
#pragma once

#include "matcher/reject_code.hpp"
#include "matcher/types.hpp"

namespace rex::matcher {

enum class EventType : std::uint8_t {
  kAccepted = 0,   // order_id, participant, instrument, side, price, quantity
  kRejected = 1,   // seq identifies the command; reject; order_id = target of cancel/amend (else 0)
  kTrade = 2,      // trade_id, order_id = maker, taker_order_id, participants, price, quantity, leaves
  kAmended = 3,    // order_id, price, quantity = new open quantity, priority_kept
  kCancelled = 4,  // order_id, cancel_reason, quantity = cancelled now, leaves = still open after
  kExpired = 5,    // order_id, expiry_reason, quantity = expired open quantity
  kBookLevel = 6,  // instrument, side, price, quantity = visible at the level, order_count; 0/0 = level gone
};

enum class CancelReason : std::uint8_t {
  kRequested = 0,
  kMassCancel = 1,
  kImmediateRemainder = 2,  // IOC or market remainder that could not trade
  kFillOrKill = 3,
  kMinQuantityNotMet = 4,
  kSelfTradePrevention = 5,
};

enum class ExpiryReason : std::uint8_t { kGoodTillDate = 0, kEndOfDay = 1 };

struct Event {
  EventType type = EventType::kAccepted;
  Side side = Side::kBuy;
  CancelReason cancel_reason = CancelReason::kRequested;
  ExpiryReason expiry_reason = ExpiryReason::kGoodTillDate;
  bool priority_kept = false;
  RejectCode reject = RejectCode::kNone;
  std::uint32_t order_count = 0;
  SequenceNumber seq = 0;     // the command that caused this event
  Timestamp timestamp = 0;    // that command's timestamp
  InstrumentId instrument = 0;
  ParticipantId participant = 0;        // order owner; for trades the maker's
  ParticipantId taker_participant = 0;
  OrderId order_id = 0;                 // for trades the maker (resting) order
  OrderId taker_order_id = 0;
  TradeId trade_id = 0;
  Price price = 0;
  Quantity quantity = 0;
  Quantity leaves = 0;        // trade: maker's open quantity after; cancel: open quantity after
  Quantity taker_leaves = 0;  // trade: taker's open quantity after

  bool operator==(const Event&) const = default;
};

}  // namespace rex::matcher
