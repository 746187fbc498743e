// The gateway's own reject codes (from 100; the engine's are below 100): what a client did wrong
// before anything reached the engine. Numbers are wire codes: append, never renumber.
#pragma once

#include <cstdint>
#include <string_view>

namespace rex::gateway {

enum class GatewayReject : std::uint16_t {
  kMalformedJson = 100,        // not JSON, or not a JSON object
  kFrameTooLarge = 101,        // a frame above the configured maximum
  kUnknownOp = 102,            // "op" names no operation
  kMissingField = 103,         // a field the operation requires is absent
  kWrongType = 104,            // a field of the wrong JSON type (a number where a string is due)
  kBadValue = 105,             // right type, wrong content: bad decimal, unknown enum name, too long
  kUnknownField = 106,         // a field the operation does not take (typos are never ignored)
  kDuplicateField = 107,       // the same key twice in one message
  kNotLoggedIn = 108,          // anything but login before a successful login
  kAlreadyLoggedIn = 109,      // a second login on one session
  kAuthenticationFailed = 110, // no participant has that API key
  kRoleNotPermitted = 111,     // the participant lacks the trader or operator role the op needs
  kCommodityNotPermitted = 112,
  kSideNotPermitted = 113,
  kOrderQuantityLimit = 114,   // above the participant's max_order_quantity_kg
  kOpenBuyValueLimit = 115,    // would lift open buy value above max_open_buy_value_fen
  kPriceCollar = 116,          // limit price too far from the instrument's last trade
  kDuplicateClientOrderId = 117,
  kUnknownClientOrderId = 118,
  kRateLimited = 119,          // more messages than the session's rate allows
  kBusy = 120,                 // the exchange's inbound queue is full: nothing was queued
  kExchangeStopped = 121,      // the exchange is shutting down
  kJournalFull = 122,          // the journal cannot take more commands
  kNotSupported = 123,         // an operation this rexd cannot do (a reload without a catalogue file or on a format 1 journal)
  kUnknownParticipant = 124,   // kill switch naming no participant
  kNotFound = 125,             // order status of an order this gateway does not know
  kReferenceDataRefused = 126, // reload_reference_data: the catalogue file does not load, or changes
                               // what may not change while trading (the text names it)
};

inline constexpr std::uint16_t kFirstGatewayReject = 100;
inline constexpr std::uint16_t kLastGatewayReject = 126;

std::string_view gateway_reject_name(GatewayReject code);  // "RATE_LIMITED"
std::string_view gateway_reject_text(GatewayReject code);

// Name and text for any wire code, engine (< 100) or gateway (>= 100).
std::string_view reject_name(std::uint16_t code);
std::string_view reject_text(std::uint16_t code);

}  // namespace rex::gateway
