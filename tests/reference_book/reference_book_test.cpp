// Hand-written checks of the reference book on the rules that are easiest to get wrong, so the
// reference cannot silently share a mistake with the engine.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <vector>

#include "tests/reference_book/printer.hpp"
#include "tests/reference_book/reference_book.hpp"

namespace rex::testing {
namespace {

using namespace matcher;

InstrumentSpec spec(InstrumentId id) {
  InstrumentSpec s;
  s.id = id;
  s.code = "TEST-" + std::to_string(id);
  s.tick_size = 10;
  s.lot_minimum = 1000;
  s.lot_increment = 500;
  s.price_floor = 1000;
  s.price_ceiling = 2000;
  s.hub = id;  // one commodity (0), one grade, a hub each: every buy here is a plain bid
  return s;
}

// Builds stamped commands and keeps the last command's events.
class Harness {
 public:
  Harness() : book_({spec(0), spec(1)}) {}
  explicit Harness(std::vector<InstrumentSpec> specs) : book_(std::move(specs), 0xC0FFEE) {}

  Command order(ParticipantId p, Side side, Price price, Quantity qty) {
    Command c;
    c.type = CommandType::kNewOrder;
    c.participant = p;
    c.side = side;
    c.price = price;
    c.quantity = qty;
    return c;
  }
  Command cancel(ParticipantId p, OrderId id) {
    Command c;
    c.type = CommandType::kCancel;
    c.participant = p;
    c.order_id = id;
    return c;
  }
  Command amend(ParticipantId p, OrderId id, Price price, Quantity qty) {
    Command c;
    c.type = CommandType::kAmend;
    c.participant = p;
    c.order_id = id;
    c.price = price;
    c.quantity = qty;
    return c;
  }
  Command simple(CommandType type) {
    Command c;
    c.type = type;
    return c;
  }

  // Stamps the command with the next sequence number and `now`, runs it, returns its seq.
  SequenceNumber run(Command c) {
    c.seq = ++seq_;
    c.timestamp = now;
    events.clear();
    book_.process(c, events);
    return c.seq;
  }
  void run_raw(const Command& c) {
    events.clear();
    book_.process(c, events);
  }

  std::vector<Event> of_type(EventType type) const {
    std::vector<Event> result;
    for (const Event& e : events) {
      if (e.type == type) result.push_back(e);
    }
    return result;
  }
  // (maker, taker, price, quantity) of every trade of the last command.
  std::vector<std::tuple<OrderId, OrderId, Price, Quantity>> trades() const {
    std::vector<std::tuple<OrderId, OrderId, Price, Quantity>> result;
    for (const Event& e : of_type(EventType::kTrade)) result.emplace_back(e.order_id, e.taker_order_id, e.price, e.quantity);
    return result;
  }
  std::vector<OrderId> queue_ids(Side side, InstrumentId instrument = 0) const {
    std::vector<OrderId> ids;
    for (const OrderView& v : book_.orders(instrument, side)) ids.push_back(v.id);
    return ids;
  }
  OrderView view(OrderId id, Side side) const {
    for (const OrderView& v : book_.orders(0, side)) {
      if (v.id == id) return v;
    }
    return OrderView{};
  }

  std::vector<Event> events;
  Timestamp now = 1000;
  const ReferenceBook& book() const { return book_; }

