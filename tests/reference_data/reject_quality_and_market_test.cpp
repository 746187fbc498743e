// Rejections of attributes, grades and their limits, commodities, hubs and differentials.
#include <catch2/catch.hpp>

#include <string>

#include "reference-data/loader.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

using test::require_rejected;
using test::small_catalogue;
using test::small_with;

constexpr const char* kBirchLimit =
    R"({"attribute": "CU_PCT", "min": "94.00", "max": "99.00", "source": "ISRI Birch", "approximate": false, "note": "test"})";

std::string with_birch_limit(const std::string& limit) { return small_with(kBirchLimit, limit); }

TEST_CASE("reject duplicate_code: two attributes, hubs, commodities or grades with one code") {
  require_rejected(small_with("{\"code\": \"MOISTURE_PCT\"", "{\"code\": \"CU_PCT\""), Rule::kDuplicateCode,
                   "$.attributes[1].code");
  require_rejected(small_with("{\"code\": \"ZHENGZHOU\"", "{\"code\": \"XUCHANG\""), Rule::kDuplicateCode,
                   "$.hubs[1].code");
  require_rejected(small_with("{\"code\": \"WP\"", "{\"code\": \"CU\""), Rule::kDuplicateCode,
                   "$.commodities[1].code");
  require_rejected(small_with("{\"code\": \"BIRCH\"", "{\"code\": \"BARLEY\""), Rule::kDuplicateCode,
                   "$.grades[1].code");
}

TEST_CASE("reject unknown_reference: grades, limits and commodities naming what does not exist") {
  require_rejected(small_with("\"code\": \"OCC11\", \"commodity\": \"WP\"", "\"code\": \"OCC11\", \"commodity\": \"PAPER\""),
                   Rule::kUnknownReference, "$.grades[2].commodity");
  require_rejected(with_birch_limit(R"({"attribute": "ZN_PCT", "max": "1.00", "source": "s", "approximate": false})"),
                   Rule::kUnknownReference, "$.grades[1].limits[0].attribute");
  require_rejected(small_with("\"base_grade\": \"BARLEY\"", "\"base_grade\": \"BARLY\""), Rule::kUnknownReference,
                   "$.commodities[0].base_grade");
  require_rejected(small_with("\"base_hub\": \"XUCHANG\"", "\"base_hub\": \"KAIFENG\""), Rule::kUnknownReference,
                   "$.commodities[0].base_hub");
}

TEST_CASE("reject unknown_reference: a differential to an unknown grade or hub") {
  require_rejected(small_with("{\"grade\": \"BIRCH\"", "{\"grade\": \"BIRCHX\""), Rule::kUnknownReference,
                   "$.differentials.grades[1].grade");
  require_rejected(small_with("\"hub\": \"ZHENGZHOU\", \"differential_fen\": -5000", "\"hub\": \"KAIFENG\", \"differential_fen\": -5000"),
                   Rule::kUnknownReference, "$.differentials.hubs[1].hub");
  require_rejected(small_with("{\"commodity\": \"CU\", \"hub\": \"ZHENGZHOU\"", "{\"commodity\": \"NI\", \"hub\": \"ZHENGZHOU\""),
                   Rule::kUnknownReference, "$.differentials.hubs[1].commodity");
}

TEST_CASE("reject wrong_commodity: a base grade that belongs to another commodity") {
  require_rejected(small_with("\"base_grade\": \"BARLEY\"", "\"base_grade\": \"OCC11\""), Rule::kWrongCommodity,
                   "$.commodities[0].base_grade");
}

TEST_CASE("reject missing_field: a commodity without a base grade or base hub") {
  require_rejected(small_with(", \"base_grade\": \"BARLEY\"", ""), Rule::kMissingField,
                   "$.commodities[0].base_grade");
  require_rejected(small_with(", \"base_hub\": \"XUCHANG\"", ""), Rule::kMissingField,
                   "$.commodities[0].base_hub");
}

TEST_CASE("reject min_above_max: an attribute limit with min > max") {
  require_rejected(with_birch_limit(R"({"attribute": "CU_PCT", "min": "99.50", "max": "99.00", "source": "s", "approximate": false})"),
                   Rule::kMinAboveMax, "$.grades[1].limits[0]");
  CHECK_NOTHROW(load_catalogue_string(
      with_birch_limit(R"({"attribute": "CU_PCT", "min": "99", "max": "99.00", "source": "s", "approximate": false})")));
}

TEST_CASE("reject no_bound: an attribute limit with neither min nor max") {
  require_rejected(with_birch_limit(R"({"attribute": "CU_PCT", "source": "s", "approximate": false})"),
                   Rule::kNoBound, "$.grades[1].limits[0]");
}

