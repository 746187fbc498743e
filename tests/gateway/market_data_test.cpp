// Market data books: levels from BOOK_LEVEL events and from recovered orders, top of book, trades.
#include <catch2/catch.hpp>

#include "gateway/market_data.hpp"

using namespace rex::gateway;
using rex::matcher::Side;

TEST_CASE("levels: add, change, remove, best first, an unchanged level is no change", "[gateway][market_data]") {
  InstrumentBook b;
  CHECK(b.apply(Side::kBuy, {100, 5, 1}));
  CHECK(b.apply(Side::kBuy, {110, 7, 2}));
  CHECK(b.apply(Side::kSell, {120, 3, 1}));
  CHECK(b.apply(Side::kSell, {115, 1, 1}));
  CHECK_FALSE(b.apply(Side::kBuy, {110, 7, 2}));
  CHECK_FALSE(b.apply(Side::kSell, {130, 0, 0}));
  auto top = b.top();
  REQUIRE(top.bid);
  CHECK(top.bid->price == 110);
  CHECK(top.ask->price == 115);
  CHECK(b.levels(Side::kBuy, 10) == std::vector<Level>{{110, 7, 2}, {100, 5, 1}});
  CHECK(b.levels(Side::kSell, 1) == std::vector<Level>{{115, 1, 1}});
  CHECK(b.apply(Side::kSell, {115, 0, 0}));
  CHECK(b.top().ask->price == 120);
  CHECK(b.next_sequence() == 1);
  CHECK(b.sequence() == 1);
}

TEST_CASE("recovered orders become levels", "[gateway][market_data]") {
  rex::matcher::EngineSnapshot s;
  auto order = [](rex::matcher::OrderId id, rex::matcher::InstrumentId ins, Side side, rex::matcher::Price p,
                  rex::matcher::Quantity visible) {
    rex::matcher::RestingOrder o;
    o.id = id;
    o.instrument = ins;
    o.side = side;
    o.price = p;
    o.open = visible * 2;
    o.visible = visible;
    return o;
  };
  s.orders = {order(1, 0, Side::kBuy, 100, 5), order(2, 0, Side::kBuy, 100, 6), order(3, 0, Side::kBuy, 90, 1),
              order(4, 0, Side::kSell, 120, 2), order(5, 1, Side::kSell, 50, 9)};
  s.halted = {1};
  std::vector<InstrumentBook> books(2);
  load_levels(books, s);
  CHECK(books[0].levels(Side::kBuy, 10) == std::vector<Level>{{100, 11, 2}, {90, 1, 1}});
  CHECK(books[0].levels(Side::kSell, 10) == std::vector<Level>{{120, 2, 1}});
  CHECK(books[1].levels(Side::kSell, 10) == std::vector<Level>{{50, 9, 1}});
  CHECK(books[1].halted);
  CHECK_FALSE(books[0].halted);
}

TEST_CASE("recent trades are bounded and give the last price", "[gateway][market_data]") {
  InstrumentBook b;
  CHECK_FALSE(b.last_price());
  for (int i = 1; i <= 5; ++i) b.record_trade({static_cast<std::uint64_t>(i), 100 + i, 1, Side::kBuy, 0}, 3);
  CHECK(b.recent_trades().size() == 3);
  CHECK(b.recent_trades().front().id == 3);
  CHECK(*b.last_price() == 105);
}