 private:
  ReferenceBook book_;
  SequenceNumber seq_ = 0;
};

using Trade = std::tuple<OrderId, OrderId, Price, Quantity>;

TEST_CASE("reference: resting all-or-none is skipped, keeps its place, never blocks", "[reference_book]") {
  Harness h;
  const auto aon = h.run([&] { auto c = h.order(1, Side::kSell, 1500, 5000); c.all_or_none = true; return c; }());
  const auto plain = h.run(h.order(2, Side::kSell, 1500, 2000));
  const auto buy = h.run(h.order(3, Side::kBuy, 1500, 3000));
  CHECK(h.trades() == std::vector<Trade>{{plain, buy, 1500, 2000}});
  // The buy remainder (1000) rests, crossing the AON ask: a legal crossed book.
  CHECK(h.queue_ids(Side::kSell) == std::vector<OrderId>{aon});
  CHECK(h.queue_ids(Side::kBuy) == std::vector<OrderId>{buy});
  // BOOK_LEVEL: sell 1500 went from 7000/2 to 5000/1, buy 1500 appeared.
  const auto levels = h.of_type(EventType::kBookLevel);
  REQUIRE(levels.size() == 2);
  CHECK((levels[0].side == Side::kBuy && levels[0].quantity == 1000 && levels[0].order_count == 1));
  CHECK((levels[1].side == Side::kSell && levels[1].quantity == 5000 && levels[1].order_count == 1));
  // A big enough incoming takes the AON lot whole, at its price.
  const auto big = h.run(h.order(4, Side::kBuy, 1600, 6000));
  CHECK(h.trades() == std::vector<Trade>{{aon, big, 1500, 5000}});
}

TEST_CASE("reference: incoming all-or-none takes the first order that gives everything", "[reference_book]") {
  Harness h;
  const auto small = h.run(h.order(1, Side::kSell, 1500, 2000));
  const auto aon_other = h.run([&] { auto c = h.order(2, Side::kSell, 1500, 4000); c.all_or_none = true; return c; }());
  const auto exact = h.run([&] { auto c = h.order(2, Side::kSell, 1510, 3000); c.all_or_none = true; return c; }());
  const auto big = h.run(h.order(2, Side::kSell, 1520, 9000));
  auto c = h.order(3, Side::kBuy, 1520, 3000);
  c.all_or_none = true;
  const auto buy = h.run(c);
  CHECK(h.trades() == std::vector<Trade>{{exact, buy, 1510, 3000}});
  CHECK(h.queue_ids(Side::kSell) == std::vector<OrderId>{small, aon_other, big});
}

TEST_CASE("reference: iceberg refills to the back and the same incoming meets it again", "[reference_book]") {
  Harness h;
  auto ice = h.order(1, Side::kSell, 1500, 5000);
  ice.display_quantity = 2000;
  const auto iceberg = h.run(ice);
  const auto other = h.run(h.order(2, Side::kSell, 1500, 1000));
  const auto buy = h.run(h.order(3, Side::kBuy, 1500, 4500));
  // slice 2000, refill -> behind `other`; other 1000; iceberg again 1500 of its new 2000 slice.
  CHECK(h.trades() == std::vector<Trade>{{iceberg, buy, 1500, 2000}, {other, buy, 1500, 1000}, {iceberg, buy, 1500, 1500}});
  const OrderView v = h.view(iceberg, Side::kSell);
  CHECK(v.open == 1500);
  CHECK(v.visible == 500);
  // An iceberg alone at its level keeps refilling for the same incoming order.
  Harness solo;
  auto ice2 = solo.order(1, Side::kSell, 1500, 5000);
  ice2.display_quantity = 1000;
  const auto id = solo.run(ice2);
  const auto taker = solo.run(solo.order(2, Side::kBuy, 1500, 3500));
  CHECK(solo.trades() == std::vector<Trade>{{id, taker, 1500, 1000}, {id, taker, 1500, 1000}, {id, taker, 1500, 1000}, {id, taker, 1500, 500}});
  CHECK(solo.view(id, Side::kSell).visible == 500);
  CHECK(solo.view(id, Side::kSell).open == 1500);
}

TEST_CASE("reference: STP decrement against an iceberg", "[reference_book]") {
  Harness h;
  auto ice = h.order(1, Side::kSell, 1500, 5000);
  ice.display_quantity = 2000;
  const auto iceberg = h.run(ice);
  const auto other = h.run(h.order(2, Side::kSell, 1500, 1000));
  auto c = h.order(1, Side::kBuy, 1500, 2500);
  c.self_trade = SelfTradePrevention::kDecrement;
  const auto buy = h.run(c);
  const auto cancels = h.of_type(EventType::kCancelled);
  REQUIRE(cancels.size() == 2);
  CHECK((cancels[0].order_id == iceberg && cancels[0].quantity == 2000 && cancels[0].leaves == 3000));
  CHECK((cancels[1].order_id == buy && cancels[1].quantity == 2000 && cancels[1].leaves == 500));
  CHECK(cancels[0].cancel_reason == CancelReason::kSelfTradePrevention);
  // The iceberg refilled and went behind `other`, which then trades the remaining 500.
  CHECK(h.trades() == std::vector<Trade>{{other, buy, 1500, 500}});
  CHECK(h.queue_ids(Side::kSell) == std::vector<OrderId>{other, iceberg});
  CHECK(h.view(iceberg, Side::kSell).visible == 2000);
}

TEST_CASE("reference: STP cancel modes", "[reference_book]") {
  Harness h;
  const auto own = h.run(h.order(1, Side::kSell, 1500, 1000));
  const auto theirs = h.run(h.order(2, Side::kSell, 1500, 1000));
  SECTION("cancel resting continues") {
    auto c = h.order(1, Side::kBuy, 1500, 2000);
    c.self_trade = SelfTradePrevention::kCancelResting;
    const auto buy = h.run(c);
    CHECK(h.events[1].type == EventType::kCancelled);
    CHECK(h.events[1].order_id == own);
    CHECK(h.trades() == std::vector<Trade>{{theirs, buy, 1500, 1000}});
    CHECK(h.queue_ids(Side::kBuy) == std::vector<OrderId>{buy});
  }
  SECTION("cancel incoming replaces the remainder step") {
    auto c = h.order(1, Side::kBuy, 1500, 2000);
    c.self_trade = SelfTradePrevention::kCancelIncoming;
    const auto buy = h.run(c);
    REQUIRE(h.events.size() == 2);
    CHECK(h.events[1].order_id == buy);
    CHECK(h.events[1].quantity == 2000);
    CHECK(h.queue_ids(Side::kSell) == std::vector<OrderId>{own, theirs});
    CHECK(h.queue_ids(Side::kBuy).empty());
  }
  SECTION("cancel both") {
    auto c = h.order(1, Side::kBuy, 1500, 2000);
    c.self_trade = SelfTradePrevention::kCancelBoth;
    const auto buy = h.run(c);
    REQUIRE(h.of_type(EventType::kCancelled).size() == 2);
    CHECK(h.events[1].order_id == own);
    CHECK(h.events[2].order_id == buy);
    CHECK(h.queue_ids(Side::kSell) == std::vector<OrderId>{theirs});
  }
}

TEST_CASE("reference: FOK and minimum quantity dry runs leave the book alone", "[reference_book]") {
  Harness h;
  const auto own = h.run(h.order(1, Side::kSell, 1500, 1000));
  h.run(h.order(2, Side::kSell, 1510, 1000));
  auto fok = h.order(1, Side::kBuy, 1510, 2000);
  fok.time_in_force = TimeInForce::kFillOrKill;
  fok.self_trade = SelfTradePrevention::kCancelResting;
  const auto id = h.run(fok);
  // Cancelling its own resting order leaves only 1000 to trade: killed, own order untouched.
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[1].type == EventType::kCancelled);
  CHECK(h.events[1].cancel_reason == CancelReason::kFillOrKill);
  CHECK(h.events[1].order_id == id);
  CHECK(h.events[1].quantity == 2000);
  CHECK(h.queue_ids(Side::kSell).front() == own);

