#include "tests/reference_book/printer.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <string_view>

namespace rex::testing {

using namespace matcher;

namespace {

// An enum's name, or its number when out of range (the generator sends invalid values on purpose).
template <std::size_t N, typename E>
std::string name_of(const std::array<std::string_view, N>& names, E value) {
  const auto index = static_cast<std::size_t>(value);
  if (index < N) return std::string(names[index]);
  std::string unknown(1, '?');  // built in two steps: "?" + to_string trips a GCC 12 -Wrestrict false positive
  unknown.append(std::to_string(index));
  return unknown;
}

constexpr std::array<std::string_view, 9> kCommandTypes{"NEW", "CANCEL", "AMEND", "MASS_CANCEL", "END_OF_DAY", "CLOCK", "HALT", "RESUME", "REFERENCE_DATA"};
constexpr std::array<std::string_view, 2> kSides{"BUY", "SELL"};
constexpr std::array<std::string_view, 2> kOrderTypes{"LIMIT", "MARKET"};
constexpr std::array<std::string_view, 5> kTifs{"DAY", "GTC", "GTD", "IOC", "FOK"};
constexpr std::array<std::string_view, 5> kStps{"NONE", "CANCEL_RESTING", "CANCEL_INCOMING", "CANCEL_BOTH", "DECREMENT"};
constexpr std::array<std::string_view, 10> kEventTypes{"ACCEPTED", "REJECTED", "TRADE", "AMENDED", "CANCELLED", "EXPIRED", "BOOK_LEVEL", "TRADING_STATUS", "COMMODITY_TOP", "REFERENCE_DATA"};
constexpr std::array<std::string_view, 6> kCancelReasons{"REQUESTED", "MASS_CANCEL", "IMMEDIATE_REMAINDER", "FILL_OR_KILL", "MIN_QUANTITY_NOT_MET", "SELF_TRADE_PREVENTION"};
constexpr std::array<std::string_view, 2> kExpiryReasons{"GOOD_TILL_DATE", "END_OF_DAY"};
constexpr std::array<std::string_view, 36> kRejects{
    "NONE", "UNKNOWN_INSTRUMENT", "INVALID_ENUM_VALUE", "QUANTITY_NOT_POSITIVE", "QUANTITY_BELOW_LOT_MINIMUM",
    "QUANTITY_NOT_LOT_INCREMENT", "PRICE_OFF_TICK", "PRICE_OUTSIDE_BAND", "MARKET_ORDER_NOT_IMMEDIATE",
    "MARKET_ORDER_WITH_PRICE", "POST_ONLY_NOT_RESTING", "POST_ONLY_WOULD_CROSS", "DISPLAY_QUANTITY_INVALID",
    "ICEBERG_ALL_OR_NONE", "MIN_QUANTITY_INVALID", "MIN_QUANTITY_CONFLICT", "DECREMENT_NOT_ALLOWED",
    "EXPIRY_MISSING", "EXPIRY_IN_PAST", "EXPIRY_WITHOUT_GTD", "UNKNOWN_ORDER", "NOT_ORDER_OWNER",
    "AMEND_NO_CHANGE", "SEQUENCE_NOT_INCREASING", "TIMESTAMP_DECREASING", "INVALID_MASS_CANCEL_SCOPE",
    "INVALID_COMMAND_TYPE", "QUANTITY_TOO_LARGE", "INSTRUMENT_HALTED", "UNKNOWN_COMMODITY", "INVALID_HALT_SCOPE",
    "QUALITY_TERMS_INVALID", "ASSAY_OUT_OF_SPEC", "ACCEPTANCE_INVALID", "QUALITY_NOT_AMENDABLE",
    "REFERENCE_DATA_INCOMPATIBLE"};

std::string id_or_any(std::uint32_t value) {
  return value == UINT32_MAX ? std::string("ANY") : std::to_string(value);
}

std::string limit_text(std::int64_t v, std::int64_t open_end) {
  return v == open_end ? std::string("*") : std::to_string(v);
}

// Accepted sets and quality terms, when any are set: " grades=0x3 hubs=0x1 q=[0:*..300,1:60..60]".
std::string quality_text(const Command& c) {
  std::ostringstream s;
  if (c.accepted_grades != 0) s << " grades=0x" << std::hex << c.accepted_grades << std::dec;
  if (c.accepted_hubs != 0) s << " hubs=0x" << std::hex << c.accepted_hubs << std::dec;
  if (c.quality->count != 0) {
    s << " q=[";
    const std::size_t shown = std::min<std::size_t>(c.quality->count, c.quality->terms.size());
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& t = c.quality->terms[i];
      s << (i ? "," : "") << t.attribute << ':' << limit_text(t.min, refdata::kNoLowerLimit) << ".."
        << limit_text(t.max, refdata::kNoUpperLimit);
    }
    if (shown < c.quality->count) s << ",... count=" << int{c.quality->count};
    s << ']';
  }
  return s.str();
}

}  // namespace

