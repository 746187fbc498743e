// Why a command was refused. The numbers are the wire's reject codes (docs/reject-codes.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace rex::matcher {

enum class RejectCode : std::uint16_t {
  kNone = 0,
  kUnknownInstrument = 1,
  kInvalidEnumValue = 2,          // side, order type, time in force or STP mode out of range
  kQuantityNotPositive = 3,
  kQuantityBelowLotMinimum = 4,
  kQuantityNotLotIncrement = 5,
  kPriceOffTick = 6,
  kPriceOutsideBand = 7,
  kMarketOrderNotImmediate = 8,   // a market order must be IOC or FOK
  kMarketOrderWithPrice = 9,
  kPostOnlyNotResting = 10,       // post-only with IOC, FOK or market
  kPostOnlyWouldCross = 11,
  kDisplayQuantityInvalid = 12,   // not below quantity, below lot minimum, or off the increment
  kIcebergAllOrNone = 13,
  kMinQuantityInvalid = 14,       // above quantity or off the increment
  kMinQuantityConflict = 15,      // with all-or-none, FOK or post-only
  kDecrementNotAllowed = 16,      // STP decrement with FOK or minimum quantity
  kExpiryMissing = 17,            // GTD without an expiry
  kExpiryInPast = 18,
  kExpiryWithoutGtd = 19,
  kUnknownOrder = 20,             // no live order with that id
  kNotOrderOwner = 21,
  kAmendNoChange = 22,
  kSequenceNotIncreasing = 23,
  kTimestampDecreasing = 24,
  kInvalidMassCancelScope = 25,   // neither participant nor instrument given
  kInvalidCommandType = 26,
  kQuantityTooLarge = 27,         // above kMaxOrderQuantity
  kInstrumentHalted = 28,         // new order or amend while the instrument is halted
  kUnknownCommodity = 29,         // halt or resume naming a commodity no instrument has
  kInvalidHaltScope = 30,         // halt or resume naming both an instrument and a commodity
  kQualityTermsInvalid = 31,      // too many, unordered or repeated attributes, min > max, or a
                                  // sell term that is not a single measured value
  kAssayOutOfSpec = 32,           // an assay value outside its grade's limit (event names it)
  kAcceptanceInvalid = 33,        // accepted grades/hubs on a sell, or accepting no instrument
  kQualityNotAmendable = 34,      // amend of an assay, of quality terms on a plain order, or
                                  // leaving a quality bid with a plain order's terms
  kReferenceDataIncompatible = 35,  // new reference data that changes an instrument's trading
                                    // rules, or leaves a resting quality bid outside its band
};

inline constexpr std::uint16_t kRejectCodeCount = 36;

std::string_view reject_name(RejectCode code);  // "PRICE_OFF_TICK"
std::string_view reject_text(RejectCode code);  // "price is not a multiple of the instrument's tick size"

}  // namespace rex::matcher
