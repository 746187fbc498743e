// Enumerations shared by commands and events. Their numeric values are part of the journal and the
// wire protocols: append, never renumber.
#pragma once

#include <cstdint>

#include "reference-data/types.hpp"

namespace rex::matcher {

using refdata::InstrumentId;
using refdata::ParticipantId;
using refdata::Price;
using refdata::Quantity;
using refdata::Timestamp;
using refdata::kAnyInstrument;
using refdata::kAnyParticipant;
using refdata::kAnyCommodity;
using refdata::AttributeId;
using refdata::AttributeRange;

using SequenceNumber = std::uint64_t;
using OrderId = std::uint64_t;  // the sequence number of the command that created the order
using TradeId = std::uint64_t;  // 1, 2, 3 ... in execution order

enum class Side : std::uint8_t { kBuy = 0, kSell = 1 };
enum class OrderType : std::uint8_t { kLimit = 0, kMarket = 1 };
enum class TimeInForce : std::uint8_t { kDay = 0, kGoodTillCancel = 1, kGoodTillDate = 2, kImmediateOrCancel = 3, kFillOrKill = 4 };
// What happens when an incoming order would trade with a resting order of the same participant.
enum class SelfTradePrevention : std::uint8_t { kNone = 0, kCancelResting = 1, kCancelIncoming = 2, kCancelBoth = 3, kDecrement = 4 };

constexpr Side opposite(Side s) { return s == Side::kBuy ? Side::kSell : Side::kBuy; }

}  // namespace rex::matcher
