// The engine's behaviour for each order type and instruction, stated on small books.
// tests/scenarios/ holds the operator-readable versions; these pin the event fields exactly.
#include <catch2/catch.hpp>

#include "matcher/engine.hpp"
#include "test_instruments.hpp"

using namespace rex::matcher;
using rex::testing::CommandFactory;

namespace {

struct Market {
  Engine engine{rex::testing::test_instruments()};
  CommandFactory f;
  EventBuffer events;

  // The command's events without COMMODITY_TOP (tested on its own below).
  EventBuffer run(const Command& c) {
    events.clear();
    engine.process(c, events);
    std::erase_if(events, [](const Event& e) { return e.type == EventType::kCommodityTop; });
    return events;
  }
  std::vector<OrderId> ids(Side side) const {
    std::vector<OrderId> out;
    for (const auto& o : engine.orders(0, side)) out.push_back(o.id);
    return out;
  }
};

std::vector<EventType> types(const EventBuffer& events) {
  std::vector<EventType> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

std::vector<Event> of_type(const EventBuffer& events, EventType type) {
  std::vector<Event> out;
  for (const auto& e : events) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("price-time priority: better price first, then earlier order, at the resting price", "[matching]") {
  Market m;
  m.run(m.f.limit(1, Side::kSell, 5000, 285'000));  // id 1
  m.run(m.f.limit(2, Side::kSell, 5000, 284'000));  // id 2: better price
  m.run(m.f.limit(3, Side::kSell, 5000, 284'000));  // id 3: same price, later
  const auto events = m.run(m.f.limit(4, Side::kBuy, 12'000, 286'000));  // id 4
  const auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 3);
  CHECK(trades[0].order_id == 2);
  CHECK(trades[0].price == 284'000);
  CHECK(trades[0].quantity == 5000);
  CHECK(trades[0].taker_order_id == 4);
  CHECK(trades[0].participant == 2);
  CHECK(trades[0].taker_participant == 4);
  CHECK(trades[0].side == Side::kBuy);
  CHECK(trades[0].trade_id == 1);
  CHECK(trades[0].taker_leaves == 7000);
  CHECK(trades[1].order_id == 3);
  CHECK(trades[2].order_id == 1);
  CHECK(trades[2].price == 285'000);
  CHECK(trades[2].quantity == 2000);
  CHECK(trades[2].leaves == 3000);
  CHECK(trades[2].taker_leaves == 0);
  // Level updates come last: the 2,840 level is gone, 2,850 shows what is left.
  const auto levels = of_type(events, EventType::kBookLevel);
  REQUIRE(levels.size() == 2);
  CHECK(levels[0].price == 284'000);
  CHECK(levels[0].quantity == 0);
  CHECK(levels[0].order_count == 0);
  CHECK(levels[1].price == 285'000);
  CHECK(levels[1].quantity == 3000);
  CHECK(events.back().type == EventType::kBookLevel);
}

TEST_CASE("a market order sweeps no further than the band and cancels its remainder", "[matching]") {
  Market m;
  m.run(m.f.limit(1, Side::kSell, 2000, 300'000));
  m.run(m.f.limit(1, Side::kSell, 2000, 310'000));  // at the ceiling: still inside the band
  const auto events = m.run(m.f.market(2, Side::kBuy, 6000));
  CHECK(types(events) == std::vector<EventType>{EventType::kAccepted, EventType::kTrade, EventType::kTrade,
                                                EventType::kCancelled, EventType::kBookLevel, EventType::kBookLevel});
  CHECK(events[0].price == 0);
  CHECK(events[3].cancel_reason == CancelReason::kImmediateRemainder);
  CHECK(events[3].quantity == 2000);
  CHECK(events[3].price == 0);
  CHECK(m.engine.open_orders() == 0);
}

TEST_CASE("fill-or-kill trades everything or nothing", "[matching]") {
  Market m;
  m.run(m.f.limit(1, Side::kSell, 3000, 284'000));
  m.run(m.f.limit(1, Side::kSell, 3000, 285'000));
  Command fok = m.f.limit(2, Side::kBuy, 7000, 285'000);
  fok.time_in_force = TimeInForce::kFillOrKill;
  auto events = m.run(fok);
  CHECK(types(events) == std::vector<EventType>{EventType::kAccepted, EventType::kCancelled});
  CHECK(events[1].cancel_reason == CancelReason::kFillOrKill);
  CHECK(events[1].quantity == 7000);
  fok = m.f.limit(2, Side::kBuy, 6000, 285'000);
  fok.time_in_force = TimeInForce::kFillOrKill;
  events = m.run(fok);
  CHECK(of_type(events, EventType::kTrade).size() == 2);
  CHECK(of_type(events, EventType::kCancelled).empty());
}

TEST_CASE("minimum quantity applies on entry only", "[matching]") {
  Market m;
  m.run(m.f.limit(1, Side::kSell, 3000, 284'000));
  Command mq = m.f.limit(2, Side::kBuy, 10'000, 284'000);
  mq.min_quantity = 4000;
  auto events = m.run(mq);
  CHECK(types(events) == std::vector<EventType>{EventType::kAccepted, EventType::kCancelled});
  CHECK(events[1].cancel_reason == CancelReason::kMinQuantityNotMet);
  mq = m.f.limit(2, Side::kBuy, 10'000, 284'000);
  mq.min_quantity = 3000;
  events = m.run(mq);
  CHECK(of_type(events, EventType::kTrade).size() == 1);
  REQUIRE(m.engine.orders(0, Side::kBuy).size() == 1);
  CHECK(m.engine.orders(0, Side::kBuy)[0].open == 7000);
}

TEST_CASE("an all-or-none lot is passed by, never blocks, and fills whole when it can", "[aon]") {
  Market m;
  Command truck = m.f.limit(1, Side::kSell, 32'500, 280'000);  // id 1: one indivisible truck
  truck.all_or_none = true;
  m.run(truck);
  m.run(m.f.limit(2, Side::kSell, 10'000, 280'000));  // id 2: behind it in time
  auto events = m.run(m.f.limit(3, Side::kBuy, 20'000, 280'000));  // id 3
  auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 2);
  CHECK(m.ids(Side::kBuy) == std::vector<OrderId>{3});  // rests beside the lot it cannot take
  CHECK(m.ids(Side::kSell) == std::vector<OrderId>{1});
  events = m.run(m.f.limit(4, Side::kBuy, 40'000, 280'000));
  trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 1);
  CHECK(trades[0].quantity == 32'500);
}

TEST_CASE("an incoming all-or-none takes the first order that can fill it in one trade", "[aon]") {
  Market m;
  m.run(m.f.limit(1, Side::kSell, 5000, 280'000));   // too small
  m.run(m.f.limit(2, Side::kSell, 20'000, 281'000)); // big enough, worse price
  Command buy = m.f.limit(3, Side::kBuy, 10'000, 281'000);
  buy.all_or_none = true;
  const auto trades = of_type(m.run(buy), EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 2);
  CHECK(trades[0].price == 281'000);
  CHECK(trades[0].quantity == 10'000);
}

TEST_CASE("an iceberg shows a slice, refills at the back, and the same taker meets it again", "[iceberg]") {
  Market m;
  Command ice = m.f.limit(1, Side::kSell, 10'000, 280'000);  // id 1
  ice.display_quantity = 3000;
  m.run(ice);
  m.run(m.f.limit(2, Side::kSell, 2000, 280'000));  // id 2
  REQUIRE(m.engine.orders(0, Side::kSell)[0].visible == 3000);
  const auto events = m.run(m.f.limit(3, Side::kBuy, 7000, 280'000));
  const auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 3);
  CHECK(trades[0].order_id == 1);
  CHECK(trades[0].quantity == 3000);
  CHECK(trades[1].order_id == 2);
  CHECK(trades[2].order_id == 1);
  CHECK(trades[2].quantity == 2000);
  const auto asks = m.engine.orders(0, Side::kSell);
  REQUIRE(asks.size() == 1);
  CHECK(asks[0].open == 5000);
  CHECK(asks[0].visible == 1000);
  const auto levels = of_type(events, EventType::kBookLevel);
  REQUIRE(levels.size() == 1);
  CHECK(levels[0].quantity == 1000);
}

TEST_CASE("self-trade prevention modes", "[stp]") {
  auto setup = [](Market& m) {
    m.run(m.f.limit(1, Side::kSell, 5000, 280'000));  // id 1, own order
    m.run(m.f.limit(2, Side::kSell, 5000, 280'000));  // id 2, someone else's
  };
  SECTION("cancel resting") {
    Market m;
    setup(m);
    Command c = m.f.limit(1, Side::kBuy, 5000, 280'000);
    c.self_trade = SelfTradePrevention::kCancelResting;
    const auto events = m.run(c);
    REQUIRE(events[1].type == EventType::kCancelled);
    CHECK(events[1].order_id == 1);
    CHECK(events[1].cancel_reason == CancelReason::kSelfTradePrevention);
    CHECK(events[2].type == EventType::kTrade);
    CHECK(events[2].order_id == 2);
  }
  SECTION("cancel incoming") {
    Market m;
    setup(m);
    Command c = m.f.limit(1, Side::kBuy, 5000, 280'000);
    c.self_trade = SelfTradePrevention::kCancelIncoming;
    const auto events = m.run(c);
    REQUIRE(events[1].type == EventType::kCancelled);
    CHECK(events[1].order_id == 3);
    CHECK(of_type(events, EventType::kTrade).empty());
    CHECK(m.ids(Side::kSell) == std::vector<OrderId>{1, 2});
  }
  SECTION("cancel both") {
    Market m;
    setup(m);
    Command c = m.f.limit(1, Side::kBuy, 5000, 280'000);
    c.self_trade = SelfTradePrevention::kCancelBoth;
    const auto cancels = of_type(m.run(c), EventType::kCancelled);
    REQUIRE(cancels.size() == 2);
    CHECK(cancels[0].order_id == 1);
    CHECK(cancels[1].order_id == 3);
    CHECK(m.ids(Side::kSell) == std::vector<OrderId>{2});
  }
  SECTION("decrement") {
    Market m;
    setup(m);
    Command c = m.f.limit(1, Side::kBuy, 8000, 280'000);
    c.self_trade = SelfTradePrevention::kDecrement;
    const auto events = m.run(c);
    const auto cancels = of_type(events, EventType::kCancelled);
    REQUIRE(cancels.size() == 2);
    CHECK(cancels[0].order_id == 1);
    CHECK(cancels[0].quantity == 5000);
    CHECK(cancels[0].leaves == 0);
    CHECK(cancels[1].order_id == 3);
    CHECK(cancels[1].quantity == 5000);
    CHECK(cancels[1].leaves == 3000);
    const auto trades = of_type(events, EventType::kTrade);
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].quantity == 3000);
  }
  SECTION("none trades with itself") {
    Market m;
    setup(m);
    const auto trades = of_type(m.run(m.f.limit(1, Side::kBuy, 5000, 280'000)), EventType::kTrade);
    REQUIRE(trades.size() == 1);
    CHECK(trades[0].participant == trades[0].taker_participant);
  }
}

TEST_CASE("amend: a size cut keeps priority, a size increase or a price change loses it", "[amend]") {
  Market m;
  m.run(m.f.limit(1, Side::kBuy, 5000, 280'000));  // id 1
  m.run(m.f.limit(2, Side::kBuy, 5000, 280'000));  // id 2
  auto events = m.run(m.f.amend(1, 1, 4000, 0));
  CHECK(events[0].type == EventType::kAmended);
  CHECK(events[0].priority_kept);
  CHECK(m.ids(Side::kBuy) == std::vector<OrderId>{1, 2});
  events = m.run(m.f.amend(1, 1, 6000, 0));
  CHECK_FALSE(events[0].priority_kept);
  CHECK(m.ids(Side::kBuy) == std::vector<OrderId>{2, 1});
  events = m.run(m.f.amend(2, 2, 0, 280'100));
  CHECK(events[0].price == 280'100);
  CHECK(m.ids(Side::kBuy) == std::vector<OrderId>{2, 1});  // better price now
  m.run(m.f.limit(3, Side::kSell, 3000, 281'000));         // id 6
  events = m.run(m.f.amend(1, 1, 0, 281'000));              // now marketable: trades
  const auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].taker_order_id == 1);
  CHECK(trades[0].quantity == 3000);
  CHECK(m.engine.orders(0, Side::kBuy)[0].open == 3000);
}

TEST_CASE("GTD orders expire on the first command at or after their expiry, DAY orders at end of day", "[expiry]") {
  Market m;
  Command gtd = m.f.limit(1, Side::kBuy, 1000, 280'000);  // id 1
  gtd.time_in_force = TimeInForce::kGoodTillDate;
  gtd.expiry = gtd.timestamp + 500;
  m.run(gtd);
  Command day = m.f.limit(1, Side::kBuy, 1000, 279'000);  // id 2
  day.time_in_force = TimeInForce::kDay;
  m.run(day);
  m.f.advance(499);
  CHECK(m.run(m.f.of_type(CommandType::kClock)).empty());
  m.f.advance(1);
  auto events = m.run(m.f.of_type(CommandType::kClock));
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == EventType::kExpired);
  CHECK(events[0].order_id == 1);
  CHECK(events[0].expiry_reason == ExpiryReason::kGoodTillDate);
  events = m.run(m.f.of_type(CommandType::kEndOfDay));
  REQUIRE(events.size() == 2);
  CHECK(events[0].order_id == 2);
  CHECK(events[0].expiry_reason == ExpiryReason::kEndOfDay);
  CHECK(m.engine.open_orders() == 0);
}

TEST_CASE("mass cancel by participant, by instrument, and both", "[mass-cancel]") {
  Market m;
  m.run(m.f.limit(1, Side::kBuy, 1000, 280'000));               // id 1
  m.run(m.f.limit(2, Side::kBuy, 1000, 281'000));               // id 2
  m.run(m.f.limit(1, Side::kSell, 1000, 7'000'000, 1));         // id 3, copper
  m.run(m.f.limit(1, Side::kSell, 1000, 290'000));              // id 4
  Command mc = m.f.of_type(CommandType::kMassCancel);
  mc.participant = 1;
  mc.instrument = 0;
  auto cancels = of_type(m.run(mc), EventType::kCancelled);
  REQUIRE(cancels.size() == 2);
  CHECK(cancels[0].order_id == 1);
  CHECK(cancels[1].order_id == 4);
  CHECK(cancels[0].cancel_reason == CancelReason::kMassCancel);
  mc = m.f.of_type(CommandType::kMassCancel);
  mc.participant = kAnyParticipant;
  mc.instrument = 1;
  cancels = of_type(m.run(mc), EventType::kCancelled);
  REQUIRE(cancels.size() == 1);
  CHECK(cancels[0].order_id == 3);
  mc = m.f.of_type(CommandType::kMassCancel);
  mc.participant = 2;
  mc.instrument = kAnyInstrument;
  cancels = of_type(m.run(mc), EventType::kCancelled);
  REQUIRE(cancels.size() == 1);
  CHECK(m.engine.open_orders() == 0);
}

TEST_CASE("halt and resume by instrument, commodity and market: halted books refuse new orders and amends", "[halt]") {
  Market m;
  m.run(m.f.limit(1, Side::kBuy, 1000, 280'000));  // id 1, steel (instrument 0, commodity 0)
  Command halt = m.f.of_type(CommandType::kHalt);
  halt.instrument = 0;
  auto events = m.run(halt);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == EventType::kTradingStatus);
  CHECK(events[0].instrument == 0);
  CHECK(events[0].halted);
  halt = m.f.of_type(CommandType::kHalt);  // again: nothing changes, no event
  halt.instrument = 0;
  CHECK(m.run(halt).empty());
  CHECK(m.run(m.f.limit(1, Side::kBuy, 1000, 280'000))[0].reject == RejectCode::kInstrumentHalted);
  CHECK(m.run(m.f.amend(1, 1, 0, 280'100))[0].reject == RejectCode::kInstrumentHalted);
  CHECK(m.run(m.f.limit(1, Side::kBuy, 1000, 7'000'000, 1))[0].type == EventType::kAccepted);  // copper trades on
  CHECK(m.run(m.f.cancel(1, 1))[0].type == EventType::kCancelled);  // cancels go on while halted
  const auto snap = m.engine.snapshot();
  CHECK(snap.halted == std::vector<InstrumentId>{0});
  Command resume = m.f.of_type(CommandType::kResume);
  resume.instrument = kAnyInstrument;  // the whole market
  events = m.run(resume);
  REQUIRE(events.size() == 1);
  CHECK_FALSE(events[0].halted);
  CHECK(m.run(m.f.limit(1, Side::kBuy, 1000, 280'000))[0].type == EventType::kAccepted);

  Command bad = m.f.of_type(CommandType::kHalt);
  bad.instrument = 0;
  bad.commodity = 0;
  CHECK(m.run(bad)[0].reject == RejectCode::kInvalidHaltScope);
  bad = m.f.of_type(CommandType::kHalt);
  bad.instrument = kAnyInstrument;
  bad.commodity = 7;
  CHECK(m.run(bad)[0].reject == RejectCode::kUnknownCommodity);
  bad.seq = m.f.last_seq() + 1;
  bad.instrument = 9;
  bad.commodity = kAnyCommodity;
  CHECK(m.run(bad)[0].reject == RejectCode::kUnknownInstrument);
}