  auto min = h.order(3, Side::kBuy, 1510, 3000);
  min.min_quantity = 2500;
  h.run(min);
  CHECK(h.of_type(EventType::kCancelled).at(0).cancel_reason == CancelReason::kMinQuantityNotMet);
  min.min_quantity = 2000;
  const auto ok = h.run(min);
  CHECK(h.trades().size() == 2);
  CHECK(h.queue_ids(Side::kBuy) == std::vector<OrderId>{ok});  // the remainder rests
}

TEST_CASE("reference: GTD expiry order, rejects and bad stamps", "[reference_book]") {
  Harness h;
  auto gtd = h.order(1, Side::kBuy, 1500, 1000);
  gtd.time_in_force = TimeInForce::kGoodTillDate;
  gtd.expiry = 5000;
  const auto late = h.run(gtd);
  gtd.expiry = 3000;
  gtd.price = 1400;
  const auto early = h.run(gtd);
  gtd.expiry = 5000;
  gtd.price = 1300;
  const auto late2 = h.run(gtd);

  // A badly stamped command changes nothing and expires nothing.
  Command bad = h.simple(CommandType::kClock);
  bad.seq = 100;
  bad.timestamp = 999;  // before the last timestamp (1000)
  h.run_raw(bad);
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].reject == RejectCode::kTimestampDecreasing);
  bad.seq = 3;
  bad.timestamp = 9000;
  h.run_raw(bad);
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].reject == RejectCode::kSequenceNotIncreasing);

  // A command rejected for its own content still runs the expiries first.
  h.now = 5000;
  h.run(h.order(1, Side::kBuy, 1505, 1000));  // off tick
  REQUIRE(h.events.size() >= 4);
  CHECK(h.events[0].type == EventType::kExpired);
  CHECK(h.events[0].order_id == early);
  CHECK(h.events[1].order_id == late);
  CHECK(h.events[2].order_id == late2);
  CHECK(h.events[3].reject == RejectCode::kPriceOffTick);
  // Levels: buy side, highest price first.
  const auto levels = h.of_type(EventType::kBookLevel);
  REQUIRE(levels.size() == 3);
  CHECK(levels[0].price == 1500);
  CHECK(levels[1].price == 1400);
  CHECK(levels[2].price == 1300);
  CHECK(h.book().open_orders() == 0);
}

