// A snapshot taken at any point, restored into a fresh engine, continues exactly as the original.
#include <catch2/catch.hpp>

#include "matcher/engine.hpp"
#include "tests/property/command_generator.hpp"
#include "tests/reference_book/reference_book.hpp"

using namespace rex::matcher;

TEST_CASE("snapshot and restore continue the command stream bit for bit", "[snapshot]") {
  const auto instruments = rex::testing::property_instruments();
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    rex::testing::ReferenceBook aim(instruments);  // the generator aims cancels and amends with it
    rex::testing::CommandGenerator generator(seed, instruments);
    Engine original(instruments);
    std::unique_ptr<Engine> restored;
    EventBuffer expected;
    EventBuffer actual;
    EventBuffer ignored;
    for (int i = 0; i < 20000; ++i) {
      const Command c = generator.next(aim);
      ignored.clear();
      aim.process(c, ignored);
      expected.clear();
      original.process(c, expected);
      if (restored) {
        actual.clear();
        restored->process(c, actual);
        INFO("seed " << seed << " command " << i);
        REQUIRE(actual == expected);
      }
      if (i % 4999 == 1000) {  // restore a new copy every few thousand commands
        const EngineSnapshot snap = original.snapshot();
        restored = std::make_unique<Engine>(instruments);
        restored->restore(snap);
        REQUIRE(restored->snapshot() == snap);
        REQUIRE(restored->open_orders() == original.open_orders());
      }
    }
    REQUIRE(restored->snapshot() == original.snapshot());
  }
}

TEST_CASE("restore refuses a snapshot its instruments cannot hold", "[snapshot]") {
  const auto instruments = rex::testing::property_instruments();
  EngineSnapshot snap;
  snap.last_seq = 10;
  snap.last_priority = 1;
  RestingOrder r;
  r.id = 3;
  r.priority = 1;
  r.instrument = 0;
  r.price = instruments[0].price_floor;
  r.open = instruments[0].lot_minimum;
  r.visible = r.open;
  snap.orders.push_back(r);
  {
    Engine ok(instruments);
    REQUIRE_NOTHROW(ok.restore(snap));
    REQUIRE(ok.open_orders() == 1);
  }
  auto refused = [&](auto edit, const char* rule) {
    EngineSnapshot bad = snap;
    edit(bad.orders[0]);
    Engine e(instruments);
    REQUIRE_THROWS_WITH(e.restore(bad), Catch::Contains(rule));
    REQUIRE(e.open_orders() == 0);
  };
  refused([](RestingOrder& o) { o.instrument = 99; }, "unknown instrument");
  refused([](RestingOrder& o) { o.id = 11; }, "sequence number");
  refused([](RestingOrder& o) { o.priority = 2; }, "placements");
  refused([&](RestingOrder& o) { o.price = instruments[0].price_ceiling + instruments[0].tick_size; }, "price");
  refused([](RestingOrder& o) { o.open = 0; }, "open quantity");
  refused([](RestingOrder& o) { o.visible = 1; }, "visible");
  refused([](RestingOrder& o) { o.time_in_force = TimeInForce::kGoodTillDate; }, "expiry");
  refused([](RestingOrder& o) { o.time_in_force = TimeInForce::kImmediateOrCancel; }, "time in force");
}
