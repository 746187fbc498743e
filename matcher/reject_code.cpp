#include "matcher/reject_code.hpp"

#include <array>

namespace rex::matcher {
namespace {

struct RejectDescription {
  std::string_view name;
  std::string_view text;
};

constexpr std::array<RejectDescription, kRejectCodeCount> kDescriptions{{
    {"NONE", "accepted"},
    {"UNKNOWN_INSTRUMENT", "no instrument with that id"},
    {"INVALID_ENUM_VALUE", "side, order type, time in force or self-trade mode is out of range"},
    {"QUANTITY_NOT_POSITIVE", "quantity must be greater than zero"},
    {"QUANTITY_BELOW_LOT_MINIMUM", "quantity is below the instrument's lot minimum"},
    {"QUANTITY_NOT_LOT_INCREMENT", "quantity is not a multiple of the instrument's lot increment"},
    {"PRICE_OFF_TICK", "price is not a multiple of the instrument's tick size"},
    {"PRICE_OUTSIDE_BAND", "price is outside the instrument's price band"},
    {"MARKET_ORDER_NOT_IMMEDIATE", "a market order must be IOC or FOK"},
    {"MARKET_ORDER_WITH_PRICE", "a market order must not carry a price"},
    {"POST_ONLY_NOT_RESTING", "post-only cannot be IOC, FOK or market"},
    {"POST_ONLY_WOULD_CROSS", "post-only order would trade on entry"},
    {"DISPLAY_QUANTITY_INVALID",
     "display quantity must be below the quantity, at least the lot minimum and a multiple of the lot increment"},
    {"ICEBERG_ALL_OR_NONE", "an iceberg cannot be all-or-none"},
    {"MIN_QUANTITY_INVALID", "minimum quantity must not exceed the quantity and must be a multiple of the lot increment"},
    {"MIN_QUANTITY_CONFLICT", "minimum quantity cannot be combined with all-or-none, FOK or post-only"},
    {"DECREMENT_NOT_ALLOWED", "self-trade decrement cannot be combined with FOK or a minimum quantity"},
    {"EXPIRY_MISSING", "a GTD order needs an expiry time"},
    {"EXPIRY_IN_PAST", "expiry time is not after the order's time"},
    {"EXPIRY_WITHOUT_GTD", "only GTD orders carry an expiry time"},
    {"UNKNOWN_ORDER", "no live order with that id"},
    {"NOT_ORDER_OWNER", "the order belongs to another participant"},
    {"AMEND_NO_CHANGE", "the amendment changes neither price nor quantity"},
    {"SEQUENCE_NOT_INCREASING", "sequence number is not above the previous one"},
    {"TIMESTAMP_DECREASING", "timestamp is earlier than the previous command's"},
    {"INVALID_MASS_CANCEL_SCOPE", "mass cancel needs a participant, an instrument or both"},
    {"INVALID_COMMAND_TYPE", "unknown command type"},
    {"QUANTITY_TOO_LARGE", "quantity is above the engine's maximum of 1,000,000,000,000 kg"},
    {"INSTRUMENT_HALTED", "trading in this instrument is halted"},
    {"UNKNOWN_COMMODITY", "no instrument belongs to that commodity"},
    {"INVALID_HALT_SCOPE", "halt or resume names an instrument or a commodity, not both"},
    {"QUALITY_TERMS_INVALID",
     "quality terms must name at most 8 attributes in ascending order, each once, with min <= max; a sell's assay gives single values"},
    {"ASSAY_OUT_OF_SPEC", "an assay value is outside its grade's limit"},
    {"ACCEPTANCE_INVALID", "accepted grades and hubs are for buy orders and must cover at least one instrument"},
    {"QUALITY_NOT_AMENDABLE",
     "a lot's assay cannot be amended, a plain order cannot be given quality terms, nor a quality bid amended into a plain order"},
    {"REFERENCE_DATA_INCOMPATIBLE",
     "the new reference data changes an instrument's trading rules or leaves a resting quality bid outside its band"},
}};

const RejectDescription& describe(RejectCode code) {
  const auto index = static_cast<std::size_t>(code);
  static constexpr RejectDescription kUnknown{"UNKNOWN_REJECT_CODE", "reject code not known to this engine version"};
  return index < kDescriptions.size() ? kDescriptions[index] : kUnknown;
}

}  // namespace

std::string_view reject_name(RejectCode code) { return describe(code).name; }
std::string_view reject_text(RejectCode code) { return describe(code).text; }

}  // namespace rex::matcher