TEST_CASE("reference: amend priority rules and marketable amends", "[reference_book]") {
  Harness h;
  const auto a = h.run(h.order(1, Side::kBuy, 1500, 3000));
  const auto b = h.run(h.order(2, Side::kBuy, 1500, 3000));
  h.run(h.amend(1, a, 0, 2000));
  CHECK(h.events[0].priority_kept);
  CHECK(h.queue_ids(Side::kBuy) == std::vector<OrderId>{a, b});
  h.run(h.amend(1, a, 0, 2500));
  CHECK_FALSE(h.events[0].priority_kept);
  CHECK(h.queue_ids(Side::kBuy) == std::vector<OrderId>{b, a});
  h.run(h.amend(1, a, 1500, 2500));
  CHECK(h.events[0].reject == RejectCode::kAmendNoChange);
  h.run(h.amend(2, a, 1400, 0));
  CHECK(h.events[0].reject == RejectCode::kNotOrderOwner);
  CHECK(h.events[0].order_id == a);

  const auto ask = h.run(h.order(3, Side::kSell, 1600, 1000));
  h.run(h.amend(2, b, 1600, 0));
  CHECK(h.events[0].type == EventType::kAmended);
  CHECK(h.events[0].price == 1600);
  CHECK(h.trades() == std::vector<Trade>{{ask, b, 1600, 1000}});
  CHECK(h.view(b, Side::kBuy).open == 2000);
  CHECK(h.view(b, Side::kBuy).price == 1600);

  // A post-only order may not be amended to a different, marketable price.
  h.run(h.order(3, Side::kSell, 1700, 1000));
  auto po = h.order(4, Side::kBuy, 1650, 1000);
  po.post_only = true;
  const auto post = h.run(po);
  h.run(h.amend(4, post, 1700, 0));
  CHECK(h.events[0].reject == RejectCode::kPostOnlyWouldCross);
  CHECK(h.view(post, Side::kBuy).price == 1650);
}

