// The WebSocket API's inbound side (docs/websocket-api.md): one JSON object per frame, parsed and
// checked into a plain Request. Nothing here touches exchange state; a parse failure is a wire
// reject code (gateway/reject.hpp) with the offending field named.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "exchange/client_order_id.hpp"
#include "matcher/command.hpp"
#include "matcher/reject_code.hpp"
#include "matcher/types.hpp"
#include "reference-data/catalogue.hpp"

namespace rex::gateway {

enum class Op : std::uint8_t {
  kLogin,
  kNewOrder,
  kCancel,
  kAmend,
  kMassCancel,
  kOrderStatus,
  kSubscribe,
  kUnsubscribe,
  kHalt,
  kResume,
  kKill,
  kReloadReferenceData,
  kPing,
  kEndOfDay,  // operator: the trading session ends now (DAY orders expire)
};
inline constexpr std::size_t kOpCount = 14;

enum class Channel : std::uint8_t { kInstruments, kTop, kDepth, kTrades, kCommodityTop };

std::string_view op_name(Op op);  // "new_order"
std::string_view channel_name(Channel channel);
std::string_view side_name(matcher::Side side);  // "buy"
std::string_view order_type_name(matcher::OrderType type);
std::string_view time_in_force_name(matcher::TimeInForce tif);
std::string_view self_trade_name(matcher::SelfTradePrevention stp);

// Client order ids: 1..kMaxClientOrderIdBytes printable ASCII characters without the space
// (exchange/client_order_id.hpp, the rule the journal's decoder shares).
inline constexpr std::size_t kMaxClientOrderIdBytes = exchange::kMaxClientOrderIdBytes;
inline constexpr std::size_t kMaxRequestIdBytes = 64;      // echoed back, so bounded
inline constexpr std::size_t kMaxApiKeyBytes = 128;        // far above any generated key

// One parsed client message. Fields an op does not take stay at their defaults.
struct Request {
  Op op = Op::kPing;
  std::string req;  // the client's "req" re-encoded as JSON, echoed on the reply; empty when absent
  std::string api_key;
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  matcher::OrderId order_id = 0;
  bool has_order_id = false;
  matcher::InstrumentId instrument = matcher::kAnyInstrument;  // kAny when absent
  std::uint32_t commodity = matcher::kAnyCommodity;
  matcher::ParticipantId participant = 0;  // kill switch target
  matcher::Side side = matcher::Side::kBuy;
  matcher::OrderType order_type = matcher::OrderType::kLimit;
  matcher::TimeInForce time_in_force = matcher::TimeInForce::kGoodTillCancel;
  matcher::SelfTradePrevention self_trade = matcher::SelfTradePrevention::kNone;
  bool post_only = false;
  bool all_or_none = false;
  matcher::Price price = 0;  // fen per tonne
  bool has_price = false;
  matcher::Quantity quantity = 0;  // kg
  bool has_quantity = false;
  matcher::Quantity display_quantity = 0;
  matcher::Quantity min_quantity = 0;
  matcher::Timestamp expiry = 0;  // ns since the epoch
  Channel channel = Channel::kInstruments;
  // Quality (docs/quality-matching.md): a sell's assay or a buy's bounds, ascending attribute;
  // a buy's accepted grades and hubs as catalogue-index bit sets (0: the instrument's own).
  matcher::QualityTerms quality;
  std::uint64_t accepted_grades = 0;
  std::uint64_t accepted_hubs = 0;
  bool has_assay = false;
  bool has_bounds = false;
  bool has_accepted_grades = false;  // each told apart: an amend keeps the terms it does not give
  bool has_accepted_hubs = false;
  bool batch = false;  // login: the client accepts frames holding a JSON array of messages
};

// Why a message was refused: a wire code (gateway/reject.hpp or, for an unknown instrument,
// commodity, the engine's) and a detail naming the field.
struct ParseError {
  std::uint16_t code = 0;
  std::string detail;
};

// Reuses its parser and buffer between messages (one per session). Not thread-safe.
class RequestParser {
 public:
  explicit RequestParser(const refdata::Catalogue& catalogue);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // True and `out` filled, or false and `error` set. `out` is reset first. When the failure comes
  // after "op" and "req" were read, out.op and out.req are set (so a reject can echo them) and
  // `op_known` says whether op is valid.
  bool parse(std::string_view text, Request& out, ParseError& error, bool& op_known);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rex::gateway
