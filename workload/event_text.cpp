#include "workload/event_text.hpp"

#include <array>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

namespace rex::workload {
namespace {

using matcher::CancelReason;
using matcher::Event;
using matcher::EventType;
using matcher::ExpiryReason;
using matcher::RejectCode;
using matcher::Side;

// Every field of an Event besides its type, as the text form names them.
enum Field : unsigned {
  kSeq = 1u << 0,
  kTime = 1u << 1,
  kTradeId = 1u << 2,
  kOrder = 1u << 3,
  kParticipant = 1u << 4,
  kInstrument = 1u << 5,
  kSideField = 1u << 6,
  kPrice = 1u << 7,
  kQuantity = 1u << 8,
  kTakerOrder = 1u << 9,
  kTakerParticipant = 1u << 10,
  kLeaves = 1u << 11,
  kTakerLeaves = 1u << 12,
  kCode = 1u << 13,
  kCancelReason = 1u << 14,
  kExpiryReason = 1u << 15,
  kPriority = 1u << 16,
  kCount = 1u << 17,
  kBasePrice = 1u << 18,
  kReferenceData = 1u << 19,
  kAttribute = 1u << 20,
  kHalted = 1u << 21,
  kCommodity = 1u << 22,
  kHasBid = 1u << 23,
  kHasAsk = 1u << 24,
  kAsk = 1u << 25,
};

// How a type's standard fields are written, in order. kMaker/kTaker are the "order(pN)" pairs;
// kBid/kAsk are a commodity top's "bid=<px>|none" (has_bid and price) and "ask=<px>|none".
// kBase and kReferenceData are written only when they differ from their default (see format_event).
enum class Slot : std::uint8_t {
  kTradeId, kOrder, kParticipant, kInstrument, kBareSide, kKeySide, kPrice, kQuantity, kMaker, kTaker,
  kLeaves, kTakerLeaves, kCode, kReason, kPriority, kCount, kBase, kReferenceData, kStatus, kCommodity,
  kBid, kAsk,
};

struct EventKind {
  std::string_view name;
  EventType type;
  std::vector<Slot> slots;
};

const std::array<EventKind, 10>& kinds() {
  static const std::array<EventKind, 10> table = {{
      {"ACCEPTED", EventType::kAccepted,
       {Slot::kOrder, Slot::kParticipant, Slot::kInstrument, Slot::kBareSide, Slot::kPrice, Slot::kQuantity}},
      {"REJECTED", EventType::kRejected, {Slot::kCode, Slot::kParticipant}},
      {"TRADE", EventType::kTrade,
       {Slot::kTradeId, Slot::kInstrument, Slot::kPrice, Slot::kBase, Slot::kQuantity, Slot::kMaker, Slot::kTaker,
        Slot::kKeySide, Slot::kLeaves, Slot::kTakerLeaves, Slot::kReferenceData}},
      {"AMENDED", EventType::kAmended,
       {Slot::kOrder, Slot::kParticipant, Slot::kInstrument, Slot::kBareSide, Slot::kPrice, Slot::kQuantity,
        Slot::kPriority}},
      {"CANCELLED", EventType::kCancelled,
       {Slot::kOrder, Slot::kParticipant, Slot::kInstrument, Slot::kBareSide, Slot::kPrice, Slot::kReason,
        Slot::kQuantity, Slot::kLeaves}},
      {"EXPIRED", EventType::kExpired,
       {Slot::kOrder, Slot::kParticipant, Slot::kInstrument, Slot::kBareSide, Slot::kPrice, Slot::kReason,
        Slot::kQuantity}},
      {"LEVEL", EventType::kBookLevel,
       {Slot::kInstrument, Slot::kBareSide, Slot::kPrice, Slot::kQuantity, Slot::kCount}},
      {"STATUS", EventType::kTradingStatus, {Slot::kInstrument, Slot::kStatus}},
      {"TOP", EventType::kCommodityTop, {Slot::kCommodity, Slot::kBid, Slot::kAsk}},
      {"REFERENCE_DATA", EventType::kReferenceData, {Slot::kReferenceData}},
  }};
  return table;
}

const EventKind* find_kind(EventType type) {
  for (const auto& k : kinds()) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

// Optional slots: written only when they carry something, never required when read.
bool optional_slot(Slot slot) { return slot == Slot::kBase || slot == Slot::kReferenceData; }

// The fields a slot must supply when read (kBid: has_bid; its price only when not "none").
unsigned slot_fields(Slot slot, EventType type) {
  switch (slot) {
    case Slot::kTradeId: return kTradeId;
    case Slot::kOrder: return kOrder;
    case Slot::kParticipant: return kParticipant;
    case Slot::kInstrument: return kInstrument;
    case Slot::kBareSide:
    case Slot::kKeySide: return kSideField;
    case Slot::kPrice: return kPrice;
    case Slot::kQuantity: return kQuantity;
    case Slot::kMaker: return kOrder | kParticipant;
    case Slot::kTaker: return kTakerOrder | kTakerParticipant;
    case Slot::kLeaves: return kLeaves;
    case Slot::kTakerLeaves: return kTakerLeaves;
    case Slot::kCode: return kCode;
    case Slot::kReason: return type == EventType::kExpired ? kExpiryReason : kCancelReason;
    case Slot::kPriority: return kPriority;
    case Slot::kCount: return kCount;
    case Slot::kBase: return kBasePrice;
    case Slot::kReferenceData: return kReferenceData;
    case Slot::kStatus: return kHalted;
    case Slot::kCommodity: return kCommodity;
    case Slot::kBid: return kHasBid;
    case Slot::kAsk: return kHasAsk;
  }
  return 0;
}

constexpr std::array<std::string_view, 6> kCancelReasonNames = {
    "REQUESTED", "MASS_CANCEL", "IMMEDIATE_REMAINDER", "FILL_OR_KILL", "MIN_QUANTITY_NOT_MET", "SELF_TRADE_PREVENTION"};
constexpr std::array<std::string_view, 2> kExpiryReasonNames = {"GOOD_TILL_DATE", "END_OF_DAY"};
constexpr std::array<std::string_view, 2> kSideNames = {"BUY", "SELL"};
constexpr std::string_view kNone = "none";  // an empty side of a commodity top

// A trade's base price when its line leaves it out: its price (a differential of 0).
refdata::Price implied_base_price(const Event& e) { return e.type == EventType::kTrade ? e.price : 0; }

template <typename Enum, std::size_t N>
std::string enum_text(Enum value, const std::array<std::string_view, N>& names) {
  const auto raw = static_cast<std::size_t>(value);
  return raw < N ? std::string(names[raw]) : std::to_string(raw);
}

std::string code_text(RejectCode code) {
  const auto raw = static_cast<std::uint16_t>(code);
  return raw < matcher::kRejectCodeCount ? std::string(matcher::reject_name(code)) : std::to_string(raw);
}

std::string order_ref(matcher::OrderId order, matcher::ParticipantId participant) {
  return std::to_string(order) + "(p" + std::to_string(participant) + ")";
}

class EventParser {
 public:
  EventParser(const InstrumentCodes& codes, std::size_t line) : codes_(codes), line_(line) {}

  Event parse(std::string_view text, EventStamp defaults) {
    const auto tokens = tokenize(text);
    if (tokens.empty()) {
      throw ParseError(ErrorKind::kMissingField, line_, "", "an event line starts with its type (ACCEPTED, TRADE, ...)");
    }
    event_.seq = defaults.seq;
    event_.timestamp = defaults.timestamp;
    parse_type(tokens[0]);
    for (std::size_t i = 1; i < tokens.size(); ++i) parse_token(tokens[i]);
    if (kind_) {
      for (const auto slot : kind_->slots) {
        const unsigned need = slot_fields(slot, kind_->type);
        if (!optional_slot(slot) && (seen_ & need) != need) {
          throw ParseError(ErrorKind::kMissingField, line_, std::string(tokens[0]),
                           std::string(kind_->name) + " needs " + slot_key(slot));
        }
      }
    }
    if (event_.type == EventType::kRejected && event_.reject == RejectCode::kAssayOutOfSpec && !(seen_ & kAttribute)) {
      throw ParseError(ErrorKind::kMissingField, line_, std::string(tokens[0]),
                       "an ASSAY_OUT_OF_SPEC reject names the attribute: attr=");
    }
    if (!(seen_ & kBasePrice)) event_.base_price = implied_base_price(event_);
    return event_;
  }

 private:
  static std::string slot_key(Slot slot) {
    switch (slot) {
      case Slot::kTradeId: return "id=";
      case Slot::kOrder: return "order=";
      case Slot::kParticipant: return "p=";
      case Slot::kInstrument: return "ins=";
      case Slot::kBareSide:
      case Slot::kKeySide: return "BUY or SELL";
      case Slot::kPrice: return "px=";
      case Slot::kQuantity: return "qty=";
      case Slot::kMaker: return "maker=<order>(p<participant>)";
      case Slot::kTaker: return "taker=<order>(p<participant>)";
      case Slot::kLeaves: return "leaves=";
      case Slot::kTakerLeaves: return "taker_leaves=";
      case Slot::kCode: return "code=";
      case Slot::kReason: return "reason=";
      case Slot::kPriority: return "priority=KEPT|LOST";
      case Slot::kCount: return "count=";
      case Slot::kBase: return "base=";
      case Slot::kReferenceData: return "refdata=";
      case Slot::kStatus: return "status=HALTED|TRADING";
      case Slot::kCommodity: return "commodity=";
      case Slot::kBid: return "bid=<px>|none";
      case Slot::kAsk: return "ask=<px>|none";
    }
    return "?";
  }

  void parse_type(std::string_view token) {
    for (const auto& k : kinds()) {
      if (k.name == token) {
        kind_ = &k;
        event_.type = k.type;
        return;
      }
    }
    if (token.starts_with("event=")) {
      event_.type = static_cast<EventType>(
          parse_unsigned(token.substr(6), std::numeric_limits<std::uint8_t>::max(), line_, token));
      kind_ = find_kind(event_.type);
      return;
    }
    throw ParseError(ErrorKind::kUnknownVerb, line_, std::string(token),
                     "expected ACCEPTED, REJECTED, TRADE, AMENDED, CANCELLED, EXPIRED, LEVEL, STATUS, TOP or "
                     "event=<number>");
  }

  void claim(unsigned fields, std::string_view token) {
    if (seen_ & fields) {
      throw ParseError(ErrorKind::kDuplicateKey, line_, std::string(token), "a field is given twice");
    }
    seen_ |= fields;
  }

  template <typename Enum, std::size_t N>
  Enum parse_enum(std::string_view text, const std::array<std::string_view, N>& names, std::string_view token) {
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == text) return static_cast<Enum>(i);
    }
    if (!text.empty() && text.front() >= '0' && text.front() <= '9') {
      return static_cast<Enum>(parse_unsigned(text, std::numeric_limits<std::uint8_t>::max(), line_, token));
    }
    throw ParseError(ErrorKind::kUnknownName, line_, std::string(token), "'" + std::string(text) + "' is not a known name");
  }

