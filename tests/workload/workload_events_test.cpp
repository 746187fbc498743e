// The event side of the workload text form: round trips of random events, with and without
// stamps, and the lines each kind of event is written as.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "tests/workload/workload_test_support.hpp"
#include "workload/event_text.hpp"

namespace {

using namespace rex::workload;
using rex::matcher::CancelReason;
using rex::matcher::Event;
using rex::matcher::EventType;
using rex::matcher::ExpiryReason;
using rex::matcher::RejectCode;
using rex::matcher::Side;
using testing::Random;

const InstrumentCodes& kCodes = testing::codes();

Event random_event(Random& r) {
  Event e;
  e.type = r.enumeration<EventType>(10);
  e.side = r.enumeration<Side>(2);
  e.cancel_reason = r.enumeration<CancelReason>(6);
  e.expiry_reason = r.enumeration<ExpiryReason>(2);
  e.priority_kept = r.coin();
  e.reject = static_cast<RejectCode>(r.pick(10) == 0 ? r.pick(65536) : r.pick(rex::matcher::kRejectCodeCount));
  // Sparse fields, like real events, plus full ones, like broken events.
  const bool sparse = r.coin();
  auto maybe = [&](auto value) { return sparse && r.coin() ? decltype(value){} : value; };
  e.order_count = maybe(r.u32());
  e.seq = r.u64();
  e.timestamp = r.u64();
  e.instrument = maybe(r.instrument());
  e.participant = maybe(r.u32());
  e.taker_participant = maybe(r.u32());
  e.order_id = maybe(r.u64());
  e.taker_order_id = maybe(r.u64());
  e.trade_id = maybe(r.u64());
  e.price = maybe(r.i64());
  e.quantity = maybe(r.i64());
  e.leaves = maybe(r.i64());
  e.taker_leaves = maybe(r.i64());
  // A trade's base price is mostly its price (differential 0), the default its line leaves out.
  e.base_price = e.type == EventType::kTrade && r.coin() ? e.price : maybe(r.i64());
  e.reference_data = maybe(static_cast<std::uint32_t>(r.u64()));
  e.attribute = maybe(static_cast<rex::refdata::AttributeId>(r.u64()));
  e.halted = r.coin();
  e.has_bid = r.coin();
  e.has_ask = r.coin();
  e.ask = maybe(r.i64());
  e.commodity = maybe(static_cast<std::uint16_t>(r.u64()));
  return e;
}

// ---------------------------------------------------------------------------------------------

TEST_CASE("parse(format(e)) == e for random events, with and without stamps", "[workload][event][roundtrip]") {
  Random r(99);
  for (int i = 0; i < 20'000; ++i) {
    const Event e = random_event(r);
    const std::string line = format_event(e, kCodes);
    INFO(line);
    REQUIRE(parse_event(line, kCodes) == e);
    const std::string bare = format_event(e, kCodes, EventFormat{.stamps = false});
    INFO(bare);
    REQUIRE(bare.find("seq=") == std::string::npos);
    REQUIRE(parse_event(bare, kCodes, 0, EventStamp{e.seq, e.timestamp}) == e);
  }
}

TEST_CASE("event lines read as the events they say", "[workload][event]") {
  Event trade;
  trade.type = EventType::kTrade;
  trade.trade_id = 1;
  trade.instrument = 0;
  trade.price = 7'235'000;
  trade.quantity = 1000;
  trade.order_id = 7;
  trade.participant = 2;
  trade.taker_order_id = 12;
  trade.taker_participant = 3;
  trade.side = Side::kBuy;
  trade.leaves = 0;
  trade.taker_leaves = 4000;
  trade.base_price = trade.price;  // differential 0: the line leaves base= out
  trade.seq = 12;
  trade.timestamp = 1000;
  const std::string text = format_event(trade, kCodes);
  CHECK(text ==
        "TRADE seq=12 t=1000 id=1 ins=CU-BARLEY-XUCHANG px=72350.00 qty=1000 maker=7(p2) taker=12(p3) side=BUY "
        "leaves=0 taker_leaves=4000");
  CHECK(parse_event(text, kCodes) == trade);

  Event reject;
  reject.type = EventType::kRejected;
  reject.seq = 13;
  reject.participant = 3;
  reject.reject = RejectCode::kPriceOffTick;
  CHECK(format_event(reject, kCodes, {.stamps = false}) == "REJECTED code=PRICE_OFF_TICK p=3");

  Event cancel;
  cancel.type = EventType::kCancelled;
  cancel.order_id = 12;
  cancel.participant = 3;
  cancel.instrument = 1;
  cancel.side = Side::kSell;
  cancel.price = 280'000;
  cancel.cancel_reason = CancelReason::kSelfTradePrevention;
  cancel.quantity = 2000;
  cancel.leaves = 3000;
  CHECK(format_event(cancel, kCodes, {.stamps = false}) ==
        "CANCELLED order=12 p=3 ins=FE-HMS1-TANGSHAN SELL px=2800.00 reason=SELF_TRADE_PREVENTION qty=2000 leaves=3000");

  Event level;
  level.type = EventType::kBookLevel;
  level.instrument = 0;
  level.side = Side::kBuy;
  level.price = 7'235'000;
  level.quantity = 5000;
  level.order_count = 2;
  CHECK(format_event(level, kCodes, {.stamps = false}) == "LEVEL ins=CU-BARLEY-XUCHANG BUY px=72350.00 qty=5000 count=2");

  // A field a kind should not set is still shown, so a wrong engine event is never hidden.
  Event odd = cancel;
  odd.trade_id = 5;
  odd.expiry_reason = ExpiryReason::kEndOfDay;
  const std::string odd_text = format_event(odd, kCodes, {.stamps = false});
  CHECK(odd_text.find("id=5") != std::string::npos);
  CHECK(odd_text.find("expiry_reason=END_OF_DAY") != std::string::npos);
  CHECK(parse_event(odd_text, kCodes) == odd);
}

TEST_CASE("trading status, commodity top, base price, reference data, assay rejects", "[workload][event]") {
  Event status;
  status.type = EventType::kTradingStatus;
  status.instrument = 1;
  status.halted = true;
  CHECK(format_event(status, kCodes, {.stamps = false}) == "STATUS ins=FE-HMS1-TANGSHAN status=HALTED");
  CHECK(parse_event("STATUS ins=FE-HMS1-TANGSHAN status=HALTED", kCodes) == status);
  status.halted = false;
  CHECK(format_event(status, kCodes, {.stamps = false}) == "STATUS ins=FE-HMS1-TANGSHAN status=TRADING");

  Event top;
  top.type = EventType::kCommodityTop;
  top.commodity = 1;
  top.has_bid = true;
  top.price = 7'595'000;
  CHECK(format_event(top, kCodes, {.stamps = false}) == "TOP commodity=1 bid=75950.00 ask=none");
  CHECK(parse_event("TOP commodity=1 bid=75950.00 ask=none", kCodes) == top);
  top.has_ask = true;
  top.ask = 7'598'000;
  top.has_bid = false;
  top.price = 0;
  CHECK(format_event(top, kCodes, {.stamps = false}) == "TOP commodity=1 bid=none ask=75980.00");
  CHECK(parse_event("TOP commodity=1 bid=none ask=75980.00", kCodes) == top);
  // A malformed top (a price with no bid) still shows everything it carries.
  top.price = 5;
  CHECK(format_event(top, kCodes, {.stamps = false}) == "TOP commodity=1 bid=none ask=75980.00 px=0.05");
  CHECK(parse_event("TOP commodity=1 bid=none ask=75980.00 px=0.05", kCodes) == top);

  Event trade;
  trade.type = EventType::kTrade;
  trade.trade_id = 4;
  trade.instrument = 0;
  trade.price = 7'565'000;
  trade.base_price = 7'595'000;
  trade.quantity = 10'000;
  trade.order_id = 3;
  trade.participant = 1;
  trade.taker_order_id = 5;
  trade.taker_participant = 2;
  trade.reference_data = 0xbcbeb564;
  const std::string line =
      "TRADE id=4 ins=CU-BARLEY-XUCHANG px=75650.00 base=75950.00 qty=10000 maker=3(p1) taker=5(p2) side=BUY leaves=0 "
      "taker_leaves=0 refdata=bcbeb564";
  CHECK(format_event(trade, kCodes, {.stamps = false}) == line);
  CHECK(parse_event(line, kCodes) == trade);
  // Without base= a trade's base price is its price; a base price of 0 is written out.
  const Event plain = parse_event("TRADE id=1 ins=CU-BARLEY-XUCHANG px=72000.00 qty=1000 maker=2(p1) taker=3(p2) "
                                  "side=BUY leaves=0 taker_leaves=0",
                                  kCodes);
  CHECK(plain.base_price == 7'200'000);
  CHECK(plain.reference_data == 0);
  trade.base_price = 0;
  CHECK(format_event(trade, kCodes, {.stamps = false}).find(" base=0.00 ") != std::string::npos);

  Event assay;
  assay.type = EventType::kRejected;
  assay.participant = 1;
  assay.reject = RejectCode::kAssayOutOfSpec;
  assay.attribute = 0;  // attribute 0 is a real attribute: still written
  CHECK(format_event(assay, kCodes, {.stamps = false}) == "REJECTED code=ASSAY_OUT_OF_SPEC p=1 attr=0");
  assay.attribute = 14;
  CHECK(parse_event("REJECTED code=ASSAY_OUT_OF_SPEC p=1 attr=14", kCodes) == assay);
  // Other rejects show attr= only when set.
  Event other;
  other.type = EventType::kRejected;
  other.reject = RejectCode::kQualityTermsInvalid;
  other.participant = 1;
  CHECK(format_event(other, kCodes, {.stamps = false}) == "REJECTED code=QUALITY_TERMS_INVALID p=1");
}

}  // namespace