TEST_CASE("reference: a size cut that makes a crossed order fillable matches", "[reference_book]") {
  Harness h;
  // The AON bid is too big for the ask and rests across it; cut to 3000 (priority kept) it is
  // still marketable and now fillable: it matches after the AMENDED.
  const auto ask = h.run(h.order(3, Side::kSell, 1500, 4000));
  auto c = h.order(2, Side::kBuy, 1600, 11000);
  c.all_or_none = true;
  const auto bid = h.run(c);
  CHECK(h.trades().empty());
  h.run(h.amend(2, bid, 0, 3000));
  REQUIRE(h.events.size() >= 2);
  CHECK(h.events[0].type == EventType::kAmended);
  CHECK(h.events[0].priority_kept);
  CHECK(h.trades() == std::vector<Trade>{{ask, bid, 1500, 3000}});
  CHECK(h.queue_ids(Side::kBuy).empty());

  // An iceberg whose slice was too small for an AON ask trades its whole open quantity as the
  // incoming side once amended; its remainder keeps its place and a slice no bigger than before.
  Harness g;
  auto ice = g.order(2, Side::kBuy, 1600, 10000);
  ice.display_quantity = 2000;
  const auto iceberg = g.run(ice);
  auto a = g.order(3, Side::kSell, 1500, 6000);
  a.all_or_none = true;
  const auto aon = g.run(a);
  CHECK(g.trades().empty());
  g.run(g.amend(2, iceberg, 0, 9000));
  CHECK(g.trades() == std::vector<Trade>{{aon, iceberg, 1500, 6000}});
  CHECK(g.view(iceberg, Side::kBuy).open == 3000);
  CHECK(g.view(iceberg, Side::kBuy).visible == 2000);
}

TEST_CASE("reference: post-only counts all-or-none lots, and new order checks run in order", "[reference_book]") {
  Harness h;
  auto aon = h.order(1, Side::kSell, 1500, 5000);
  aon.all_or_none = true;
  h.run(aon);
  auto po = h.order(2, Side::kBuy, 1500, 1000);
  po.post_only = true;
  h.run(po);
  CHECK(h.events[0].reject == RejectCode::kPostOnlyWouldCross);

  auto c = h.order(2, Side::kBuy, 1505, 1200);  // off tick and off increment: quantity first
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kQuantityNotLotIncrement);
  c = h.order(2, Side::kBuy, 0, 1000);
  c.order_type = OrderType::kMarket;
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kMarketOrderNotImmediate);
  c.time_in_force = TimeInForce::kImmediateOrCancel;
  c.post_only = true;
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kPostOnlyNotResting);
  c = h.order(2, Side::kBuy, 1500, 3000);
  c.display_quantity = -1;
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kDisplayQuantityInvalid);
  c.all_or_none = true;  // any non-zero display is an iceberg: the all-or-none check comes first
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kIcebergAllOrNone);
  c = h.order(2, Side::kBuy, 1500, 3000);
  c.min_quantity = 1000;
  c.self_trade = SelfTradePrevention::kDecrement;
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kDecrementNotAllowed);
  c = h.order(2, Side::kBuy, 1500, 3000);
  c.expiry = 77;
  h.run(c);
  CHECK(h.events[0].reject == RejectCode::kExpiryWithoutGtd);
  CHECK(h.events[0].participant == 2);
}

TEST_CASE("reference: END_OF_DAY and mass cancel order", "[reference_book]") {
  Harness h;
  auto day = [&](ParticipantId p, InstrumentId i, Side s, Price px) {
    auto c = h.order(p, s, px, 1000);
    c.instrument = i;
    c.time_in_force = TimeInForce::kDay;
    return h.run(c);
  };
  const auto s1 = day(1, 1, Side::kSell, 1800);
  const auto b1 = day(1, 1, Side::kBuy, 1100);
  const auto b0 = day(2, 0, Side::kBuy, 1200);
  const auto b0hi = day(1, 0, Side::kBuy, 1300);
  const auto gtc = h.run(h.order(1, Side::kSell, 1900, 1000));
  h.run(h.simple(CommandType::kEndOfDay));
  const auto expired = h.of_type(EventType::kExpired);
  REQUIRE(expired.size() == 4);
  CHECK(expired[0].order_id == b0hi);
  CHECK(expired[1].order_id == b0);
  CHECK(expired[2].order_id == b1);
  CHECK(expired[3].order_id == s1);
  CHECK(expired[0].expiry_reason == ExpiryReason::kEndOfDay);
  CHECK(h.book().open_orders() == 1);

  Command mass = h.simple(CommandType::kMassCancel);
  mass.participant = kAnyParticipant;
  mass.instrument = kAnyInstrument;
  h.run(mass);
  CHECK(h.events[0].reject == RejectCode::kInvalidMassCancelScope);
  mass.participant = 1;
  h.run(mass);
  REQUIRE(h.of_type(EventType::kCancelled).size() == 1);
  CHECK(h.events[0].order_id == gtc);
  CHECK(h.events[0].cancel_reason == CancelReason::kMassCancel);
}

