// The WebSocket message parser: every op, every field type, every parse error code.
#include <catch2/catch.hpp>

#include <set>

#include "gateway/protocol.hpp"
#include "gateway/reject.hpp"
#include "reference-data/loader.hpp"

using namespace rex::gateway;
using rex::matcher::OrderType;
using rex::matcher::SelfTradePrevention;
using rex::matcher::Side;
using rex::matcher::TimeInForce;

namespace {

const rex::refdata::Catalogue& catalogue() {
  static const auto c = rex::refdata::load_catalogue_file(std::string(REX_SOURCE_DIR) + "/reference-data/catalogue/rex-catalogue.json");
  return c;
}

struct Parsed {
  bool ok = false;
  Request request;
  ParseError error;
  bool op_known = false;
};

Parsed parse(std::string_view text) {
  static RequestParser parser(catalogue());
  Parsed p;
  p.ok = parser.parse(text, p.request, p.error, p.op_known);
  return p;
}

int code(std::string_view text) {
  Parsed p = parse(text);
  INFO(text);
  REQUIRE_FALSE(p.ok);
  return p.error.code;
}

}  // namespace

TEST_CASE("a full new order parses into exact integers", "[gateway][protocol]") {
  Parsed p = parse(R"({"op":"new_order","req":"abc","cl_ord_id":"o-1","instrument":"CU-BARLEY-XUCHANG","side":"sell",
    "type":"limit","price":"76010.5","qty":"3000","tif":"gtd","display_qty":"1000","min_qty":"500",
    "post_only":false,"all_or_none":false,"stp":"decrement","expire_ns":"1795762771765173194"})");
  REQUIRE(p.ok);
  const Request& r = p.request;
  CHECK(r.op == Op::kNewOrder);
  CHECK(r.req == "\"abc\"");
  CHECK(r.cl_ord_id == "o-1");
  CHECK(r.instrument == catalogue().find_instrument("CU-BARLEY-XUCHANG")->id);
  CHECK(r.side == Side::kSell);
  CHECK(r.order_type == OrderType::kLimit);
  CHECK(r.price == 7'601'050);
  CHECK(r.quantity == 3000);
  CHECK(r.time_in_force == TimeInForce::kGoodTillDate);
  CHECK(r.display_quantity == 1000);
  CHECK(r.min_quantity == 500);
  CHECK(r.self_trade == SelfTradePrevention::kDecrement);
  CHECK(r.expiry == 1'795'762'771'765'173'194ULL);
}

TEST_CASE("defaults: limit GTC, market IOC, req as a number", "[gateway][protocol]") {
  Parsed limit = parse(R"({"op":"new_order","cl_ord_id":"a","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"1000","req":42})");
  REQUIRE(limit.ok);
  CHECK(limit.request.time_in_force == TimeInForce::kGoodTillCancel);
  CHECK(limit.request.req == "42");
  Parsed market = parse(R"({"op":"new_order","cl_ord_id":"a","instrument":"CU-BARLEY-XUCHANG","side":"buy","type":"market","qty":"1000"})");
  REQUIRE(market.ok);
  CHECK(market.request.time_in_force == TimeInForce::kImmediateOrCancel);
  CHECK_FALSE(market.request.has_price);
}

TEST_CASE("every other op parses", "[gateway][protocol]") {
  CHECK(parse(R"({"op":"login","api_key":"k"})").request.api_key == "k");
  Parsed cancel = parse(R"({"op":"cancel","order_id":"18446744073709551615"})");
  REQUIRE(cancel.ok);
  CHECK(cancel.request.order_id == 18'446'744'073'709'551'615ULL);
  CHECK(parse(R"({"op":"cancel","orig_cl_ord_id":"a"})").request.orig_cl_ord_id == "a");
  Parsed amend = parse(R"({"op":"amend","order_id":"5","qty":"2000"})");
  REQUIRE(amend.ok);
  CHECK(amend.request.has_quantity);
  CHECK_FALSE(amend.request.has_price);
  CHECK(parse(R"({"op":"mass_cancel"})").request.instrument == rex::matcher::kAnyInstrument);
  CHECK(parse(R"({"op":"order_status","order_id":"1"})").ok);
  CHECK(parse(R"({"op":"subscribe","channel":"trades"})").request.channel == Channel::kTrades);
  CHECK(parse(R"({"op":"unsubscribe","channel":"depth","instrument":"CU-BARLEY-XUCHANG"})").ok);
  Parsed halt = parse(R"({"op":"halt","commodity":"CU"})");
  REQUIRE(halt.ok);
  CHECK(halt.request.commodity == 1);
  CHECK(parse(R"({"op":"resume"})").ok);
  CHECK(parse(R"({"op":"kill","participant":"ZYTRADE"})").request.participant == 8);
  CHECK(parse(R"({"op":"reload_reference_data"})").ok);
  CHECK(parse(R"({"op":"ping"})").ok);
}

