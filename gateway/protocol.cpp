#include "gateway/protocol.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <vector>

#include "gateway/json_in.hpp"
#include "gateway/json_out.hpp"
#include "gateway/reject.hpp"
#include "reference-data/decimal.hpp"

namespace rex::gateway {

namespace {

using matcher::OrderType;
using matcher::SelfTradePrevention;
using matcher::Side;
using matcher::TimeInForce;

enum Field : std::uint8_t {
  kFOp, kFReq, kFApiKey, kFClOrdId, kFOrigClOrdId, kFOrderId, kFInstrument, kFCommodity,
  kFParticipant, kFSide, kFType, kFPrice, kFQty, kFTif, kFDisplayQty, kFMinQty, kFPostOnly,
  kFAllOrNone, kFStp, kFExpireNs, kFChannel, kFBatch, kFAssay, kFBounds, kFAcceptedGrades,
  kFAcceptedHubs, kFieldCount
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "op", "req", "api_key", "cl_ord_id", "orig_cl_ord_id", "order_id", "instrument", "commodity",
    "participant", "side", "type", "price", "qty", "tif", "display_qty", "min_qty", "post_only",
    "all_or_none", "stp", "expire_ns", "channel", "batch", "assay", "bounds", "accepted_grades",
    "accepted_hubs"};

using Mask = std::uint32_t;
constexpr Mask bit(Field f) { return Mask{1} << f; }
constexpr Mask kCommon = bit(kFOp) | bit(kFReq);
constexpr Mask kTarget = bit(kFOrderId) | bit(kFOrigClOrdId);
constexpr Mask kQuality = bit(kFBounds) | bit(kFAcceptedGrades) | bit(kFAcceptedHubs);

constexpr std::array<std::string_view, kOpCount> kOpNames = {
    "login", "new_order", "cancel", "amend", "mass_cancel", "order_status", "subscribe",
    "unsubscribe", "halt", "resume", "kill", "reload_reference_data", "ping",
    "end_of_day"};

// Fields each op takes, in Op order.
constexpr std::array<Mask, kOpCount> kAllowed = {
    kCommon | bit(kFApiKey) | bit(kFBatch),
    kCommon | bit(kFClOrdId) | bit(kFInstrument) | bit(kFSide) | bit(kFType) | bit(kFPrice) |
        bit(kFQty) | bit(kFTif) | bit(kFDisplayQty) | bit(kFMinQty) | bit(kFPostOnly) |
        bit(kFAllOrNone) | bit(kFStp) | bit(kFExpireNs) | bit(kFAssay) | kQuality,
    kCommon | kTarget,
    kCommon | kTarget | bit(kFPrice) | bit(kFQty) | kQuality,
    kCommon | bit(kFInstrument),
    kCommon | kTarget,
    kCommon | bit(kFChannel) | bit(kFInstrument) | bit(kFCommodity),
    kCommon | bit(kFChannel) | bit(kFInstrument) | bit(kFCommodity),
    kCommon | bit(kFInstrument) | bit(kFCommodity),
    kCommon | bit(kFInstrument) | bit(kFCommodity),
    kCommon | bit(kFParticipant),
    kCommon,
    kCommon,
    kCommon,
};

constexpr std::array<std::string_view, 5> kChannelNames = {"instruments", "top", "depth", "trades", "commodity_top"};
constexpr std::array<std::string_view, 2> kSideNames = {"buy", "sell"};
constexpr std::array<std::string_view, 2> kTypeNames = {"limit", "market"};
constexpr std::array<std::string_view, 5> kTifNames = {"day", "gtc", "gtd", "ioc", "fok"};
constexpr std::array<std::string_view, 5> kStpNames = {"none", "cancel_resting", "cancel_incoming",
                                                       "cancel_both", "decrement"};

template <std::size_t N>
int find_name(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<int>(i);
  }
  return -1;
}

template <std::size_t N>
std::string_view name_at(const std::array<std::string_view, N>& names, std::size_t i) {
  return i < N ? names[i] : std::string_view("?");
}

template <std::size_t N>
std::string choices(const std::array<std::string_view, N>& names) {
  std::string s;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) s += ", ";
    s += names[i];
  }
  return s;
}