  // "12(p3)" -> order 12, participant 3.
  std::pair<matcher::OrderId, matcher::ParticipantId> parse_order_ref(std::string_view value, std::string_view token) {
    const std::size_t open = value.find("(p");
    if (open == std::string_view::npos || value.size() < open + 3 || value.back() != ')') {
      throw ParseError(ErrorKind::kBadNumber, line_, std::string(token), "expected <order>(p<participant>), e.g. 12(p3)");
    }
    const auto order = parse_unsigned(value.substr(0, open), std::numeric_limits<std::uint64_t>::max(), line_, token);
    const auto participant = parse_unsigned(value.substr(open + 2, value.size() - open - 3),
                                            std::numeric_limits<std::uint32_t>::max(), line_, token);
    return {order, static_cast<matcher::ParticipantId>(participant)};
  }

  void parse_token(std::string_view token) {
    constexpr auto kU64 = std::numeric_limits<std::uint64_t>::max();
    constexpr auto kU32 = std::numeric_limits<std::uint32_t>::max();
    const std::size_t eq = token.find('=');
    if (eq == std::string_view::npos) {
      if (token == "BUY" || token == "SELL") {
        claim(kSideField, token);
        event_.side = token == "BUY" ? Side::kBuy : Side::kSell;
        return;
      }
      throw ParseError(ErrorKind::kUnknownKey, line_, std::string(token),
                       "unknown word; bare words are BUY and SELL, other fields are key=value");
    }
    const std::string_view key = token.substr(0, eq);
    const std::string_view value = token.substr(eq + 1);
    if (key == "seq") {
      claim(kSeq, token);
      event_.seq = parse_unsigned(value, kU64, line_, token);
    } else if (key == "t") {
      claim(kTime, token);
      event_.timestamp = parse_unsigned(value, kU64, line_, token);
    } else if (key == "id") {
      claim(kTradeId, token);
      event_.trade_id = parse_unsigned(value, kU64, line_, token);
    } else if (key == "order") {
      claim(kOrder, token);
      event_.order_id = parse_unsigned(value, kU64, line_, token);
    } else if (key == "p") {
      claim(kParticipant, token);
      event_.participant = static_cast<matcher::ParticipantId>(parse_unsigned(value, kU32, line_, token));
    } else if (key == "maker") {
      claim(kOrder | kParticipant, token);
      std::tie(event_.order_id, event_.participant) = parse_order_ref(value, token);
    } else if (key == "taker") {
      claim(kTakerOrder | kTakerParticipant, token);
      std::tie(event_.taker_order_id, event_.taker_participant) = parse_order_ref(value, token);
    } else if (key == "ins") {
      claim(kInstrument, token);
      event_.instrument = parse_instrument(value, codes_, true, line_, token);
    } else if (key == "side") {
      claim(kSideField, token);
      event_.side = parse_enum<Side>(value, kSideNames, token);
    } else if (key == "px") {
      claim(kPrice, token);
      event_.price = parse_price(value, line_, token);
    } else if (key == "qty") {
      claim(kQuantity, token);
      event_.quantity = parse_signed(value, line_, token);
    } else if (key == "leaves") {
      claim(kLeaves, token);
      event_.leaves = parse_signed(value, line_, token);
    } else if (key == "taker_leaves") {
      claim(kTakerLeaves, token);
      event_.taker_leaves = parse_signed(value, line_, token);
    } else if (key == "count") {
      claim(kCount, token);
      event_.order_count = static_cast<std::uint32_t>(parse_unsigned(value, kU32, line_, token));
    } else if (key == "code") {
      claim(kCode, token);
      event_.reject = parse_code(value, token);
    } else if (key == "priority") {
      claim(kPriority, token);
      if (value != "KEPT" && value != "LOST") {
        throw ParseError(ErrorKind::kUnknownName, line_, std::string(token), "priority is KEPT or LOST");
      }
      event_.priority_kept = value == "KEPT";
    } else if (key == "reason" || key == "cancel_reason" || key == "expiry_reason") {
      parse_reason(key, value, token);
    } else if (key == "base") {
      claim(kBasePrice, token);
      event_.base_price = parse_price(value, line_, token);
    } else if (key == "refdata") {
      claim(kReferenceData, token);
      event_.reference_data = parse_hex32(value, line_, token);
    } else if (key == "attr") {
      claim(kAttribute, token);
      event_.attribute = static_cast<refdata::AttributeId>(
          parse_unsigned(value, std::numeric_limits<refdata::AttributeId>::max(), line_, token));
    } else if (key == "status") {
      claim(kHalted, token);
      if (value != "HALTED" && value != "TRADING") {
        throw ParseError(ErrorKind::kUnknownName, line_, std::string(token), "status is HALTED or TRADING");
      }
      event_.halted = value == "HALTED";
    } else if (key == "commodity") {
      claim(kCommodity, token);
      event_.commodity = static_cast<std::uint16_t>(
          parse_unsigned(value, std::numeric_limits<std::uint16_t>::max(), line_, token));
    } else if (key == "bid" || key == "ask") {
      const bool bid = key == "bid";
      const bool none = value == kNone;
      claim(bid ? (none ? kHasBid : kHasBid | kPrice) : (none ? kHasAsk : kHasAsk | kAsk), token);
      (bid ? event_.has_bid : event_.has_ask) = !none;
      if (!none) (bid ? event_.price : event_.ask) = parse_price(value, line_, token);
    } else if (key == "ask_px") {
      claim(kAsk, token);
      event_.ask = parse_price(value, line_, token);
    } else if (key == "has_bid" || key == "has_ask") {
      claim(key == "has_bid" ? kHasBid : kHasAsk, token);
      if (value != "0" && value != "1") {
        throw ParseError(ErrorKind::kUnknownName, line_, std::string(token), std::string(key) + " is 0 or 1");
      }
      (key == "has_bid" ? event_.has_bid : event_.has_ask) = value == "1";
    } else {
      throw ParseError(ErrorKind::kUnknownKey, line_, std::string(token), "unknown key '" + std::string(key) + "'");
    }
  }

