// Quality-aware matching (docs/quality-matching.md): the worked examples, and the rules one by one.
#include <catch2/catch.hpp>

#include "matcher/engine.hpp"
#include "test_instruments.hpp"

using namespace rex::matcher;
using rex::refdata::InstrumentSpec;
using rex::testing::CommandFactory;

namespace {

// Copper: grades BARLEY (0, base) and BERRY (1); hubs XUCHANG (0, base) and ZHENGZHOU (1).
// Attribute 3 is copper content in hundredths of a percent. Tick 10 CNY/t.
constexpr AttributeId kCopperPct = 3;
constexpr std::uint32_t kBarley = 0, kBerry = 1, kXuchang = 0, kZhengzhou = 1;

InstrumentSpec copper(InstrumentId id, std::uint32_t grade, std::uint32_t hub, Price differential, const char* code) {
  InstrumentSpec s;
  s.id = id;
  s.code = code;
  s.commodity = 0;
  s.grade = grade;
  s.hub = hub;
  s.tick_size = 1000;
  s.lot_minimum = 1000;
  s.lot_increment = 1000;
  s.price_floor = 6'800'000 + differential;
  s.price_ceiling = 8'400'000 + differential;
  s.differential = differential;
  s.quality = {AttributeRange{kCopperPct, grade == kBarley ? 9990 : 9900, rex::refdata::kNoUpperLimit}};
  return s;
}

// Steel HMS 2 at Anyang (commodity 1): attribute 0 thickness (0.01 mm), 1 non-metallic (0.01 %).
InstrumentSpec hms2() {
  InstrumentSpec s;
  s.id = 4;
  s.code = "FE-HMS2-ANYANG";
  s.commodity = 1;
  s.grade = 2;
  s.hub = 2;
  s.tick_size = 100;
  s.lot_minimum = 1000;
  s.lot_increment = 500;
  s.price_floor = 200'000;
  s.price_ceiling = 320'000;
  s.differential = -14'000;
  s.quality = {AttributeRange{0, 318, rex::refdata::kNoUpperLimit}, AttributeRange{1, rex::refdata::kNoLowerLimit, 100}};
  return s;
}

std::vector<InstrumentSpec> instruments() {
  return {copper(0, kBarley, kXuchang, 0, "CU-BARLEY-XUCHANG"), copper(1, kBerry, kXuchang, -50'000, "CU-BERRY-XUCHANG"),
          copper(2, kBarley, kZhengzhou, 20'000, "CU-BARLEY-ZHENGZHOU"),
          copper(3, kBerry, kZhengzhou, -30'000, "CU-BERRY-ZHENGZHOU"), hms2()};
}

QualityTerms assay(std::initializer_list<std::pair<AttributeId, std::int64_t>> values) {
  QualityTerms q;
  for (const auto& [attribute, value] : values) q.terms[q.count++] = AttributeRange{attribute, value, value};
  return q;
}

QualityTerms at_least(AttributeId attribute, std::int64_t min) {
  QualityTerms q;
  q.terms[q.count++] = AttributeRange{attribute, min, rex::refdata::kNoUpperLimit};
  return q;
}

struct Market {
  Engine engine{instruments(), EngineOptions{1024, 0xC0FFEE01}};
  CommandFactory f;
  EventBuffer events;

  EventBuffer run(const Command& c) {
    events.clear();
    engine.process(c, events);
    return events;
  }
  Command lot(ParticipantId p, InstrumentId ins, Quantity qty, Price px, QualityTerms q) {
    Command c = f.limit(p, Side::kSell, qty, px, ins);
    c.quality = q;
    return c;
  }
};

std::vector<Event> of_type(const EventBuffer& events, EventType type) {
  std::vector<Event> out;
  for (const auto& e : events) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("worked example: a mill bids for Barley or Berry at Xuchang or Zhengzhou with Cu >= 99.5 %", "[quality]") {
  Market m;
  m.run(m.lot(1, 3, 10'000, 7'565'000, assay({{kCopperPct, 9960}})));  // id 1: Berry@ZZ, base 75,950
  m.run(m.lot(2, 0, 10'000, 7'598'000, assay({{kCopperPct, 9995}})));  // id 2: Barley@XC, base 75,980
  m.run(m.lot(3, 1, 10'000, 7'540'000, assay({{kCopperPct, 9920}})));  // id 3: Berry@XC, base 75,900, fails bound
  Command bid = m.f.limit(9, Side::kBuy, 20'000, 7'600'000, 0);          // on the Barley/Xuchang basis
  bid.accepted_grades = (1u << kBarley) | (1u << kBerry);
  bid.accepted_hubs = (1u << kXuchang) | (1u << kZhengzhou);
  bid.quality = at_least(kCopperPct, 9950);
  const auto events = m.run(bid);
  const auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 2);
  CHECK(trades[0].order_id == 1);
  CHECK(trades[0].instrument == 3);
  CHECK(trades[0].price == 7'565'000);       // the lot's own price on its own instrument
  CHECK(trades[0].base_price == 7'595'000);  // 75,650 - (-300)
  CHECK(trades[0].reference_data == 0xC0FFEE01);
  CHECK(trades[1].order_id == 2);
  CHECK(trades[1].price == 7'598'000);
  CHECK(trades[1].base_price == 7'598'000);
  CHECK(m.engine.orders(1, Side::kSell).size() == 1);  // the off-spec lot stays for another buyer
  CHECK(m.engine.open_orders() == 1);
}

TEST_CASE("a resting quality bid takes lots that arrive later, at its own price converted to the lot's instrument", "[quality]") {
  Market m;
  Command bid = m.f.limit(9, Side::kBuy, 10'000, 7'600'000, 0);  // id 1, base 76,000
  bid.accepted_grades = (1u << kBarley) | (1u << kBerry);
  bid.quality = at_least(kCopperPct, 9950);
  auto events = m.run(bid);
  CHECK(events[0].type == EventType::kAccepted);
  REQUIRE(m.engine.quality_bids(0).size() == 1);
  CHECK(m.engine.quality_bids(0)[0].price == 7'600'000);
  CHECK(of_type(events, EventType::kBookLevel).empty());  // quality bids are in no instrument's levels
  const auto top = of_type(events, EventType::kCommodityTop);
  REQUIRE(top.size() == 1);
  CHECK(top[0].has_bid);
  CHECK(top[0].price == 7'600'000);
  CHECK_FALSE(top[0].has_ask);

  // Berry at Zhengzhou is not accepted (hub), Berry at Xuchang below the bound: no trade, they rest.
  CHECK(of_type(m.run(m.lot(1, 3, 10'000, 7'500'000, assay({{kCopperPct, 9990}}))), EventType::kTrade).empty());
  CHECK(of_type(m.run(m.lot(1, 1, 10'000, 7'500'000, assay({{kCopperPct, 9940}}))), EventType::kTrade).empty());
  // A Berry lot at Xuchang without an assay: quality unknown, not taken.
  CHECK(of_type(m.run(m.f.limit(1, Side::kSell, 10'000, 7'500'000, 1)), EventType::kTrade).empty());
  // A good Berry lot at Xuchang offered at 75,400 (base 75,900): the bid pays its own price in
  // Berry terms, 76,000 - 500 = 75,500.
  events = m.run(m.lot(2, 1, 10'000, 7'540'000, assay({{kCopperPct, 9960}})));
  const auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 1);
  CHECK(trades[0].price == 7'550'000);
  CHECK(trades[0].base_price == 7'600'000);
  CHECK(trades[0].instrument == 1);
}

TEST_CASE("ties after adjustment go to the order that came first, across books", "[quality]") {
  Market m;
  m.run(m.lot(1, 1, 5'000, 7'550'000, assay({{kCopperPct, 9960}})));  // id 1: Berry@XC, base 76,000
  m.run(m.lot(2, 0, 5'000, 7'600'000, assay({{kCopperPct, 9995}})));  // id 2: Barley@XC, base 76,000
  Command bid = m.f.limit(9, Side::kBuy, 5'000, 7'600'000, 0);
  bid.accepted_grades = (1u << kBarley) | (1u << kBerry);
  bid.quality = at_least(kCopperPct, 9950);
  const auto trades = of_type(m.run(bid), EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 1);
}

TEST_CASE("a plain sell meets plain bids and quality bids in adjusted price-time order", "[quality]") {
  Market m;
  Command quality = m.f.limit(9, Side::kBuy, 5'000, 7'600'000, 0);  // id 1: base 76,000 = 75,500 in Berry terms
  quality.accepted_grades = (1u << kBarley) | (1u << kBerry);
  m.run(quality);
  m.run(m.f.limit(8, Side::kBuy, 5'000, 7'550'000, 1));  // id 2: plain Berry bid at 75,500, later
  m.run(m.f.limit(7, Side::kBuy, 5'000, 7'560'000, 1));  // id 3: plain Berry bid at 75,600, best
  const auto trades = of_type(m.run(m.f.limit(1, Side::kSell, 15'000, 7'500'000, 1)), EventType::kTrade);
  REQUIRE(trades.size() == 3);
  CHECK(trades[0].order_id == 3);
  CHECK(trades[1].order_id == 1);  // same adjusted price as id 2, earlier
  CHECK(trades[1].price == 7'550'000);
  CHECK(trades[2].order_id == 2);
}

TEST_CASE("worked example: an indivisible 32.5 t lot of HMS 2 with its assay", "[quality]") {
  Market m;
  Command truck = m.lot(1, 4, 32'500, 260'000, assay({{0, 500}, {1, 60}}));  // id 1
  truck.all_or_none = true;
  m.run(truck);
  m.run(m.lot(2, 4, 10'000, 260'000, assay({{0, 400}, {1, 80}})));  // id 2, behind it
  auto trades = of_type(m.run(m.f.limit(5, Side::kBuy, 20'000, 260'000, 4)), EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 2);  // the truck does not block the lot behind it
  Command mill = m.f.limit(6, Side::kBuy, 40'000, 262'000, 4);
  mill.quality = QualityTerms::of({{1, rex::refdata::kNoLowerLimit, 80}});  // non-metallic <= 0.80 %
  trades = of_type(m.run(mill), EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].order_id == 1);
  CHECK(trades[0].quantity == 32'500);
  CHECK(trades[0].price == 260'000);
  CHECK(trades[0].base_price == 274'000);
}

TEST_CASE("quality rejects", "[quality]") {
  Market m;
  // An assay outside the grade names the attribute.
  auto events = m.run(m.lot(1, 0, 10'000, 7'600'000, assay({{kCopperPct, 9950}})));  // Barley needs 99.90
  REQUIRE(events.size() == 1);
  CHECK(events[0].reject == RejectCode::kAssayOutOfSpec);
  CHECK(events[0].attribute == kCopperPct);
  // A sell's terms must be single values; terms ascend; min <= max.
  QualityTerms range = at_least(kCopperPct, 9990);
  CHECK(m.run(m.lot(1, 0, 10'000, 7'600'000, range))[0].reject == RejectCode::kQualityTermsInvalid);
  QualityTerms unordered = assay({{kCopperPct, 9995}, {1, 5}});
  CHECK(m.run(m.lot(1, 0, 10'000, 7'600'000, unordered))[0].reject == RejectCode::kQualityTermsInvalid);
  Command bid = m.f.limit(9, Side::kBuy, 10'000, 7'600'000, 0);
  bid.quality = QualityTerms::of({{kCopperPct, 9990, 9950}});
  CHECK(m.run(bid)[0].reject == RejectCode::kQualityTermsInvalid);
  // Accepted sets: not on a sell, and they must cover an instrument.
  Command sell = m.f.limit(1, Side::kSell, 10'000, 7'600'000, 0);
  sell.accepted_grades = 1;
  CHECK(m.run(sell)[0].reject == RejectCode::kAcceptanceInvalid);
  bid = m.f.limit(9, Side::kBuy, 10'000, 7'600'000, 0);
  bid.accepted_hubs = 1u << 7;
  CHECK(m.run(bid)[0].reject == RejectCode::kAcceptanceInvalid);
  // Bounds cannot be added to a plain order by an amend, nor an assay changed.
  m.run(m.f.limit(9, Side::kBuy, 10'000, 7'000'000, 0));
  Command amend = m.f.amend(9, m.f.last_seq(), 0, 0);
  amend.replace_quality = true;
  amend.quality = at_least(kCopperPct, 9995);
  CHECK(m.run(amend)[0].reject == RejectCode::kQualityNotAmendable);
  CHECK(m.engine.open_orders() == 1);
}

TEST_CASE("amending a quality bid's bounds loses priority and matches what it now accepts", "[quality]") {
  Market m;
  m.run(m.lot(1, 1, 10'000, 7'540'000, assay({{kCopperPct, 9940}})));  // id 1: Berry@XC, Cu 99.40
  Command bid = m.f.limit(9, Side::kBuy, 10'000, 7'600'000, 0);       // id 2
  bid.accepted_grades = (1u << kBarley) | (1u << kBerry);
  bid.quality = at_least(kCopperPct, 9950);
  CHECK(of_type(m.run(bid), EventType::kTrade).empty());
  Command loosen = m.f.amend(9, 2, 0, 0);
  loosen.replace_quality = true;
  loosen.accepted_grades = (1u << kBarley) | (1u << kBerry);
  loosen.quality = at_least(kCopperPct, 9930);
  const auto events = m.run(loosen);
  REQUIRE(events[0].type == EventType::kAmended);
  CHECK_FALSE(events[0].priority_kept);
  const auto trades = of_type(events, EventType::kTrade);
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].taker_order_id == 2);
  CHECK(trades[0].price == 7'540'000);
  CHECK(m.engine.open_orders() == 0);
}

TEST_CASE("snapshots keep quality bids, assays and priorities", "[quality]") {
  Market m;
  m.run(m.lot(1, 1, 10'000, 7'700'000, assay({{kCopperPct, 9960}})));
  Command bid = m.f.limit(9, Side::kBuy, 10'000, 7'500'000, 0);
  bid.accepted_grades = (1u << kBarley) | (1u << kBerry);
  bid.quality = at_least(kCopperPct, 9950);
  bid.display_quantity = 2'000;
  m.run(bid);
  const auto snap = m.engine.snapshot();
  Engine restored(instruments(), EngineOptions{1024, 0xC0FFEE01});
  restored.restore(snap);
  CHECK(restored.snapshot() == snap);
  const Command sell = m.lot(2, 1, 3'000, 7'000'000, assay({{kCopperPct, 9990}}));
  EventBuffer a, b;
  m.engine.process(sell, a);
  restored.process(sell, b);
  CHECK(a == b);
  CHECK(of_type(a, EventType::kTrade).size() == 2);  // the iceberg's 2 t slice, then its refill
}