// simdjson refuses a whole message holding a number it cannot represent (an integer beyond 64 bits,
// a magnitude beyond a double's), though it is valid JSON. No field takes a fraction or an
// exponent, and only "req" takes an integer, so every number with a fraction or an exponent and
// every integer beyond 64 bits is overwritten with 0.0 and spaces (gateway/json_in.hpp): the field
// holding it is then refused as for any fraction (WRONG_TYPE, or UNKNOWN_FIELD), not the message
// as malformed. `req_too_large` tells the one case where the value is wrong rather than the type:
// a non-negative integer of 2^64 or more as the top-level "req". False when the text is not JSON.
bool overwrite_unrepresentable_numbers(char* text, std::size_t size, std::size_t max_depth, bool& req_too_large) {
  std::vector<refdata::JsonOddNumber> odd;
  if (zero_odd_numbers(text, size, max_depth, odd)) return false;
  for (const refdata::JsonOddNumber& n : odd) {
    if (n.too_large && n.path.size() == 1 && n.path[0].member && n.path[0].key == "req") req_too_large = true;
  }
  return true;
}

}  // namespace

std::string_view op_name(Op op) { return name_at(kOpNames, static_cast<std::size_t>(op)); }
std::string_view channel_name(Channel c) { return name_at(kChannelNames, static_cast<std::size_t>(c)); }
std::string_view side_name(Side s) { return name_at(kSideNames, static_cast<std::size_t>(s)); }
std::string_view order_type_name(OrderType t) { return name_at(kTypeNames, static_cast<std::size_t>(t)); }
std::string_view time_in_force_name(TimeInForce t) { return name_at(kTifNames, static_cast<std::size_t>(t)); }
std::string_view self_trade_name(SelfTradePrevention s) { return name_at(kStpNames, static_cast<std::size_t>(s)); }

struct RequestParser::State {
  const refdata::Catalogue& catalogue;
  simdjson::dom::parser parser;
  std::vector<char> buffer;  // the frame copied with simdjson's padding behind it
  std::array<simdjson::dom::element, kFieldCount> values{};
  Mask seen = 0;

  explicit State(const refdata::Catalogue& c) : catalogue(c) {}
};

namespace {

// Reads typed fields out of the collected values; each failure fills `error` and returns false.
class FieldReader {
 public:
  FieldReader(const std::array<simdjson::dom::element, kFieldCount>& values, Mask seen, ParseError& error)
      : values_(values), seen_(seen), error_(error) {}

  bool has(Field f) const { return (seen_ & bit(f)) != 0; }

  bool fail(GatewayReject code, Field f, std::string_view why) {
    error_.code = static_cast<std::uint16_t>(code);
    error_.detail = std::string(kFieldNames[f]);
    if (!why.empty()) {
      error_.detail += ": ";
      error_.detail += why;
    }
    return false;
  }
  bool missing(Field f) { return fail(GatewayReject::kMissingField, f, ""); }

  bool string(Field f, std::string_view& out) {
    auto r = values_[f].get_string();
    if (r.error()) return fail(GatewayReject::kWrongType, f, "expected a string");
    out = r.value_unsafe();
    return true;
  }
  bool required_string(Field f, std::string_view& out) { return has(f) ? string(f, out) : missing(f); }

  bool boolean(Field f, bool& out) {
    auto r = values_[f].get_bool();
    if (r.error()) return fail(GatewayReject::kWrongType, f, "expected true or false");
    out = r.value_unsafe();
    return true;
  }

  template <std::size_t N>
  bool enumerated(Field f, const std::array<std::string_view, N>& names, int& out) {
    std::string_view s;
    if (!string(f, s)) return false;
    out = find_name(names, s);
    if (out < 0) return fail(GatewayReject::kBadValue, f, "expected one of " + choices(names));
    return true;
  }

  // A decimal string at `scale` places; positive unless `allow_zero_or_negative`.
  bool decimal(Field f, int scale, std::int64_t& out, bool positive) {
    std::string_view s;
    if (!string(f, s)) return false;
    const auto status = refdata::parse_decimal(s, scale, out);
    if (status == refdata::DecimalStatus::kTooManyPlaces) {
      return fail(GatewayReject::kBadValue, f, scale == 0 ? "must be a whole number" : "at most two decimals");
    }
    if (status != refdata::DecimalStatus::kOk) return fail(GatewayReject::kBadValue, f, "not a decimal string");
    if (positive && out <= 0) return fail(GatewayReject::kBadValue, f, "must be greater than zero");
    return true;
  }