std::string to_string(const Command& c) {
  std::ostringstream s;
  s << "seq=" << c.seq << " ts=" << c.timestamp << ' ' << name_of(kCommandTypes, c.type);
  switch (c.type) {
    case CommandType::kNewOrder:
      s << " p=" << c.participant << " instr=" << c.instrument << ' ' << name_of(kSides, c.side) << ' '
        << name_of(kOrderTypes, c.order_type) << ' ' << name_of(kTifs, c.time_in_force) << " px=" << c.price
        << " qty=" << c.quantity;
      if (c.display_quantity != 0) s << " display=" << c.display_quantity;
      if (c.min_quantity != 0) s << " min=" << c.min_quantity;
      if (c.expiry != 0) s << " expiry=" << c.expiry;
      if (c.post_only) s << " POST_ONLY";
      if (c.all_or_none) s << " AON";
      if (c.self_trade != SelfTradePrevention::kNone) s << " stp=" << name_of(kStps, c.self_trade);
      s << quality_text(c);
      break;
    case CommandType::kCancel:
      s << " p=" << c.participant << " instr=" << c.instrument << " order=" << c.order_id;
      break;
    case CommandType::kAmend:
      s << " p=" << c.participant << " instr=" << c.instrument << " order=" << c.order_id << " px=" << c.price
        << " qty=" << c.quantity;
      if (c.replace_quality) s << " REPLACE_QUALITY" << quality_text(c);
      break;
    case CommandType::kMassCancel:
      s << " p=" << id_or_any(c.participant) << " instr=" << id_or_any(c.instrument);
      break;
    case CommandType::kHalt:
    case CommandType::kResume:
      s << " instr=" << id_or_any(c.instrument) << " commodity=" << id_or_any(c.commodity);
      break;
    default:
      break;
  }
  return s.str();
}

