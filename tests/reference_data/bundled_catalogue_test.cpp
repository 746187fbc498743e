// The catalogue shipped in reference-data/catalogue/ loads and has what the exchange needs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/loader.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

const Catalogue& bundled() {
  static const Catalogue catalogue = load_catalogue_file(test::bundled_catalogue_path());
  return catalogue;
}

struct ExpectedGrade {
  const char* code;
  const char* commodity;
};

const ExpectedGrade kGradesMd[] = {
    {"HRS", "FE"},    {"MRS", "FE"},     {"SRS", "FE"},     {"SHRED", "FE"},   {"HMS1", "FE"},
    {"HMS2", "FE"},   {"HMS8020", "FE"}, {"BUSH", "FE"},    {"PS", "FE"},      {"BARLEY", "CU"},
    {"BERRY", "CU"},  {"CANDY", "CU"},   {"BIRCH", "CU"},   {"CLIFF", "CU"},   {"TAINT", "AL"},
    {"TENSE", "AL"},  {"ZORBA", "AL"},   {"UBC", "AL"},     {"RCA", "AL"},     {"OCC11", "WP"},
    {"DSOCC12", "WP"}, {"SOP37", "WP"},  {"MIXED54", "WP"}, {"EN10501", "WP"},
};

const char* const kHenanHubs[] = {"ZHENGZHOU", "LUOYANG", "XINXIANG",  "XUCHANG",   "JIYUAN",
                                  "ANYANG",    "SHANGQIU", "XINYANG",  "ZHOUKOU",   "CHANGGE",
                                  "JIAOZUO",   "SANMENXIA", "PINGDINGSHAN", "LUOHE", "ZHUMADIAN"};

TEST_CASE("bundled catalogue: loads with version, date and a SHA-256 content hash") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  CHECK(catalogue.data().format_version == kCatalogueFormatVersion);
  CHECK_FALSE(catalogue.version().empty());
  CHECK(catalogue.data().effective_date.size() == 10);
  CHECK_FALSE(catalogue.data().differentials_version.empty());
  REQUIRE(catalogue.content_hash().size() == 64);
  CHECK(catalogue.content_hash().find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("bundled catalogue: four commodities, each with a base grade of its own and a base hub") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"FE", "HMS8020"}, {"CU", "BARLEY"}, {"AL", "TAINT"}, {"WP", "OCC11"}};
  REQUIRE(catalogue.commodities().size() == expected.size());
  for (const auto& [code, base] : expected) {
    const Commodity* commodity = catalogue.find_commodity(code);
    REQUIRE(commodity != nullptr);
    const Grade& grade = catalogue.grades()[commodity->base_grade];
    CHECK(grade.code == base);
    CHECK(&catalogue.commodities()[grade.commodity] == commodity);
    CHECK(grade.differential == 0);
    const auto index = static_cast<std::uint32_t>(commodity - catalogue.commodities().data());
    CHECK(catalogue.hub_differential(index, commodity->base_hub) == Price{0});
  }
}

TEST_CASE("bundled catalogue: every grade of grades.md, in its commodity, with sourced limits") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  for (const ExpectedGrade& expected : kGradesMd) {
    INFO(expected.code);
    const Grade* grade = catalogue.find_grade(expected.code);
    REQUIRE(grade != nullptr);
    CHECK(catalogue.commodities()[grade->commodity].code == expected.commodity);
    CHECK_FALSE(grade->standard.empty());
    CHECK_FALSE(grade->limits.empty());
    for (const QualityLimit& limit : grade->limits) {
      CHECK_FALSE(limit.source.empty());
      CHECK((limit.min || limit.max));
      if (limit.min && limit.max) CHECK(*limit.min <= *limit.max);
    }
  }
  CHECK(catalogue.grades().size() == std::size(kGradesMd));
}

TEST_CASE("bundled catalogue: limits are fixed-point at the attribute's scale, approximations flagged") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  const Grade* barley = catalogue.find_grade("BARLEY");
  REQUIRE(barley != nullptr);
  const Attribute* cu = catalogue.find_attribute("CU_PCT");
  REQUIRE(cu != nullptr);
  CHECK(cu->scale == 2);
  CHECK(cu->unit == "% by mass");
  REQUIRE(barley->limits.size() == 1);
  CHECK(&catalogue.attributes()[barley->limits[0].attribute] == cu);
  CHECK(barley->limits[0].min == std::int64_t{9990});  // 99.90 %
  CHECK_FALSE(barley->limits[0].max.has_value());

  // grades.md marks the OCC 11 figures approximate; the catalogue must say so.
  const Grade* occ = catalogue.find_grade("OCC11");
  REQUIRE(occ != nullptr);
  const Attribute* prohibitives = catalogue.find_attribute("PROHIBITIVES_PCT");
  REQUIRE(prohibitives != nullptr);
  const auto it = std::find_if(occ->limits.begin(), occ->limits.end(), [&](const QualityLimit& l) {
    return &catalogue.attributes()[l.attribute] == prohibitives;
  });
  REQUIRE(it != occ->limits.end());
  CHECK(it->approximate);
  CHECK(it->max == std::int64_t{10});  // 1.0 % at scale 1

  const Grade* shred = catalogue.find_grade("SHRED");
  REQUIRE(shred != nullptr);
  REQUIRE(shred->limits.size() == 1);
  CHECK(shred->limits[0].min == std::int64_t{800});
  CHECK(shred->limits[0].max == std::int64_t{1120});
}

