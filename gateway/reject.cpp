#include "gateway/reject.hpp"

#include "matcher/reject_code.hpp"

namespace rex::gateway {

namespace {

struct Entry {
  std::string_view name;
  std::string_view text;
};

constexpr Entry kEntries[] = {
    {"MALFORMED_JSON", "the message is not a JSON object"},
    {"FRAME_TOO_LARGE", "the message is larger than the server accepts"},
    {"UNKNOWN_OP", "no operation with that name"},
    {"MISSING_FIELD", "a required field is missing"},
    {"WRONG_TYPE", "a field has the wrong JSON type"},
    {"BAD_VALUE", "a field's value is not valid"},
    {"UNKNOWN_FIELD", "the operation does not take this field"},
    {"DUPLICATE_FIELD", "a field is given twice"},
    {"NOT_LOGGED_IN", "log in first"},
    {"ALREADY_LOGGED_IN", "this session is already logged in"},
    {"AUTHENTICATION_FAILED", "unknown API key"},
    {"ROLE_NOT_PERMITTED", "the participant's roles do not allow this operation"},
    {"COMMODITY_NOT_PERMITTED", "the participant may not trade this commodity"},
    {"SIDE_NOT_PERMITTED", "the participant may not trade this side of this commodity"},
    {"ORDER_QUANTITY_LIMIT", "quantity is above the participant's maximum order quantity"},
    {"OPEN_BUY_VALUE_LIMIT", "the order would take open buy value above the participant's limit"},
    {"PRICE_COLLAR", "price is too far from the instrument's last trade"},
    {"DUPLICATE_CL_ORD_ID", "this client order id is already in use"},
    {"UNKNOWN_CL_ORD_ID", "no order with that client order id"},
    {"RATE_LIMITED", "too many messages: slow down"},
    {"BUSY", "the exchange is busy: nothing was done, try again"},
    {"EXCHANGE_STOPPED", "the exchange is shutting down"},
    {"JOURNAL_FULL", "the journal cannot take more commands"},
    {"NOT_SUPPORTED", "this exchange cannot do that operation (the detail says why)"},
    {"UNKNOWN_PARTICIPANT", "no participant with that code"},
    {"NOT_FOUND", "no order with that id is known to this gateway"},
    {"REFERENCE_DATA_REFUSED", "the catalogue cannot replace the one in force"},
};
static_assert(std::size(kEntries) == kLastGatewayReject - kFirstGatewayReject + 1);

const Entry* entry(std::uint16_t code) {
  if (code < kFirstGatewayReject || code > kLastGatewayReject) return nullptr;
  return &kEntries[code - kFirstGatewayReject];
}

}  // namespace

std::string_view gateway_reject_name(GatewayReject code) {
  const Entry* e = entry(static_cast<std::uint16_t>(code));
  return e ? e->name : "UNKNOWN";
}

std::string_view gateway_reject_text(GatewayReject code) {
  const Entry* e = entry(static_cast<std::uint16_t>(code));
  return e ? e->text : "unknown reject code";
}

std::string_view reject_name(std::uint16_t code) {
  if (code < kFirstGatewayReject) return matcher::reject_name(static_cast<matcher::RejectCode>(code));
  return gateway_reject_name(static_cast<GatewayReject>(code));
}

std::string_view reject_text(std::uint16_t code) {
  if (code < kFirstGatewayReject) return matcher::reject_text(static_cast<matcher::RejectCode>(code));
  return gateway_reject_text(static_cast<GatewayReject>(code));
}

}  // namespace rex::gateway