TEST_CASE("every parse error has its code", "[gateway][protocol]") {
  using G = GatewayReject;
  auto g = [](G c) { return static_cast<int>(c); };
  CHECK(code("") == g(G::kMalformedJson));
  CHECK(code("{") == g(G::kMalformedJson));
  CHECK(code("null") == g(G::kMalformedJson));
  CHECK(code("{\"op\":\"ping\"}x") == g(G::kMalformedJson));
  CHECK(code("{\"op\":\"p\xffng\"}") == g(G::kMalformedJson));  // invalid UTF-8
  CHECK(code(R"({"op":"nope"})") == g(G::kUnknownOp));
  CHECK(code(R"({})") == g(G::kMissingField));
  CHECK(code(R"({"op":null})") == g(G::kWrongType));
  CHECK(code(R"({"op":"ping","x":1})") == g(G::kUnknownField));
  CHECK(code(R"({"op":"ping","api_key":"k"})") == g(G::kUnknownField));
  CHECK(code(R"({"op":"ping","op":"ping"})") == g(G::kDuplicateField));
  CHECK(code(R"({"op":"ping","req":-1})") == g(G::kWrongType));
  CHECK(code(R"({"op":"ping","req":")" + std::string(65, 'r') + "\"}") == g(G::kBadValue));
  CHECK(code(R"({"op":"login","api_key":""})") == g(G::kBadValue));
  CHECK(code(R"({"op":"cancel","order_id":"1x"})") == g(G::kBadValue));
  CHECK(code(R"({"op":"cancel","order_id":"18446744073709551616"})") == g(G::kBadValue));
  CHECK(code(R"({"op":"cancel","order_id":1})") == g(G::kWrongType));
  CHECK(code(R"({"op":"cancel","orig_cl_ord_id":"has space"})") == g(G::kBadValue));
  CHECK(code(R"({"op":"cancel","orig_cl_ord_id":")" + std::string(37, 'c') + "\"}") == g(G::kBadValue));
  const std::string base = R"({"op":"new_order","cl_ord_id":"a","instrument":"CU-BARLEY-XUCHANG","side":"buy","qty":"1000")";
  CHECK(code(base + "}") == g(G::kMissingField));  // limit without price
  CHECK(code(base + R"(,"price":"1.234"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"+1"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"1e3"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"99999999999999999999"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"76000","tif":"forever"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"76000","stp":"maybe"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"76000","post_only":"yes"})") == g(G::kWrongType));
  CHECK(code(base + R"(,"price":"76000","display_qty":"0"})") == g(G::kBadValue));
  CHECK(code(base + R"(,"price":"76000","expire_ns":"soon"})") == g(G::kBadValue));
  CHECK(code(R"({"op":"new_order","cl_ord_id":"a","instrument":"XX","side":"buy","qty":"1000","price":"1"})") ==
        static_cast<int>(rex::matcher::RejectCode::kUnknownInstrument));
  CHECK(code(R"({"op":"halt","commodity":"XX"})") == static_cast<int>(rex::matcher::RejectCode::kUnknownCommodity));
  CHECK(code(R"({"op":"halt","commodity":"CU","instrument":"CU-BARLEY-XUCHANG"})") ==
        static_cast<int>(rex::matcher::RejectCode::kInvalidHaltScope));
  CHECK(code(R"({"op":"kill","participant":"NOBODY"})") == g(G::kUnknownParticipant));
  CHECK(code(R"({"op":"subscribe","channel":"instruments","instrument":"CU-BARLEY-XUCHANG"})") == g(G::kUnknownField));
}

