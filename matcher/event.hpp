// What the engine emits. One flat struct for every kind keeps the event stream easy to journal,
// compare and print; fields a kind does not use stay zero.
#pragma once

#include "matcher/reject_code.hpp"
#include "matcher/types.hpp"

namespace rex::matcher {

// Every event carries seq and timestamp of the command that caused it. Besides those, each kind
// sets exactly the fields listed; every other field stays at its default (zero / first enumerator).
enum class EventType : std::uint8_t {
  kAccepted = 0,   // instrument, participant, order_id, side, price (0 for market), quantity (ordered)
  kRejected = 1,   // reject, participant (the command's), order_id (target of cancel/amend, else 0),
                   // attribute (for ASSAY_OUT_OF_SPEC: the first attribute outside the grade)
  kTrade = 2,      // instrument (the lot's), side (the taker's), trade_id, order_id (maker),
                   // taker_order_id, participant (maker), taker_participant, price (the maker's,
                   // in the lot's instrument), base_price (price - differential), reference_data,
                   // quantity, leaves (maker open after), taker_leaves (taker open after)
  kAmended = 3,    // instrument, participant, order_id, side, price (new), quantity (new open),
                   // priority_kept
  kCancelled = 4,  // instrument, participant, order_id, side, price (the order's, 0 for market),
                   // cancel_reason, quantity (cancelled now), leaves (still open after)
  kExpired = 5,    // instrument, participant, order_id, side, price, expiry_reason, quantity (open)
  kBookLevel = 6,  // instrument, side, price, quantity (visible at the level), order_count;
                   // 0 and 0 mean the level is gone
  kTradingStatus = 7,  // instrument, halted: one per instrument whose status the command changed
  kCommodityTop = 8,   // commodity, has_bid and price (best base-equivalent bid), has_ask and ask
                       // (best offer): after a command that changed either price
  kReferenceData = 9,  // reference_data: a kReferenceData command was applied; trades from here on
                       // carry this id
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
  bool halted = false;
  RejectCode reject = RejectCode::kNone;
  bool has_bid = false;  // commodity top
  bool has_ask = false;
  std::uint32_t order_count = 0;
  InstrumentId instrument = 0;
  SequenceNumber seq = 0;     // the command that caused this event
  Timestamp timestamp = 0;    // that command's timestamp
  ParticipantId participant = 0;        // order owner; for trades the maker's
  ParticipantId taker_participant = 0;
  OrderId order_id = 0;                 // for trades the maker (resting) order
  OrderId taker_order_id = 0;
  TradeId trade_id = 0;
  Price price = 0;            // commodity top: the best base-equivalent bid
  Quantity quantity = 0;
  Quantity leaves = 0;        // trade: maker's open quantity after; cancel: open quantity after
  Quantity taker_leaves = 0;  // trade: taker's open quantity after
  Price base_price = 0;       // trade: price on the commodity's base grade at its base hub
  Price ask = 0;              // commodity top: the best base-equivalent offer
  // trade: the reference data (differentials) that priced it: the first 32 bits of the catalogue's
  // SHA-256, as given to the engine
  std::uint32_t reference_data = 0;
  std::uint16_t commodity = 0;  // commodity top
  AttributeId attribute = 0;    // assay reject

  bool operator==(const Event&) const = default;
};

static_assert(sizeof(Event) <= 128, "two cache lines: cheap to zero and to copy");

}  // namespace rex::matcher