std::string to_string(const Event& e) {
  std::ostringstream s;
  s << name_of(kEventTypes, e.type) << " seq=" << e.seq << " ts=" << e.timestamp;
  switch (e.type) {
    case EventType::kAccepted:
      s << " order=" << e.order_id << " p=" << e.participant << " instr=" << e.instrument << ' '
        << name_of(kSides, e.side) << " px=" << e.price << " qty=" << e.quantity;
      break;
    case EventType::kRejected:
      s << ' ' << name_of(kRejects, e.reject) << " p=" << e.participant << " order=" << e.order_id;
      break;
    case EventType::kTrade:
      s << " #" << e.trade_id << " instr=" << e.instrument << " taker=" << e.taker_order_id << "(p"
        << e.taker_participant << ' ' << name_of(kSides, e.side) << ") maker=" << e.order_id << "(p"
        << e.participant << ") px=" << e.price << " qty=" << e.quantity << " leaves=" << e.leaves
        << " taker_leaves=" << e.taker_leaves;
      break;
    case EventType::kAmended:
      s << " order=" << e.order_id << " p=" << e.participant << " instr=" << e.instrument << ' '
        << name_of(kSides, e.side) << " px=" << e.price << " qty=" << e.quantity
        << (e.priority_kept ? " priority_kept" : " priority_lost");
      break;
    case EventType::kCancelled:
      s << ' ' << name_of(kCancelReasons, e.cancel_reason) << " order=" << e.order_id << " p=" << e.participant
        << " instr=" << e.instrument << ' ' << name_of(kSides, e.side) << " px=" << e.price
        << " qty=" << e.quantity << " leaves=" << e.leaves;
      break;
    case EventType::kExpired:
      s << ' ' << name_of(kExpiryReasons, e.expiry_reason) << " order=" << e.order_id << " p=" << e.participant
        << " instr=" << e.instrument << ' ' << name_of(kSides, e.side) << " px=" << e.price
        << " qty=" << e.quantity;
      break;
    case EventType::kBookLevel:
      s << " instr=" << e.instrument << ' ' << name_of(kSides, e.side) << " px=" << e.price
        << " qty=" << e.quantity << " count=" << e.order_count;
      break;
    case EventType::kTradingStatus:
      s << " instr=" << e.instrument << (e.halted ? " HALTED" : " TRADING");
      break;
    case EventType::kCommodityTop:
      s << " commodity=" << e.commodity << " bid=" << (e.has_bid ? std::to_string(e.price) : "none")
        << " ask=" << (e.has_ask ? std::to_string(e.ask) : "none");
      break;
    case EventType::kReferenceData:
      break;  // reference_data is printed below
  }
  if (e.type == EventType::kTrade || e.type == EventType::kReferenceData) s << " base_px=" << e.base_price << " refdata=" << e.reference_data;
  if (e.type == EventType::kRejected && e.attribute != 0) s << " attribute=" << e.attribute;
  if (e.type != EventType::kTrade && e.type != EventType::kReferenceData && (e.base_price != 0 || e.reference_data != 0)) {
    s << " [base_px=" << e.base_price << " refdata=" << e.reference_data << ']';
  }
  if (e.type != EventType::kCommodityTop && (e.commodity != 0 || e.ask != 0 || e.has_bid || e.has_ask)) {
    s << " [commodity=" << e.commodity << " has_bid=" << e.has_bid << " has_ask=" << e.has_ask << " ask=" << e.ask
      << ']';
  }
  if (e.type == EventType::kCommodityTop && e.quantity != 0) s << " [qty=" << e.quantity << ']';
  if (e.type != EventType::kRejected && e.attribute != 0) s << " [attribute=" << e.attribute << ']';
  if (e.type != EventType::kTradingStatus && e.halted) s << " [halted]";
  // Fields a kind should leave zero are easy to miss in the line above: show any that are set.
  const bool is_trade = e.type == EventType::kTrade;
  if (!is_trade && e.taker_participant != 0) s << " [taker_participant=" << e.taker_participant << ']';
  if (!is_trade && e.taker_order_id != 0) s << " [taker_order_id=" << e.taker_order_id << ']';
  if (!is_trade && e.trade_id != 0) s << " [trade_id=" << e.trade_id << ']';
  if (!is_trade && !(e.type == EventType::kCancelled) && e.leaves != 0) s << " [leaves=" << e.leaves << ']';
  if (!is_trade && e.taker_leaves != 0) s << " [taker_leaves=" << e.taker_leaves << ']';
  if (e.type != EventType::kRejected && e.reject != RejectCode::kNone) s << " [reject=" << name_of(kRejects, e.reject) << ']';
  if (e.type != EventType::kBookLevel && e.order_count != 0) s << " [order_count=" << e.order_count << ']';
  if (e.type != EventType::kAmended && e.priority_kept) s << " [priority_kept]";
  if (e.type != EventType::kCancelled && e.cancel_reason != CancelReason::kRequested) {
    s << " [cancel_reason=" << name_of(kCancelReasons, e.cancel_reason) << ']';
  }
  if (e.type != EventType::kExpired && e.expiry_reason != ExpiryReason::kGoodTillDate) {
    s << " [expiry_reason=" << name_of(kExpiryReasons, e.expiry_reason) << ']';
  }
  if (e.type == EventType::kRejected &&
      (e.instrument != 0 || e.side != Side::kBuy || e.price != 0 || e.quantity != 0)) {
    s << " [instr=" << e.instrument << " side=" << name_of(kSides, e.side) << " px=" << e.price
      << " qty=" << e.quantity << ']';
  }
  return s.str();
}

std::string to_string(const OrderView& o) {
  std::ostringstream s;
  s << "order=" << o.id << " p=" << o.participant << ' ' << name_of(kSides, o.side) << ' '
    << name_of(kTifs, o.time_in_force) << " px=" << o.price << " open=" << o.open << " visible=" << o.visible;
  if (o.display != 0) s << " display=" << o.display;
  if (o.expiry != 0) s << " expiry=" << o.expiry;
  if (o.all_or_none) s << " AON";
  return s.str();
}

std::string to_string(const std::vector<Event>& events) {
  std::string text;
  for (std::size_t i = 0; i < events.size(); ++i) text += "  [" + std::to_string(i) + "] " + to_string(events[i]) + '\n';
  if (events.empty()) text = "  (none)\n";
  return text;
}

std::string to_string(const std::vector<OrderView>& orders) {
  std::string text;
  for (std::size_t i = 0; i < orders.size(); ++i) text += "  [" + std::to_string(i) + "] " + to_string(orders[i]) + '\n';
  if (orders.empty()) text = "  (none)\n";
  return text;
}

}  // namespace rex::testing