TEST_CASE("reference: halt and resume", "[reference_book]") {
  Harness h;  // instruments 0 and 1, both commodity 0
  const auto resting = h.run(h.order(1, Side::kSell, 1500, 1000));
  const auto other = h.run([&] { auto c = h.order(1, Side::kSell, 1500, 1000); c.instrument = 1; return c; }());
  Command halt = h.simple(CommandType::kHalt);
  halt.instrument = kAnyInstrument;
  halt.commodity = 0;
  h.run(halt);
  REQUIRE(h.events.size() == 2);
  CHECK((h.events[0].type == EventType::kTradingStatus && h.events[0].instrument == 0 && h.events[0].halted));
  CHECK((h.events[1].instrument == 1 && h.events[1].halted));
  h.run(halt);
  CHECK(h.events.empty());  // already halted: no change, no event

  h.run(h.order(2, Side::kBuy, 1500, 1000));
  CHECK(h.events[0].reject == RejectCode::kInstrumentHalted);
  h.run(h.amend(2, resting, 1510, 0));  // halted wins over the owner check
  CHECK(h.events[0].reject == RejectCode::kInstrumentHalted);
  h.run(h.amend(1, 999, 1510, 0));
  CHECK(h.events[0].reject == RejectCode::kUnknownOrder);

  Command bad = halt;
  bad.instrument = 0;
  h.run(bad);
  CHECK(h.events[0].reject == RejectCode::kInvalidHaltScope);
  bad.commodity = kAnyCommodity;
  bad.instrument = 7;
  h.run(bad);
  CHECK(h.events[0].reject == RejectCode::kUnknownInstrument);
  bad.instrument = kAnyInstrument;
  bad.commodity = 3;
  h.run(bad);
  CHECK(h.events[0].reject == RejectCode::kUnknownCommodity);

  Command resume = h.simple(CommandType::kResume);
  resume.instrument = 0;
  h.run(resume);
  REQUIRE(h.events.size() == 1);
  CHECK_FALSE(h.events[0].halted);
  const auto buy = h.run(h.order(2, Side::kBuy, 1500, 1000));
  CHECK(h.trades() == std::vector<Trade>{{resting, buy, 1500, 1000}});
  // Cancels go on in a halted instrument.
  h.run(h.cancel(1, other));
  CHECK(h.events[0].type == EventType::kCancelled);
}

