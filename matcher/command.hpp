// What the sequencer hands the engine: a request already stamped with its sequence number and time.
#pragma once

#include "matcher/types.hpp"

namespace rex::matcher {

enum class CommandType : std::uint8_t {
  kNewOrder = 0,
  kCancel = 1,
  kAmend = 2,
  kMassCancel = 3,  // scope: participant and/or instrument, kAny* for "all"
  kEndOfDay = 4,    // the trading session ends: every DAY order expires
  kClock = 5,       // carries only a timestamp: expires GTD orders due by then
  kHalt = 6,        // operator: stop trading in an instrument, a commodity, or everything
  kResume = 7,      // operator: resume trading in that scope
};

struct Command {
  CommandType type = CommandType::kNewOrder;
  Side side = Side::kBuy;
  OrderType order_type = OrderType::kLimit;
  TimeInForce time_in_force = TimeInForce::kGoodTillCancel;
  SelfTradePrevention self_trade = SelfTradePrevention::kNone;
  bool post_only = false;
  bool all_or_none = false;
  SequenceNumber seq = 0;   // strictly increasing; also the id of the order a kNewOrder creates
  Timestamp timestamp = 0;  // never decreasing
  ParticipantId participant = 0;  // who sent it; for kMassCancel, whose orders (or kAnyParticipant)
  InstrumentId instrument = 0;    // for kMassCancel, which book (or kAnyInstrument)
  OrderId order_id = 0;     // target of kCancel and kAmend
  Price price = 0;          // limit price; for kAmend 0 keeps the current price
  Quantity quantity = 0;    // order quantity; for kAmend the new open quantity, 0 keeps it
  Quantity display_quantity = 0;  // iceberg slice size; 0 shows everything
  Quantity min_quantity = 0;      // must trade at least this much on entry; 0 for none
  Timestamp expiry = 0;     // GTD only: expires when a command stamped at or after it arrives
  std::uint32_t commodity = kAnyCommodity;  // scope of kHalt and kResume, with `instrument`

  bool operator==(const Command&) const = default;
};

}  // namespace rex::matcher