TEST_CASE("bundled catalogue: every Henan hub of grades.md, each used by an instrument") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  CHECK(catalogue.hubs().size() == std::size(kHenanHubs));
  for (const char* code : kHenanHubs) {
    INFO(code);
    const Hub* hub = catalogue.find_hub(code);
    REQUIRE(hub != nullptr);
    const auto index = static_cast<std::uint32_t>(hub - catalogue.hubs().data());
    CHECK(std::any_of(catalogue.instruments().begin(), catalogue.instruments().end(),
                      [&](const InstrumentSpec& i) { return i.hub == index; }));
  }
}

TEST_CASE("bundled catalogue: instruments are dense, consistent and within the book's limits") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  const auto& instruments = catalogue.instruments();
  REQUIRE(instruments.size() >= 40);
  std::set<std::uint32_t> graded;
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    const InstrumentSpec& spec = instruments[i];
    INFO(spec.code);
    CHECK(spec.id == i);
    REQUIRE(spec.commodity < catalogue.commodities().size());
    REQUIRE(spec.grade < catalogue.grades().size());
    REQUIRE(spec.hub < catalogue.hubs().size());
    CHECK(catalogue.grades()[spec.grade].commodity == spec.commodity);
    CHECK(spec.code == catalogue.commodities()[spec.commodity].code + "-" +
                           catalogue.grades()[spec.grade].code + "-" +
                           catalogue.hubs()[spec.hub].code);
    CHECK(spec.tick_size > 0);
    CHECK(spec.lot_increment > 0);
    CHECK(spec.lot_minimum % spec.lot_increment == 0);
    CHECK(spec.price_floor > 0);
    CHECK(spec.price_floor % spec.tick_size == 0);
    CHECK(spec.price_ceiling % spec.tick_size == 0);
    CHECK(spec.price_floor < spec.price_ceiling);
    CHECK((spec.price_ceiling - spec.price_floor) / spec.tick_size + 1 <= kMaxBandTicks);
    CHECK(catalogue.find_instrument(spec.code) == &spec);
    CHECK(catalogue.hub_differential(spec.commodity, spec.hub).has_value());
    graded.insert(spec.grade);
  }
  CHECK(graded.size() == catalogue.grades().size());  // every grade trades somewhere

  // The base grade of every commodity trades at several hubs.
  for (std::uint32_t c = 0; c < catalogue.commodities().size(); ++c) {
    const auto hubs = std::count_if(instruments.begin(), instruments.end(), [&](const InstrumentSpec& i) {
      return i.commodity == c && i.grade == catalogue.commodities()[c].base_grade;
    });
    CHECK(hubs >= 3);
  }
}

TEST_CASE("bundled catalogue: base-instrument bands sit around plausible 2026 price levels") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  struct Level {
    const char* code;
    Price low;   // fen/t: the band's midpoint must fall in [low, high]
    Price high;
  };
  const Level levels[] = {{"FE-HMS8020-ANYANG", 250'000, 290'000},
                          {"CU-BARLEY-XUCHANG", 7'000'000, 8'000'000},
                          {"AL-TAINT-ZHENGZHOU", 1'500'000, 1'900'000},
                          {"WP-OCC11-ZHENGZHOU", 130'000, 180'000}};
  for (const Level& level : levels) {
    INFO(level.code);
    const InstrumentSpec* spec = catalogue.find_instrument(level.code);
    REQUIRE(spec != nullptr);
    const Price mid = (spec->price_floor + spec->price_ceiling) / 2;
    CHECK(mid >= level.low);
    CHECK(mid <= level.high);
    // Bands of about +-10-15 %.
    CHECK(spec->price_ceiling - spec->price_floor >= mid / 5);
    CHECK(spec->price_ceiling - spec->price_floor <= mid * 32 / 100);
  }
}

TEST_CASE("bundled catalogue: differentials convert between grades and hubs") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  const InstrumentSpec* base = catalogue.find_instrument("CU-BARLEY-XUCHANG");
  const InstrumentSpec* birch = catalogue.find_instrument("CU-BIRCH-JIYUAN");
  REQUIRE(base != nullptr);
  REQUIRE(birch != nullptr);
  CHECK(catalogue.differential_to_base(*base) == 0);
  const Price expected = catalogue.find_grade("BIRCH")->differential +
                         *catalogue.hub_differential(birch->commodity, birch->hub);
  CHECK(catalogue.differential_to_base(*birch) == expected);
  CHECK(expected < 0);
  for (const Grade& grade : catalogue.grades()) CHECK_FALSE(grade.differential_source.empty());
}