  void parse_reason(std::string_view key, std::string_view value, std::string_view token) {
    bool expiry = key == "expiry_reason";
    if (key == "reason") {
      if (event_.type != EventType::kCancelled && event_.type != EventType::kExpired) {
        throw ParseError(ErrorKind::kKeyNotAllowed, line_, std::string(token),
                         "reason= belongs to CANCELLED and EXPIRED; elsewhere write cancel_reason= or expiry_reason=");
      }
      expiry = event_.type == EventType::kExpired;
    }
    if (expiry) {
      claim(kExpiryReason, token);
      event_.expiry_reason = parse_enum<ExpiryReason>(value, kExpiryReasonNames, token);
    } else {
      claim(kCancelReason, token);
      event_.cancel_reason = parse_enum<CancelReason>(value, kCancelReasonNames, token);
    }
  }

  RejectCode parse_code(std::string_view value, std::string_view token) {
    for (std::uint16_t i = 0; i < matcher::kRejectCodeCount; ++i) {
      if (matcher::reject_name(static_cast<RejectCode>(i)) == value) return static_cast<RejectCode>(i);
    }
    if (!value.empty() && value.front() >= '0' && value.front() <= '9') {
      return static_cast<RejectCode>(parse_unsigned(value, std::numeric_limits<std::uint16_t>::max(), line_, token));
    }
    throw ParseError(ErrorKind::kUnknownName, line_, std::string(token),
                     "'" + std::string(value) + "' is not a reject code name (see matcher/reject_code.hpp)");
  }

