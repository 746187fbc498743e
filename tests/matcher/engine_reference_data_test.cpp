// A kReferenceData command (Engine::process_reference_data): new differentials re-price quality
// bids on the base basis, keep their priority, and trades after it carry the new reference data id.
#include <catch2/catch.hpp>

#include "matcher/engine.hpp"
#include "test_instruments.hpp"

using namespace rex::matcher;
using rex::refdata::InstrumentSpec;
using rex::testing::CommandFactory;

namespace {

constexpr std::uint32_t kOldData = 0x11111111;
constexpr std::uint32_t kNewData = 0x22222222;

// Copper BARLEY (grade 0, the base) and BERRY (grade 1), both at the base hub.
std::vector<InstrumentSpec> copper_pair(Price barley_differential, Price berry_differential) {
  std::vector<InstrumentSpec> specs;
  for (std::uint32_t grade = 0; grade < 2; ++grade) {
    InstrumentSpec s;
    s.id = grade;
    s.code = grade == 0 ? "CU-BARLEY-XUCHANG" : "CU-BERRY-XUCHANG";
    s.grade = grade;
    s.tick_size = 1000;
    s.lot_minimum = 1000;
    s.lot_increment = 1000;
    s.price_floor = 7'000'000;
    s.price_ceiling = 8'000'000;
    s.differential = grade == 0 ? barley_differential : berry_differential;
    specs.push_back(s);
  }
  return specs;
}

struct Market {
  Engine engine{copper_pair(0, -50'000), EngineOptions{1024, kOldData}};
  CommandFactory f;
  EventBuffer events;

  const EventBuffer& run(const Command& c) {
    events.clear();
    engine.process(c, events);
    return events;
  }
  const EventBuffer& reload(std::vector<InstrumentSpec> specs, std::uint32_t id = kNewData) {
    Command c = f.of_type(CommandType::kReferenceData);
    c.reference_data = id;
    events.clear();
    engine.process_reference_data(c, std::move(specs), events);
    return events;
  }
  Command quality_bid(ParticipantId p, Price price) {
    Command c = f.limit(p, Side::kBuy, 10'000, price, 0);
    c.accepted_grades = 0b11;
    return c;
  }
};

const Event* find(const EventBuffer& events, EventType type) {
  for (const Event& e : events) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("new differentials re-price quality bids on the base basis and keep their priority", "[reference_data]") {
  Market m;
  m.run(m.quality_bid(1, 7'600'000));                          // id 1, base 76,000
  m.run(m.quality_bid(2, 7'600'000));                          // id 2, same base, behind it
  m.run(m.f.limit(3, Side::kSell, 10'000, 7'600'000, 1));      // id 3: Berry, base 76,500: no trade
  REQUIRE(m.engine.open_orders() == 3);

  const EventBuffer& events = m.reload(copper_pair(20'000, -100'000));
  const Event* applied = find(events, EventType::kReferenceData);
  REQUIRE(applied != nullptr);
  CHECK(applied->reference_data == kNewData);
  CHECK(m.engine.reference_data() == kNewData);
  const Event* top = find(events, EventType::kCommodityTop);
  REQUIRE(top != nullptr);  // the offer's base moved from 76,500 to 77,000; the bid stayed at 76,000
  CHECK(top->has_bid);
  CHECK(top->price == 7'600'000);
  CHECK(top->ask == 7'700'000);

  const auto bids = m.engine.quality_bids(0);
  REQUIRE(bids.size() == 2);
  CHECK(bids[0].id == 1);
  CHECK(bids[1].id == 2);
  CHECK(bids[0].price == 7'620'000);  // base 76,000 + the new Barley differential of 200
  CHECK(m.engine.orders(1, Side::kSell).at(0).price == 7'600'000);  // plain orders keep their own price

  // A Berry lot at 75,000 is 76,000 on the base basis now (it was 75,500): the first bid takes it.
  const EventBuffer& fill = m.run(m.f.limit(4, Side::kSell, 10'000, 7'500'000, 1));
  const Event* trade = find(fill, EventType::kTrade);
  REQUIRE(trade != nullptr);
  CHECK(trade->order_id == 1);
  CHECK(trade->price == 7'500'000);
  CHECK(trade->base_price == 7'600'000);
  CHECK(trade->reference_data == kNewData);

  SECTION("a snapshot records the reference data in force, and restores only under it") {
    const EngineSnapshot snap = m.engine.snapshot();
    CHECK(snap.reference_data == kNewData);
    CHECK(snap.reference_data_seq == 4);
    Engine same(copper_pair(20'000, -100'000), EngineOptions{1024, kNewData});
    same.restore(snap);
    CHECK(same.snapshot() == snap);
    CHECK(same.quality_bids(0).at(0).price == 7'620'000);
    Engine old(copper_pair(0, -50'000), EngineOptions{1024, kOldData});
    CHECK_THROWS_WITH(old.restore(snap), Catch::Contains("reference data"));
  }
}

TEST_CASE("reference data that changes trading rules or strands a quality bid is refused", "[reference_data]") {
  Market m;
  m.run(m.quality_bid(1, 7'950'000));  // base 79,500: near the top of Barley's band
  auto specs = copper_pair(0, -50'000);

  SECTION("a changed tick size") { specs[1].tick_size = 500; }
  SECTION("a changed band") { specs[0].price_ceiling = 8'100'000; }
  SECTION("a changed code") { specs[1].code = "CU-BERRY-ZHENGZHOU"; }
  SECTION("an instrument more") { specs.push_back(specs[1]), specs[2].id = 2, specs[2].code = "CU-X"; }
  SECTION("a differential off tick") { specs[1].differential = -50'500; }
  SECTION("the quality bid would price above its band") { specs[0].differential = 100'000; }

  const EventBuffer& events = m.reload(specs);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == EventType::kRejected);
  CHECK(events[0].reject == RejectCode::kReferenceDataIncompatible);
  CHECK(m.engine.reference_data() == kOldData);
  CHECK(m.engine.quality_bids(0).at(0).price == 7'950'000);
}

TEST_CASE("a kReferenceData command through process() alone is refused", "[reference_data]") {
  Market m;
  Command c = m.f.of_type(CommandType::kReferenceData);
  c.reference_data = kNewData;
  const EventBuffer& events = m.run(c);
  REQUIRE(events.size() == 1);
  CHECK(events[0].reject == RejectCode::kReferenceDataIncompatible);
  CHECK(m.engine.reference_data() == kOldData);
}