  bool id(Field f, std::uint64_t& out) {
    std::string_view s;
    if (!string(f, s)) return false;
    if (s.empty() || s.size() > 20) return fail(GatewayReject::kBadValue, f, "expected a decimal id");
    std::uint64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return fail(GatewayReject::kBadValue, f, "expected a decimal id");
      const auto d = static_cast<std::uint64_t>(c - '0');
      if (v > (UINT64_MAX - d) / 10) return fail(GatewayReject::kBadValue, f, "out of range");
      v = v * 10 + d;
    }
    out = v;
    return true;
  }

  bool object(Field f, simdjson::dom::object& out) {
    if (values_[f].get_object().get(out)) return fail(GatewayReject::kWrongType, f, "expected an object");
    return true;
  }
  bool array(Field f, simdjson::dom::array& out) {
    if (values_[f].get_array().get(out)) return fail(GatewayReject::kWrongType, f, "expected an array");
    return true;
  }

  bool client_id(Field f, std::string& out) {
    std::string_view s;
    if (!string(f, s)) return false;
    if (!exchange::is_client_order_id(s)) {
      return fail(GatewayReject::kBadValue, f, "1 to 36 printable ASCII characters");
    }
    out.assign(s);
    return true;
  }

 private:
  const std::array<simdjson::dom::element, kFieldCount>& values_;
  Mask seen_;
  ParseError& error_;
};

}  // namespace

namespace {

// Request{} field by field, keeping the strings' capacity (no allocation per message).
void reset(Request& r) {
  std::string req = std::move(r.req);
  std::string api_key = std::move(r.api_key);
  std::string cl = std::move(r.cl_ord_id);
  std::string orig = std::move(r.orig_cl_ord_id);
  r = Request{};
  req.clear();
  api_key.clear();
  cl.clear();
  orig.clear();
  r.req = std::move(req);
  r.api_key = std::move(api_key);
  r.cl_ord_id = std::move(cl);
  r.orig_cl_ord_id = std::move(orig);
}

}  // namespace

RequestParser::RequestParser(const refdata::Catalogue& catalogue) : state_(std::make_unique<State>(catalogue)) {}
RequestParser::~RequestParser() = default;