TEST_CASE("numbers simdjson cannot hold are refused by their field, not as malformed JSON", "[gateway][protocol]") {
  using G = GatewayReject;
  auto g = [](G c) { return static_cast<int>(c); };
  const std::string big = "123456789012345678901234567890";  // beyond 2^64
  // "req": a non-negative integer past 2^64 is a bad value, like an over-long string; a negative
  // one, or a fraction too large for a double, the wrong type, like -1 or 1.5.
  Parsed too_large = parse(R"({"op":"ping","req":)" + big + "}");
  CHECK_FALSE(too_large.ok);
  CHECK(too_large.error.code == g(G::kBadValue));
  CHECK(too_large.error.detail == "req: out of range: at most 18446744073709551615");
  CHECK(code(R"({"op":"ping","req":18446744073709551616})") == g(G::kBadValue));
  CHECK(parse(R"({"op":"ping","req":18446744073709551615})").request.req == "18446744073709551615");
  CHECK(code(R"({"op":"ping","req":-)" + big + "}") == g(G::kWrongType));
  CHECK(code(R"({"op":"ping","req":1e400})") == g(G::kWrongType));
  CHECK(code(R"({"op":"ping","req":-1.5E+999})") == g(G::kWrongType));
  CHECK(parse(R"({"op":"ping","req":")" + big + "\"}").request.req == "\"" + big + "\"");
  // Every other number field wants a string: a huge number is the wrong type, like a small one.
  CHECK(code(R"({"op":"cancel","order_id":)" + big + "}") == g(G::kWrongType));
  const std::string order = R"({"op":"new_order","cl_ord_id":"a","instrument":"CU-BARLEY-XUCHANG","side":"sell")";
  CHECK(code(order + R"(,"price":"76000","qty":)" + big + "}") == g(G::kWrongType));
  CHECK(code(order + R"(,"price":1e999,"qty":"1000"})") == g(G::kWrongType));
  CHECK(code(order + R"(,"price":"76000","qty":"1000","expire_ns":)" + big + "}") == g(G::kWrongType));
  CHECK(code(order + R"(,"price":"76000","qty":"1000","assay":{"CU_PCT":)" + big + "}}") == g(G::kWrongType));
  CHECK(code(R"({"op":"ping","x":)" + big + "}") == g(G::kUnknownField));
  // Strings are skipped as JSON reads them: an escaped quote, a number or a "req" inside one is text.
  CHECK(code(R"({"op":"ping","x":"a\"b,\"req\":1e999","req":)" + big + "}") == g(G::kBadValue));
  CHECK(code(R"({"op":"ping","x":"\\","req":)" + big + "}") == g(G::kBadValue));
  // Only the top-level "req" is told apart.
  CHECK(code(R"({"op":"ping","x":{"req":)" + big + "}}") == g(G::kUnknownField));
  // Still malformed: a number that is not valid JSON, or a big one in a message that is not JSON.
  CHECK(code(R"({"op":"ping","req":0)" + big + "}") == g(G::kMalformedJson));
  CHECK(code(R"({"op":"ping","x":1.e999,"req":)" + big + "}") == g(G::kMalformedJson));
  CHECK(code(R"({"op":"ping","x":-,"req":)" + big + "}") == g(G::kMalformedJson));
  CHECK(code(R"({"op":"ping","req":)" + big) == g(G::kMalformedJson));
  CHECK(code("[" + big + "]") == g(G::kMalformedJson));
}

TEST_CASE("a failed parse still tells the op and req, for the reject", "[gateway][protocol]") {
  Parsed p = parse(R"({"op":"cancel","req":"z"})");
  REQUIRE_FALSE(p.ok);
  CHECK(p.op_known);
  CHECK(p.request.op == Op::kCancel);
  CHECK(p.request.req == "\"z\"");
  CHECK(p.error.detail == "order_id");
}

TEST_CASE("every gateway reject code has a distinct name and a text", "[gateway][protocol]") {
  std::set<std::string_view> names;
  for (std::uint16_t c = kFirstGatewayReject; c <= kLastGatewayReject; ++c) {
    CHECK(reject_name(c) != "UNKNOWN");
    CHECK_FALSE(reject_text(c).empty());
    names.insert(reject_name(c));
  }
  CHECK(names.size() == kLastGatewayReject - kFirstGatewayReject + 1);
  CHECK(reject_name(7) == "PRICE_OUTSIDE_BAND");
}