// docs/quality-matching.md's worked example, in fen: copper, grades 0 Barley and 1 Berry, hubs 0
// Xuchang and 1 Zhengzhou.
std::vector<InstrumentSpec> copper_catalogue() {
  auto make = [](InstrumentId id, std::uint32_t grade, std::uint32_t hub, Price differential) {
    InstrumentSpec s;
    s.id = id;
    s.code = "CU-" + std::to_string(id);
    s.grade = grade;
    s.hub = hub;
    s.differential = differential;
    s.tick_size = 1000;
    s.lot_minimum = 1000;
    s.lot_increment = 1000;
    s.price_floor = 7'000'000;
    s.price_ceiling = 8'000'000;
    refdata::AttributeRange copper;
    copper.attribute = 2;
    copper.min = grade == 0 ? 9990 : 9900;
    copper.max = 10000;
    s.quality = {copper};
    return s;
  };
  return {make(0, 0, 0, 0), make(1, 1, 0, -50'000), make(2, 0, 1, 20'000), make(3, 1, 1, -30'000)};
}

QualityTerms copper_terms(std::int64_t min, std::int64_t max) {
  QualityTerms q;
  q.count = 1;
  q.terms[0].attribute = 2;
  q.terms[0].min = min;
  q.terms[0].max = max;
  return q;
}

TEST_CASE("reference: the quality-matching worked example", "[reference_book]") {
  Harness h(copper_catalogue());
  auto lot = [&](InstrumentId instrument, Price price, std::int64_t copper) {
    auto c = h.order(7, Side::kSell, price, 4000);
    c.instrument = instrument;
    c.quality = copper_terms(copper, copper);
    return h.run(c);
  };
  const auto a = lot(3, 7'565'000, 9960);  // Berry@Zhengzhou, base 7,595,000
  const auto b = lot(0, 7'598'000, 9995);  // Barley@Xuchang, base 7,598,000
  const auto c = lot(1, 7'540'000, 9920);  // Berry@Xuchang, base 7,590,000, fails the bound
  auto bid = h.order(8, Side::kBuy, 7'600'000, 10000);
  bid.accepted_grades = 0b11;
  bid.accepted_hubs = 0b11;
  bid.quality = copper_terms(9950, refdata::kNoUpperLimit);
  const auto mill = h.run(bid);
  CHECK(h.trades() == std::vector<Trade>{{a, mill, 7'565'000, 4000}, {b, mill, 7'598'000, 4000}});
  const auto trades = h.of_type(EventType::kTrade);
  REQUIRE(trades.size() == 2);
  CHECK(trades[0].instrument == 3);
  CHECK(trades[0].base_price == 7'595'000);
  CHECK(trades[0].reference_data == 0xC0FFEE);
  CHECK(trades[1].base_price == 7'598'000);
  // The remainder rests as a quality bid, out of every instrument book; lot (c) stays.
  CHECK(h.queue_ids(Side::kBuy, 0).empty());
  REQUIRE(h.book().quality_bids(0).size() == 1);
  CHECK(h.book().quality_bids(0)[0].open == 2000);
  CHECK(h.book().orders(1, Side::kSell).at(0).id == c);
  const auto tops = h.of_type(EventType::kCommodityTop);
  REQUIRE(tops.size() == 1);
  CHECK((tops[0].has_bid && tops[0].price == 7'600'000));
  CHECK((tops[0].has_ask && tops[0].ask == 7'590'000));
  CHECK(tops[0].quantity == 0);

  // An incoming lot on Barley@Zhengzhou meets the quality bid at its price in the lot's terms.
  auto sell = h.order(9, Side::kSell, 7'620'000, 1000);
  sell.instrument = 2;
  sell.quality = copper_terms(9995, 9995);
  const auto zz = h.run(sell);
  CHECK(h.trades() == std::vector<Trade>{{mill, zz, 7'620'000, 1000}});
  CHECK(h.of_type(EventType::kTrade).at(0).base_price == 7'600'000);

  // A lot without the bounded attribute measured is not acceptable.
  auto unknown = h.order(9, Side::kSell, 7'620'000, 1000);
  unknown.instrument = 2;
  h.run(unknown);
  CHECK(h.trades().empty());
}

TEST_CASE("reference: quality checks", "[reference_book]") {
  Harness h(copper_catalogue());
  auto sell = h.order(1, Side::kSell, 7'500'000, 1000);
  sell.quality = copper_terms(9980, 9980);  // below Barley's 99.90
  h.run(sell);
  CHECK(h.events.at(0).reject == RejectCode::kAssayOutOfSpec);
  CHECK(h.events.at(0).attribute == 2);
  sell.quality = copper_terms(9990, 9995);  // a range is not a measurement
  h.run(sell);
  CHECK(h.events.at(0).reject == RejectCode::kQualityTermsInvalid);
  sell.quality = copper_terms(9995, 9995);
  sell.accepted_grades = 1;
  h.run(sell);
  CHECK(h.events.at(0).reject == RejectCode::kAcceptanceInvalid);

  auto buy = h.order(2, Side::kBuy, 7'500'000, 1000);
  buy.accepted_grades = 0b1000;  // a grade no copper instrument has
  h.run(buy);
  CHECK(h.events.at(0).reject == RejectCode::kAcceptanceInvalid);
  buy.accepted_grades = 0;
  const auto plain = h.run(buy);
  CHECK(h.book().orders(0, Side::kBuy).size() == 1);  // own grade and hub only: a plain bid
  Command amend = h.amend(2, plain, 0, 2000);
  amend.replace_quality = true;
  amend.quality = copper_terms(9950, refdata::kNoUpperLimit);
  h.run(amend);
  CHECK(h.events.at(0).reject == RejectCode::kQualityNotAmendable);
}

}  // namespace
}  // namespace rex::testing