TEST_CASE("bundled catalogue: demo participants of every kind, with roles, permissions and limits") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  const auto count = [&](ParticipantKind kind) {
    return std::count_if(catalogue.participants().begin(), catalogue.participants().end(),
                         [&](const Participant& p) { return p.kind == kind; });
  };
  CHECK(count(ParticipantKind::kRecycler) >= 2);
  CHECK(count(ParticipantKind::kMill) >= 2);
  CHECK(count(ParticipantKind::kTrader) >= 1);
  CHECK(count(ParticipantKind::kExchange) >= 1);
  bool has_operator = false;
  for (const Participant& p : catalogue.participants()) {
    INFO(p.code);
    CHECK(p.id >= 1);
    CHECK(catalogue.find_participant(p.id) == &p);
    CHECK(catalogue.find_participant(p.code) == &p);
    has_operator = has_operator || p.has_role(Role::kOperator);
    if (p.has_role(Role::kTrader)) {
      CHECK_FALSE(p.permissions.empty());
      CHECK(p.max_order_quantity > 0);
      CHECK(p.max_open_buy_value > 0);
    } else {
      CHECK(p.permissions.empty());
      CHECK(p.max_order_quantity == 0);
    }
  }
  CHECK(has_operator);
}

TEST_CASE("lookups: by code and id, nullptr when unknown") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  const InstrumentSpec* spec = catalogue.find_instrument("CU-BARLEY-XUCHANG");
  REQUIRE(spec != nullptr);
  CHECK(catalogue.grades()[spec->grade].code == "BARLEY");
  CHECK(catalogue.hubs()[spec->hub].code == "XUCHANG");
  CHECK(catalogue.find_instrument("cu-barley-xuchang") == nullptr);
  CHECK(catalogue.find_instrument("") == nullptr);
  CHECK(catalogue.find_grade("NOPE") == nullptr);
  CHECK(catalogue.find_hub("BEIJING") == nullptr);
  CHECK(catalogue.find_commodity("NI") == nullptr);
  CHECK(catalogue.find_attribute("NOPE") == nullptr);
  CHECK(catalogue.find_participant(ParticipantId{0}) == nullptr);
  CHECK(catalogue.find_participant(kAnyParticipant) == nullptr);
  CHECK(catalogue.find_participant("NOBODY") == nullptr);

  const Participant* mill = catalogue.find_participant("AYMILL");
  REQUIRE(mill != nullptr);
  const auto fe = static_cast<std::uint32_t>(catalogue.find_commodity("FE") - catalogue.commodities().data());
  const auto cu = static_cast<std::uint32_t>(catalogue.find_commodity("CU") - catalogue.commodities().data());
  CHECK(mill->may_buy(fe));
  CHECK_FALSE(mill->may_sell(fe));
  CHECK_FALSE(mill->may_buy(cu));
}

TEST_CASE("small test catalogue: loads, and string and file loads agree") {
  const Catalogue catalogue = load_catalogue_string(test::small_catalogue());
  REQUIRE(catalogue.instruments().size() == 3);
  CHECK(catalogue.instruments()[1].code == "CU-BIRCH-ZHENGZHOU");
  CHECK(catalogue.instruments()[1].lot_minimum == 2000);
  CHECK(catalogue.find_participant(ParticipantId{1})->may_buy(1));
  CHECK_FALSE(catalogue.find_participant(ParticipantId{1})->may_buy(0));

  const Catalogue from_string = load_catalogue_string(test::read_file(test::bundled_catalogue_path()));
  CHECK(from_string.content_hash() == bundled().content_hash());
  CHECK(from_string.instruments().size() == bundled().instruments().size());
}

}  // namespace
}  // namespace rex::refdata

TEST_CASE("bundled catalogue: each instrument carries its differential to base and its grade's limits") {
  const rex::refdata::Catalogue& catalogue = rex::refdata::bundled();
  for (const auto& spec : catalogue.instruments()) {
    INFO(spec.code);
    CHECK(spec.differential == catalogue.differential_to_base(spec));
    const auto& grade = catalogue.grades()[spec.grade];
    REQUIRE(spec.quality.size() == grade.limits.size());
    for (std::size_t i = 0; i + 1 < spec.quality.size(); ++i) CHECK(spec.quality[i].attribute < spec.quality[i + 1].attribute);
    for (const auto& limit : grade.limits) {
      const auto it = std::find_if(spec.quality.begin(), spec.quality.end(),
                                   [&](const auto& r) { return r.attribute == limit.attribute; });
      REQUIRE(it != spec.quality.end());
      CHECK(it->min == limit.min.value_or(rex::refdata::kNoLowerLimit));
      CHECK(it->max == limit.max.value_or(rex::refdata::kNoUpperLimit));
    }
  }
  const auto* barley = catalogue.find_instrument("CU-BARLEY-XUCHANG");
  REQUIRE(barley != nullptr);
  CHECK(barley->differential == 0);  // the copper base grade at the copper base hub
}