TEST_CASE("quality: an assay, bounds and accepted grades and hubs become exact terms", "[gateway][protocol]") {
  const auto& cat = catalogue();
  Parsed sell = parse(R"({"op":"new_order","cl_ord_id":"s","instrument":"CU-BARLEY-XUCHANG","side":"sell","price":"76000",
    "qty":"1000","assay":{"CU_PCT":"99.95"}})");
  REQUIRE(sell.ok);
  CHECK(sell.request.has_assay);
  REQUIRE(sell.request.quality.count == 1);
  const auto cu = static_cast<rex::refdata::AttributeId>(cat.find_attribute("CU_PCT") - cat.attributes().data());
  CHECK(sell.request.quality.terms[0].attribute == cu);
  CHECK(sell.request.quality.terms[0].min == 9995);
  CHECK(sell.request.quality.terms[0].max == 9995);

  Parsed buy = parse(R"({"op":"new_order","cl_ord_id":"b","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000",
    "qty":"1000","bounds":{"WIRE_DIAMETER_MM":{"min":"1.3"},"CU_PCT":{"min":"99.5","max":"100"}},
    "accepted_grades":["BARLEY","BERRY"],"accepted_hubs":["XUCHANG","ZHENGZHOU"]})");
  REQUIRE(buy.ok);
  const auto& q = buy.request.quality;
  REQUIRE(q.count == 2);
  CHECK(q.terms[0].attribute < q.terms[1].attribute);  // sorted by attribute index
  const auto grade_bit = [&](std::string_view g) {
    return std::uint64_t{1} << (cat.find_grade(g) - cat.grades().data());
  };
  const auto hub_bit = [&](std::string_view h) { return std::uint64_t{1} << (cat.find_hub(h) - cat.hubs().data()); };
  CHECK(buy.request.accepted_grades == (grade_bit("BARLEY") | grade_bit("BERRY")));
  CHECK(buy.request.accepted_hubs == (hub_bit("XUCHANG") | hub_bit("ZHENGZHOU")));
  CHECK(buy.request.has_accepted_grades);
  CHECK(buy.request.has_accepted_hubs);

  Parsed amend = parse(R"({"op":"amend","order_id":"5","bounds":{"CU_PCT":{"min":"99.6"}}})");
  REQUIRE(amend.ok);
  CHECK(amend.request.has_bounds);
  CHECK_FALSE(amend.request.has_accepted_grades);
  CHECK_FALSE(amend.request.has_accepted_hubs);
  // an amend keeps the terms it does not give, so grades and hubs are told apart
  Parsed hubs_only = parse(R"({"op":"amend","order_id":"5","accepted_hubs":["XUCHANG"]})");
  REQUIRE(hubs_only.ok);
  CHECK_FALSE(hubs_only.request.has_bounds);
  CHECK_FALSE(hubs_only.request.has_accepted_grades);
  CHECK(hubs_only.request.has_accepted_hubs);

  using G = GatewayReject;
  auto g = [](G c) { return static_cast<int>(c); };
  const std::string base = R"({"op":"new_order","cl_ord_id":"a","instrument":"CU-BARLEY-XUCHANG","side":"buy","qty":"1000","price":"76000")";
  CHECK(code(base + R"(,"assay":{"NOPE":"1"}})") == g(G::kBadValue));
  CHECK(code(base + R"(,"assay":{"CU_PCT":"99.955"}})") == g(G::kBadValue));
  CHECK(code(base + R"(,"assay":{"CU_PCT":99.9}})") == g(G::kWrongType));
  CHECK(code(base + R"(,"assay":["CU_PCT"]})") == g(G::kWrongType));
  CHECK(code(base + R"(,"bounds":{"CU_PCT":{}}})") == g(G::kBadValue));
  CHECK(code(base + R"(,"bounds":{"CU_PCT":{"least":"1"}}})") == g(G::kUnknownField));
  CHECK(code(base + R"(,"assay":{"CU_PCT":"99.9"},"bounds":{"CU_PCT":{"min":"1"}}})") == g(G::kBadValue));
  CHECK(code(base + R"(,"accepted_grades":["NOPE"]})") == g(G::kBadValue));
  CHECK(code(base + R"(,"accepted_hubs":"XUCHANG"})") == g(G::kWrongType));
  CHECK(code(R"({"op":"amend","order_id":"5","assay":{"CU_PCT":"99.9"}})") == g(G::kUnknownField));
  CHECK(parse(R"({"op":"subscribe","channel":"commodity_top","commodity":"CU"})").request.channel == Channel::kCommodityTop);
  CHECK(code(R"({"op":"subscribe","channel":"commodity_top"})") == g(G::kMissingField));
  CHECK(code(R"({"op":"subscribe","channel":"top","instrument":"CU-BARLEY-XUCHANG","commodity":"CU"})") == g(G::kUnknownField));
}