  const InstrumentCodes& codes_;
  std::size_t line_;
  Event event_;
  const EventKind* kind_ = nullptr;
  unsigned seen_ = 0;
};

}  // namespace

std::string_view event_type_name(EventType type) {
  const EventKind* kind = find_kind(type);
  return kind ? kind->name : "?";
}

std::string_view cancel_reason_name(CancelReason reason) {
  const auto raw = static_cast<std::size_t>(reason);
  return raw < kCancelReasonNames.size() ? kCancelReasonNames[raw] : "?";
}

std::string_view expiry_reason_name(ExpiryReason reason) {
  const auto raw = static_cast<std::size_t>(reason);
  return raw < kExpiryReasonNames.size() ? kExpiryReasonNames[raw] : "?";
}

std::string format_event(const Event& e, const InstrumentCodes& codes, EventFormat format) {
  const EventKind* kind = find_kind(e.type);
  std::string out = kind ? std::string(kind->name) : "event=" + std::to_string(static_cast<unsigned>(e.type));
  auto add = [&out](std::string_view key, const std::string& value) {
    out += ' ';
    out += key;
    out += '=';
    out += value;
  };
  if (format.stamps) {
    add("seq", std::to_string(e.seq));
    add("t", std::to_string(e.timestamp));
  }
  unsigned written = 0;  // the fields written so far: the rest are written after, when not at default
  auto write_slot = [&](Slot slot) {
    switch (slot) {
      case Slot::kTradeId: add("id", std::to_string(e.trade_id)); break;
      case Slot::kOrder: add("order", std::to_string(e.order_id)); break;
      case Slot::kParticipant: add("p", std::to_string(e.participant)); break;
      case Slot::kInstrument: add("ins", format_instrument(e.instrument, codes)); break;
      case Slot::kBareSide:
        if (static_cast<std::size_t>(e.side) < kSideNames.size()) {
          out += ' ';
          out += kSideNames[static_cast<std::size_t>(e.side)];
        } else {
          add("side", enum_text(e.side, kSideNames));
        }
        break;
      case Slot::kKeySide: add("side", enum_text(e.side, kSideNames)); break;
      case Slot::kPrice: add("px", format_price(e.price)); break;
      case Slot::kQuantity: add("qty", std::to_string(e.quantity)); break;
      case Slot::kMaker: add("maker", order_ref(e.order_id, e.participant)); break;
      case Slot::kTaker: add("taker", order_ref(e.taker_order_id, e.taker_participant)); break;
      case Slot::kLeaves: add("leaves", std::to_string(e.leaves)); break;
      case Slot::kTakerLeaves: add("taker_leaves", std::to_string(e.taker_leaves)); break;
      case Slot::kCode: add("code", code_text(e.reject)); break;
      case Slot::kReason:
        if (e.type == EventType::kExpired) {
          add("reason", enum_text(e.expiry_reason, kExpiryReasonNames));
        } else {
          add("reason", enum_text(e.cancel_reason, kCancelReasonNames));
        }
        break;
      case Slot::kPriority: add("priority", e.priority_kept ? "KEPT" : "LOST"); break;
      case Slot::kCount: add("count", std::to_string(e.order_count)); break;
      case Slot::kBase:
        if (e.base_price == implied_base_price(e)) return;
        add("base", format_price(e.base_price));
        break;
      case Slot::kReferenceData:
        if (e.reference_data == 0) return;
        add("refdata", format_hex32(e.reference_data));
        break;
      case Slot::kStatus: add("status", e.halted ? "HALTED" : "TRADING"); break;
      case Slot::kCommodity: add("commodity", std::to_string(e.commodity)); break;
      case Slot::kBid:
        add("bid", e.has_bid ? format_price(e.price) : std::string(kNone));
        if (e.has_bid) written |= kPrice;
        break;
      case Slot::kAsk:
        add("ask", e.has_ask ? format_price(e.ask) : std::string(kNone));
        if (e.has_ask) written |= kAsk;
        break;
    }
    written |= slot_fields(slot, e.type);
  };
  if (kind) {
    for (const auto slot : kind->slots) write_slot(slot);
  }
  // Any other field that is not at its default, so nothing an engine sets goes unseen.
  const Event d;
  auto extra = [&](unsigned field, bool set) { return !(written & field) && set; };
  if (extra(kTradeId, e.trade_id != d.trade_id)) write_slot(Slot::kTradeId);
  if (extra(kOrder, e.order_id != d.order_id)) write_slot(Slot::kOrder);
  if (extra(kParticipant, e.participant != d.participant)) write_slot(Slot::kParticipant);
  if (extra(kInstrument, e.instrument != d.instrument)) write_slot(Slot::kInstrument);
  if (extra(kSideField, e.side != d.side)) write_slot(Slot::kBareSide);
  if (extra(kPrice, e.price != d.price)) write_slot(Slot::kPrice);
  if (extra(kQuantity, e.quantity != d.quantity)) write_slot(Slot::kQuantity);
  if (extra(kTakerOrder, e.taker_order_id != d.taker_order_id || e.taker_participant != d.taker_participant)) {
    write_slot(Slot::kTaker);
  }
  if (extra(kLeaves, e.leaves != d.leaves)) write_slot(Slot::kLeaves);
  if (extra(kTakerLeaves, e.taker_leaves != d.taker_leaves)) write_slot(Slot::kTakerLeaves);
  if (extra(kCode, e.reject != d.reject)) write_slot(Slot::kCode);
  if (extra(kCancelReason, e.cancel_reason != d.cancel_reason)) {
    add("cancel_reason", enum_text(e.cancel_reason, kCancelReasonNames));
  }
  if (extra(kExpiryReason, e.expiry_reason != d.expiry_reason)) {
    add("expiry_reason", enum_text(e.expiry_reason, kExpiryReasonNames));
  }
  if (extra(kPriority, e.priority_kept != d.priority_kept)) write_slot(Slot::kPriority);
  if (extra(kCount, e.order_count != d.order_count)) write_slot(Slot::kCount);
  if (extra(kBasePrice, e.base_price != implied_base_price(e))) write_slot(Slot::kBase);
  if (extra(kReferenceData, e.reference_data != d.reference_data)) write_slot(Slot::kReferenceData);
  // An assay reject always names its attribute, even attribute 0.
  const bool assay_reject = e.type == EventType::kRejected && e.reject == RejectCode::kAssayOutOfSpec;
  if (extra(kAttribute, assay_reject || e.attribute != d.attribute)) add("attr", std::to_string(e.attribute));
  if (extra(kHalted, e.halted != d.halted)) write_slot(Slot::kStatus);
  if (extra(kCommodity, e.commodity != d.commodity)) write_slot(Slot::kCommodity);
  if (extra(kHasBid, e.has_bid != d.has_bid)) add("has_bid", e.has_bid ? "1" : "0");
  if (extra(kHasAsk, e.has_ask != d.has_ask)) add("has_ask", e.has_ask ? "1" : "0");
  if (extra(kAsk, e.ask != d.ask)) add("ask_px", format_price(e.ask));
  return out;
}

Event parse_event(std::string_view line, const InstrumentCodes& codes, std::size_t line_number, EventStamp defaults) {
  return EventParser(codes, line_number).parse(line, defaults);
}

}  // namespace rex::workload
