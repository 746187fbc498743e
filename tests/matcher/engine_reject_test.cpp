// Every reject code the engine can produce, each from the smallest command that provokes it, and
// the promise that a reject changes nothing else.
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include "matcher/engine.hpp"
#include "test_instruments.hpp"

using namespace rex::matcher;
using rex::testing::CommandFactory;

namespace {

struct RejectCase {
  const char* name;
  RejectCode expected;
  std::function<Command(CommandFactory&)> make;
};

Command with(Command c, const std::function<void(Command&)>& edit) {
  edit(c);
  return c;
}

// A book with a resting bid (id 1, participant 1, 10 t at 2,800) and ask (id 2, participant 2, 10 t at 2,850).
struct Fixture {
  Engine engine{rex::testing::test_instruments()};
  CommandFactory f;
  EventBuffer events;
  Fixture() {
    engine.process(f.limit(1, Side::kBuy, 10'000, 280'000), events);
    engine.process(f.limit(2, Side::kSell, 10'000, 285'000), events);
    events.clear();
  }
};

}  // namespace

TEST_CASE("every reject code comes with one REJECTED event and no other change", "[reject]") {
  const std::vector<RejectCase> cases = {
      {"unknown instrument", RejectCode::kUnknownInstrument,
       [](CommandFactory& f) { return f.limit(1, Side::kBuy, 1000, 280'000, 7); }},
      {"bad side", RejectCode::kInvalidEnumValue,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.side = static_cast<Side>(9); }); }},
      {"bad time in force", RejectCode::kInvalidEnumValue,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.time_in_force = static_cast<TimeInForce>(5); }); }},
      {"zero quantity", RejectCode::kQuantityNotPositive, [](CommandFactory& f) { return f.limit(1, Side::kBuy, 0, 280'000); }},
      {"negative quantity", RejectCode::kQuantityNotPositive, [](CommandFactory& f) { return f.limit(1, Side::kBuy, -1000, 280'000); }},
      {"huge quantity", RejectCode::kQuantityTooLarge,
       [](CommandFactory& f) { return f.limit(1, Side::kBuy, 1'000'000'000'500, 280'000); }},
      {"below lot minimum", RejectCode::kQuantityBelowLotMinimum, [](CommandFactory& f) { return f.limit(1, Side::kBuy, 500, 280'000); }},
      {"off increment", RejectCode::kQuantityNotLotIncrement, [](CommandFactory& f) { return f.limit(1, Side::kBuy, 1200, 280'000); }},
      {"off tick", RejectCode::kPriceOffTick, [](CommandFactory& f) { return f.limit(1, Side::kBuy, 1000, 280'050); }},
      {"above band", RejectCode::kPriceOutsideBand, [](CommandFactory& f) { return f.limit(1, Side::kBuy, 1000, 310'100); }},
      {"zero price", RejectCode::kPriceOutsideBand, [](CommandFactory& f) { return f.limit(1, Side::kBuy, 1000, 0); }},
      {"market with price", RejectCode::kMarketOrderWithPrice,
       [](CommandFactory& f) { return with(f.market(1, Side::kBuy, 1000), [](Command& c) { c.price = 280'000; }); }},
      {"market GTC", RejectCode::kMarketOrderNotImmediate,
       [](CommandFactory& f) { return with(f.market(1, Side::kBuy, 1000), [](Command& c) { c.time_in_force = TimeInForce::kGoodTillCancel; }); }},
      {"post-only IOC", RejectCode::kPostOnlyNotResting,
       [](CommandFactory& f) {
         return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.post_only = true; c.time_in_force = TimeInForce::kImmediateOrCancel; });
       }},
      {"post-only crossing", RejectCode::kPostOnlyWouldCross,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 285'000), [](Command& c) { c.post_only = true; }); }},
      {"display not below quantity", RejectCode::kDisplayQuantityInvalid,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) { c.display_quantity = 2000; }); }},
      {"display below lot minimum", RejectCode::kDisplayQuantityInvalid,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) { c.display_quantity = 500; }); }},
      {"iceberg all-or-none", RejectCode::kIcebergAllOrNone,
       [](CommandFactory& f) {
         return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) { c.display_quantity = 1000; c.all_or_none = true; });
       }},
      {"min quantity above quantity", RejectCode::kMinQuantityInvalid,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) { c.min_quantity = 2500; }); }},
      {"negative min quantity", RejectCode::kMinQuantityInvalid,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) { c.min_quantity = -1000; }); }},
      {"min quantity with all-or-none", RejectCode::kMinQuantityConflict,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) { c.min_quantity = 1000; c.all_or_none = true; }); }},
      {"decrement with FOK", RejectCode::kDecrementNotAllowed,
       [](CommandFactory& f) {
         return with(f.limit(1, Side::kBuy, 2000, 280'000), [](Command& c) {
           c.time_in_force = TimeInForce::kFillOrKill;
           c.self_trade = SelfTradePrevention::kDecrement;
         });
       }},
      {"GTD without expiry", RejectCode::kExpiryMissing,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.time_in_force = TimeInForce::kGoodTillDate; }); }},
      {"GTD expiry in the past", RejectCode::kExpiryInPast,
       [](CommandFactory& f) {
         return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.time_in_force = TimeInForce::kGoodTillDate; c.expiry = c.timestamp; });
       }},
      {"expiry on GTC", RejectCode::kExpiryWithoutGtd,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.expiry = c.timestamp + 5; }); }},
      {"cancel unknown order", RejectCode::kUnknownOrder, [](CommandFactory& f) { return f.cancel(1, 99); }},
      {"cancel another's order", RejectCode::kNotOrderOwner, [](CommandFactory& f) { return f.cancel(2, 1); }},
      {"amend unknown order", RejectCode::kUnknownOrder, [](CommandFactory& f) { return f.amend(1, 99, 1000, 0); }},
      {"amend off increment", RejectCode::kQuantityNotLotIncrement, [](CommandFactory& f) { return f.amend(1, 1, 1200, 0); }},
      {"amend negative quantity", RejectCode::kQuantityNotPositive, [](CommandFactory& f) { return f.amend(1, 1, -1000, 0); }},
      {"amend off tick", RejectCode::kPriceOffTick, [](CommandFactory& f) { return f.amend(1, 1, 0, 280'001); }},
      {"amend out of band", RejectCode::kPriceOutsideBand, [](CommandFactory& f) { return f.amend(1, 1, 0, 240'000); }},
      {"amend no change", RejectCode::kAmendNoChange, [](CommandFactory& f) { return f.amend(1, 1, 10'000, 280'000); }},
      {"mass cancel without scope", RejectCode::kInvalidMassCancelScope,
       [](CommandFactory& f) {
         return with(f.of_type(CommandType::kMassCancel), [](Command& c) { c.participant = kAnyParticipant; c.instrument = kAnyInstrument; });
       }},
      {"mass cancel unknown instrument", RejectCode::kUnknownInstrument,
       [](CommandFactory& f) { return with(f.of_type(CommandType::kMassCancel), [](Command& c) { c.participant = 1; c.instrument = 5; }); }},
      {"unknown command type", RejectCode::kInvalidCommandType,
       [](CommandFactory& f) { return with(f.of_type(CommandType::kClock), [](Command& c) { c.type = static_cast<CommandType>(42); }); }},
      {"repeated sequence number", RejectCode::kSequenceNotIncreasing,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.seq = 2; }); }},
      {"clock going back", RejectCode::kTimestampDecreasing,
       [](CommandFactory& f) { return with(f.limit(1, Side::kBuy, 1000, 280'000), [](Command& c) { c.timestamp = 5; }); }},
  };

  for (const RejectCase& rc : cases) {
    DYNAMIC_SECTION(rc.name) {
      Fixture fx;
      const auto bids_before = fx.engine.orders(0, Side::kBuy);
      const auto asks_before = fx.engine.orders(0, Side::kSell);
      const Command c = rc.make(fx.f);
      fx.engine.process(c, fx.events);
      std::erase_if(fx.events, [](const Event& e) { return e.type == EventType::kCommodityTop; });
      REQUIRE(fx.events.size() == 1);
      CHECK(fx.events[0].type == EventType::kRejected);
      CHECK(fx.events[0].reject == rc.expected);
      CHECK(fx.events[0].seq == c.seq);
      CHECK(reject_name(rc.expected) != "UNKNOWN_REJECT_CODE");
      CHECK_FALSE(reject_text(rc.expected).empty());
      CHECK(fx.engine.orders(0, Side::kBuy) == bids_before);
      CHECK(fx.engine.orders(0, Side::kSell) == asks_before);
      CHECK(fx.engine.open_orders() == 2);
    }
  }
}

TEST_CASE("a command rejected for its sequence number does not move the sequence", "[reject]") {
  Fixture fx;
  Command stale = fx.f.limit(1, Side::kBuy, 1000, 280'000);
  stale.seq = 1;
  fx.engine.process(stale, fx.events);
  REQUIRE(fx.events.back().reject == RejectCode::kSequenceNotIncreasing);
  fx.events.clear();
  fx.engine.process(fx.f.limit(1, Side::kBuy, 1000, 280'000), fx.events);  // seq 4 still accepted
  REQUIRE(fx.events.front().type == EventType::kAccepted);
}

TEST_CASE("every reject code has a distinct name and a text", "[reject]") {
  std::set<std::string_view> names;
  for (std::uint16_t i = 0; i < kRejectCodeCount; ++i) {
    const auto code = static_cast<RejectCode>(i);
    CHECK(names.insert(reject_name(code)).second);
    CHECK_FALSE(reject_text(code).empty());
  }
  CHECK(reject_name(static_cast<RejectCode>(kRejectCodeCount)) == "UNKNOWN_REJECT_CODE");
}