TEST_CASE("reject bad_decimal: too many places, malformed or overflowing, never rounded") {
  for (const char* text : {"94.001", "94.", ".5", "+94", "9 4", "94,00", "", "-", "1e2", "0x10",
                           "92233720368547758.08", "99999999999999999999"}) {
    INFO(text);
    require_rejected(with_birch_limit(std::string(R"({"attribute": "CU_PCT", "min": ")") + text +
                                      R"(", "source": "s", "approximate": false})"),
                     Rule::kBadDecimal, "$.grades[1].limits[0].min");
  }
  const Catalogue catalogue = load_catalogue_string(
      with_birch_limit(R"({"attribute": "CU_PCT", "min": "-0.5", "max": "92233720368547758.07", "source": "s", "approximate": false})"));
  const QualityLimit& limit = catalogue.find_grade("BIRCH")->limits[0];
  CHECK(limit.min == std::int64_t{-50});
  CHECK(limit.max == INT64_MAX);
}

TEST_CASE("reject duplicate_entry: a limit, grade differential or hub differential given twice") {
  require_rejected(with_birch_limit(std::string(kBirchLimit) + ", " + kBirchLimit), Rule::kDuplicateEntry,
                   "$.grades[1].limits[1].attribute");
  require_rejected(small_with(R"({"grade": "OCC11", "differential_fen": 0, "source": "base grade"})",
                              R"({"grade": "OCC11", "differential_fen": 0, "source": "base grade"}, {"grade": "OCC11", "differential_fen": 0, "source": "again"})"),
                   Rule::kDuplicateEntry, "$.differentials.grades[3].grade");
  require_rejected(small_with(R"({"commodity": "WP", "hub": "ZHENGZHOU", "differential_fen": 0, "source": "base hub"})",
                              R"({"commodity": "WP", "hub": "ZHENGZHOU", "differential_fen": 0, "source": "base hub"}, {"commodity": "WP", "hub": "ZHENGZHOU", "differential_fen": 0, "source": "again"})"),
                   Rule::kDuplicateEntry, "$.differentials.hubs[3].hub");
}

TEST_CASE("reject missing_differential: every grade and every base hub needs one") {
  require_rejected(small_with(R"({"grade": "BIRCH", "differential_fen": -360000, "source": "test figure"},)", ""),
                   Rule::kMissingDifferential, "$.differentials.grades");
  require_rejected(small_with(R"(,
      {"commodity": "WP", "hub": "ZHENGZHOU", "differential_fen": 0, "source": "base hub"})", ""),
                   Rule::kMissingDifferential, "$.differentials.hubs");
}

TEST_CASE("reject base_differential_not_zero: the base grade and base hub differ by 0") {
  require_rejected(small_with(R"({"grade": "BARLEY", "differential_fen": 0)", R"({"grade": "BARLEY", "differential_fen": 1000)"),
                   Rule::kBaseDifferentialNotZero, "$.differentials.grades[0].differential_fen");
  require_rejected(small_with(R"("hub": "XUCHANG", "differential_fen": 0)", R"("hub": "XUCHANG", "differential_fen": -1000)"),
                   Rule::kBaseDifferentialNotZero, "$.differentials.hubs[0].differential_fen");
}

TEST_CASE("reject off_tick: differentials must be multiples of their commodity's ticks") {
  require_rejected(small_with("\"differential_fen\": -360000", "\"differential_fen\": -360050"), Rule::kOffTick,
                   "$.differentials.grades[1].differential_fen");
  require_rejected(small_with("\"differential_fen\": -5000", "\"differential_fen\": -5500"), Rule::kOffTick,
                   "$.differentials.hubs[1].differential_fen");
}

TEST_CASE("grades decode names, standards and fixed-point limits") {
  const Catalogue catalogue = load_catalogue_string(small_catalogue());
  const Grade* birch = catalogue.find_grade("BIRCH");
  REQUIRE(birch != nullptr);
  CHECK(birch->commodity == 0);
  CHECK(birch->standard == "ISRI");
  CHECK(birch->description == "nominal 96 %");
  CHECK(birch->differential == -360000);
  REQUIRE(birch->limits.size() == 1);
  CHECK(birch->limits[0].min == std::int64_t{9400});
  CHECK(birch->limits[0].max == std::int64_t{9900});
  CHECK(birch->limits[0].note == "test");
  CHECK(catalogue.find_grade("OCC11")->limits[0].approximate);
  CHECK(catalogue.find_hub("XUCHANG")->name_zh == "许昌");
  CHECK(catalogue.find_hub("ZHENGZHOU")->name_zh.empty());
  CHECK(catalogue.data().differentials_version == "test-d1");
}

}  // namespace
}  // namespace rex::refdata