bool RequestParser::parse(std::string_view text, Request& out, ParseError& error, bool& op_known) {
  reset(out);
  op_known = false;
  State& st = *state_;
  st.buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::copy(text.begin(), text.end(), st.buffer.begin());

  auto malformed = [&](std::string detail) {
    error.code = static_cast<std::uint16_t>(GatewayReject::kMalformedJson);
    error.detail = std::move(detail);
    return false;
  };

  simdjson::dom::element root;
  bool req_too_large = false;
  if (auto e = st.parser.parse(st.buffer.data(), text.size(), false).get(root); e) {
    if (e != simdjson::NUMBER_ERROR ||
        !overwrite_unrepresentable_numbers(st.buffer.data(), text.size(), st.parser.max_depth(), req_too_large)) {
      return malformed(simdjson::error_message(e));
    }
    if (auto again = st.parser.parse(st.buffer.data(), text.size(), false).get(root); again) {
      return malformed(simdjson::error_message(again));
    }
  }
  simdjson::dom::object object;
  if (root.get_object().get(object)) return malformed("expected a JSON object");

  st.seen = 0;
  std::string_view unknown_key;
  bool duplicate = false;
  std::string_view duplicate_key;
  for (auto member : object) {
    const int f = find_name(kFieldNames, member.key);
    if (f < 0) {
      if (unknown_key.empty()) unknown_key = member.key;
      continue;
    }
    const Mask b = bit(static_cast<Field>(f));
    if (st.seen & b) {
      if (!duplicate) duplicate_key = member.key;
      duplicate = true;
    }
    st.seen |= b;
    st.values[static_cast<std::size_t>(f)] = member.value;
  }

  FieldReader r(st.values, st.seen, error);
  if (duplicate) {
    error.code = static_cast<std::uint16_t>(GatewayReject::kDuplicateField);
    error.detail = std::string(duplicate_key);
    return false;
  }

  // "req": a string or a non-negative integer, echoed on the reply.
  if (r.has(kFReq)) {
    const auto& v = st.values[kFReq];
    std::string_view s;
    std::uint64_t n = 0;
    if (!v.get_string().get(s)) {
      if (s.size() > kMaxRequestIdBytes) return r.fail(GatewayReject::kBadValue, kFReq, "at most 64 bytes");
      append_json_string(out.req, s);
    } else if (!v.get_uint64().get(n)) {
      append_uint(out.req, n);
    } else if (req_too_large) {
      return r.fail(GatewayReject::kBadValue, kFReq, "out of range: at most 18446744073709551615");
    } else {
      return r.fail(GatewayReject::kWrongType, kFReq, "expected a string or a non-negative integer");
    }
  }

  std::string_view op_text;
  if (!r.required_string(kFOp, op_text)) return false;
  const int op_index = find_name(kOpNames, op_text);
  if (op_index < 0) {
    error.code = static_cast<std::uint16_t>(GatewayReject::kUnknownOp);
    error.detail = std::string(op_text.substr(0, 64));
    return false;
  }
  out.op = static_cast<Op>(op_index);
  op_known = true;

  if (!unknown_key.empty()) {
    error.code = static_cast<std::uint16_t>(GatewayReject::kUnknownField);
    error.detail = std::string(unknown_key.substr(0, 64));
    return false;
  }
  const Mask extra = st.seen & ~kAllowed[static_cast<std::size_t>(op_index)];
  if (extra) {
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (extra & bit(static_cast<Field>(f))) {
        return r.fail(GatewayReject::kUnknownField, static_cast<Field>(f), std::string("not taken by ") + std::string(op_text));
      }
    }
  }

  const refdata::Catalogue& cat = st.catalogue;
  auto instrument = [&](bool required) {
    if (!r.has(kFInstrument)) return required ? r.missing(kFInstrument) : true;
    std::string_view code;
    if (!r.string(kFInstrument, code)) return false;
    const auto* spec = cat.find_instrument(code);
    if (!spec) {
      error.code = static_cast<std::uint16_t>(matcher::RejectCode::kUnknownInstrument);
      error.detail = "instrument: " + std::string(code.substr(0, 64));
      return false;
    }
    out.instrument = spec->id;
    return true;
  };
  // A commodity by code into out.commodity, or UNKNOWN_COMMODITY.
  auto commodity = [&](std::string_view code) {
    const auto* c = cat.find_commodity(code);
    if (!c) {
      error.code = static_cast<std::uint16_t>(matcher::RejectCode::kUnknownCommodity);
      error.detail = "commodity: " + std::string(code.substr(0, 64));
      return false;
    }
    out.commodity = static_cast<std::uint32_t>(c - cat.commodities().data());
    return true;
  };
  // Exactly one of order_id and orig_cl_ord_id.
  auto target = [&]() {
    const bool by_id = r.has(kFOrderId);
    const bool by_cl = r.has(kFOrigClOrdId);
    if (by_id && by_cl) return r.fail(GatewayReject::kBadValue, kFOrigClOrdId, "give order_id or orig_cl_ord_id, not both");
    if (!by_id && !by_cl) return r.missing(kFOrderId);
    if (by_id) {
      out.has_order_id = true;
      return r.id(kFOrderId, out.order_id);
    }
    return r.client_id(kFOrigClOrdId, out.orig_cl_ord_id);
  };

  // Quality terms: {"ATTR": "value"} (assay) or {"ATTR": {"min": "v", "max": "v"}} (bounds),
  // decimal strings at the attribute's scale, sorted here by attribute; at most 8.
  auto quality = [&](Field f, bool assay) {
    simdjson::dom::object terms;
    if (!r.object(f, terms)) return false;
    auto& q = out.quality;
    for (auto member : terms) {
      const auto* attribute = cat.find_attribute(member.key);
      if (!attribute) return r.fail(GatewayReject::kBadValue, f, "unknown attribute " + std::string(member.key.substr(0, 64)));
      if (q.count == matcher::kMaxQualityTerms) return r.fail(GatewayReject::kBadValue, f, "at most 8 attributes");
      refdata::AttributeRange range;
      range.attribute = static_cast<refdata::AttributeId>(attribute - cat.attributes().data());
      for (std::size_t i = 0; i < q.count; ++i) {
        if (q.terms[i].attribute == range.attribute) return r.fail(GatewayReject::kBadValue, f, "an attribute twice");
      }
      auto value = [&](simdjson::dom::element e, std::int64_t& v) {
        std::string_view digits;
        if (e.get_string().get(digits)) return r.fail(GatewayReject::kWrongType, f, "values are decimal strings");
        if (refdata::parse_decimal(digits, attribute->scale, v) != refdata::DecimalStatus::kOk) {
          return r.fail(GatewayReject::kBadValue, f, std::string(member.key) + ": not a decimal with at most " +
                                                         std::to_string(attribute->scale) + " places");
        }
        return true;
      };
      if (assay) {
        std::int64_t v = 0;
        if (!value(member.value, v)) return false;
        range.min = range.max = v;
      } else {
        simdjson::dom::object bound;
        if (member.value.get_object().get(bound)) return r.fail(GatewayReject::kWrongType, f, "expected {\"min\", \"max\"}");
        bool any = false;
        for (auto end : bound) {
          std::int64_t v = 0;
          if (end.key == "min" || end.key == "max") {
            if (!value(end.value, v)) return false;
            (end.key == "min" ? range.min : range.max) = v;
            any = true;
          } else {
            return r.fail(GatewayReject::kUnknownField, f, std::string(member.key) + "." + std::string(end.key.substr(0, 32)));
          }
        }
        if (!any) return r.fail(GatewayReject::kBadValue, f, std::string(member.key) + ": give min and/or max");
      }
      std::size_t at = q.count;
      while (at > 0 && q.terms[at - 1].attribute > range.attribute) {
        q.terms[at] = q.terms[at - 1];
        --at;
      }
      q.terms[at] = range;
      ++q.count;
    }
    return true;
  };
  // ["BARLEY", "BERRY"] -> bits of catalogue indices.
  auto code_set = [&](Field f, bool grades, std::uint64_t& bits) {
    simdjson::dom::array list;
    if (!r.array(f, list)) return false;
    constexpr std::size_t kBits = 64;  // the engine's bit sets
    for (auto e : list) {
      std::string_view code;
      if (e.get_string().get(code)) return r.fail(GatewayReject::kWrongType, f, "expected codes");
      std::size_t index = 0;
      if (grades) {
        const auto* g = cat.find_grade(code);
        if (!g) return r.fail(GatewayReject::kBadValue, f, "unknown grade " + std::string(code.substr(0, 64)));
        index = static_cast<std::size_t>(g - cat.grades().data());
      } else {
        const auto* h = cat.find_hub(code);
        if (!h) return r.fail(GatewayReject::kBadValue, f, "unknown hub " + std::string(code.substr(0, 64)));
        index = static_cast<std::size_t>(h - cat.hubs().data());
      }
      if (index >= kBits) return r.fail(GatewayReject::kBadValue, f, "catalogue index beyond 63");
      bits |= std::uint64_t{1} << index;
    }
    return true;
  };
  auto quality_fields = [&]() {
    if (r.has(kFAssay)) {
      if (!quality(kFAssay, true)) return false;
      out.has_assay = true;
    }
    if (r.has(kFBounds)) {
      if (out.has_assay) return r.fail(GatewayReject::kBadValue, kFBounds, "a sell gives an assay, a buy bounds, not both");
      if (!quality(kFBounds, false)) return false;
      out.has_bounds = true;
    }
    if (r.has(kFAcceptedGrades) && !code_set(kFAcceptedGrades, true, out.accepted_grades)) return false;
    if (r.has(kFAcceptedHubs) && !code_set(kFAcceptedHubs, false, out.accepted_hubs)) return false;
    out.has_accepted_grades = r.has(kFAcceptedGrades);
    out.has_accepted_hubs = r.has(kFAcceptedHubs);
    return true;
  };

  switch (out.op) {
    case Op::kLogin: {
      std::string_view key;
      if (!r.required_string(kFApiKey, key)) return false;
      if (key.empty() || key.size() > kMaxApiKeyBytes) return r.fail(GatewayReject::kBadValue, kFApiKey, "1 to 128 bytes");
      out.api_key.assign(key);
      if (r.has(kFBatch) && !r.boolean(kFBatch, out.batch)) return false;
      return true;
    }
    case Op::kNewOrder: {
      if (!r.has(kFClOrdId)) return r.missing(kFClOrdId);
      if (!r.client_id(kFClOrdId, out.cl_ord_id)) return false;
      if (!instrument(true)) return false;
      int v = 0;
      if (!r.has(kFSide)) return r.missing(kFSide);
      if (!r.enumerated(kFSide, kSideNames, v)) return false;
      out.side = static_cast<Side>(v);
      if (r.has(kFType)) {
        if (!r.enumerated(kFType, kTypeNames, v)) return false;
        out.order_type = static_cast<OrderType>(v);
      }
      const bool market = out.order_type == OrderType::kMarket;
      if (!r.has(kFQty)) return r.missing(kFQty);
      if (!r.decimal(kFQty, 0, out.quantity, true)) return false;
      out.has_quantity = true;
      if (r.has(kFPrice)) {
        if (!r.decimal(kFPrice, 2, out.price, false)) return false;
        out.has_price = true;
      } else if (!market) {
        return r.missing(kFPrice);
      }
      out.time_in_force = market ? TimeInForce::kImmediateOrCancel : TimeInForce::kGoodTillCancel;
      if (r.has(kFTif)) {
        if (!r.enumerated(kFTif, kTifNames, v)) return false;
        out.time_in_force = static_cast<TimeInForce>(v);
      }
      if (r.has(kFDisplayQty) && !r.decimal(kFDisplayQty, 0, out.display_quantity, true)) return false;
      if (r.has(kFMinQty) && !r.decimal(kFMinQty, 0, out.min_quantity, true)) return false;
      if (r.has(kFPostOnly) && !r.boolean(kFPostOnly, out.post_only)) return false;
      if (r.has(kFAllOrNone) && !r.boolean(kFAllOrNone, out.all_or_none)) return false;
      if (r.has(kFStp)) {
        if (!r.enumerated(kFStp, kStpNames, v)) return false;
        out.self_trade = static_cast<SelfTradePrevention>(v);
      }
      if (r.has(kFExpireNs) && !r.id(kFExpireNs, out.expiry)) return false;
      return quality_fields();
    }
    case Op::kCancel:
    case Op::kOrderStatus:
      return target();
    case Op::kAmend:
      if (!target()) return false;
      if (r.has(kFPrice)) {
        if (!r.decimal(kFPrice, 2, out.price, true)) return false;
        out.has_price = true;
      }
      if (r.has(kFQty)) {
        if (!r.decimal(kFQty, 0, out.quantity, true)) return false;
        out.has_quantity = true;
      }
      if (!quality_fields()) return false;
      if (!out.has_price && !out.has_quantity && !out.has_bounds && !out.has_accepted_grades && !out.has_accepted_hubs) {
        return r.missing(kFPrice);
      }
      return true;
    case Op::kMassCancel:
      return instrument(false);
    case Op::kSubscribe:
    case Op::kUnsubscribe: {
      int v = 0;
      if (!r.has(kFChannel)) return r.missing(kFChannel);
      if (!r.enumerated(kFChannel, kChannelNames, v)) return false;
      out.channel = static_cast<Channel>(v);
      if (out.channel == Channel::kCommodityTop) {
        if (r.has(kFInstrument)) return r.fail(GatewayReject::kUnknownField, kFInstrument, "commodity_top takes a commodity");
        std::string_view code;
        return r.required_string(kFCommodity, code) && commodity(code);
      }
      if (r.has(kFCommodity)) return r.fail(GatewayReject::kUnknownField, kFCommodity, "only commodity_top takes a commodity");
      const bool needs = out.channel == Channel::kTop || out.channel == Channel::kDepth;
      if (out.channel == Channel::kInstruments && r.has(kFInstrument)) {
        return r.fail(GatewayReject::kUnknownField, kFInstrument, "not taken by the instruments channel");
      }
      return instrument(needs);
    }
    case Op::kHalt:
    case Op::kResume: {
      if (r.has(kFInstrument) && r.has(kFCommodity)) {
        error.code = static_cast<std::uint16_t>(matcher::RejectCode::kInvalidHaltScope);
        error.detail = "give instrument or commodity, not both";
        return false;
      }
      if (!instrument(false)) return false;
      if (r.has(kFCommodity)) {
        std::string_view code;
        if (!r.string(kFCommodity, code) || !commodity(code)) return false;
      }
      return true;
    }
    case Op::kKill: {
      std::string_view code;
      if (!r.required_string(kFParticipant, code)) return false;
      const auto* p = cat.find_participant(code);
      if (!p) return r.fail(GatewayReject::kUnknownParticipant, kFParticipant, std::string(code.substr(0, 64)));
      out.participant = p->id;
      return true;
    }
    case Op::kReloadReferenceData:
    case Op::kPing:
    case Op::kEndOfDay:
      return true;
  }
  return true;
}

}  // namespace rex::gateway
