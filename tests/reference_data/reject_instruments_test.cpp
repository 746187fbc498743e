// Rejections of instruments: ticks, lots, price bands, references and codes.
#include <catch2/catch.hpp>

#include <string>

#include "reference-data/loader.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

using test::replaced;
using test::require_rejected;
using test::small_catalogue;
using test::small_with;

constexpr const char* kOcc =
    R"({"code": "WP-OCC11-ZHENGZHOU", "commodity": "WP", "grade": "OCC11", "hub": "ZHENGZHOU", "currency": "CNY/t",)";

TEST_CASE("reject not_positive: tick size and lots must be > 0") {
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": 0,"), Rule::kNotPositive,
                   "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": -100,"), Rule::kNotPositive,
                   "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"lot_minimum_kg\": 10000,", "\"lot_minimum_kg\": 0,"), Rule::kNotPositive,
                   "$.instruments[2].lot_minimum_kg");
  require_rejected(small_with("\"lot_increment_kg\": 5000,", "\"lot_increment_kg\": -5000,"),
                   Rule::kNotPositive, "$.instruments[2].lot_increment_kg");
  require_rejected(small_with("\"price_floor_fen\": 131700,", "\"price_floor_fen\": 0,"), Rule::kNotPositive,
                   "$.instruments[2].price_floor_fen");
}

TEST_CASE("reject lot_inconsistent: the lot minimum must be a multiple of the increment") {
  require_rejected(small_with("\"lot_minimum_kg\": 10000,", "\"lot_minimum_kg\": 12000,"),
                   Rule::kLotInconsistent, "$.instruments[2].lot_minimum_kg");
  require_rejected(small_with("\"lot_minimum_kg\": 10000,", "\"lot_minimum_kg\": 1000,"),
                   Rule::kLotInconsistent, "$.instruments[2].lot_minimum_kg");
}

TEST_CASE("reject off_tick: band bounds must be multiples of the tick") {
  require_rejected(small_with("\"price_floor_fen\": 131700,", "\"price_floor_fen\": 131750,"),
                   Rule::kOffTick, "$.instruments[2].price_floor_fen");
  require_rejected(small_with("\"price_ceiling_fen\": 178300", "\"price_ceiling_fen\": 178301"),
                   Rule::kOffTick, "$.instruments[2].price_ceiling_fen");
}

TEST_CASE("reject band_inverted: floor must be below ceiling") {
  require_rejected(small_with("\"price_floor_fen\": 131700,", "\"price_floor_fen\": 178300,"),
                   Rule::kBandInverted, "$.instruments[2].price_floor_fen");
  require_rejected(small_with("\"price_floor_fen\": 131700,", "\"price_floor_fen\": 200000,"),
                   Rule::kBandInverted, "$.instruments[2].price_floor_fen");
}

TEST_CASE("reject band_too_wide: at most kMaxBandTicks prices in a band") {
  // 100 fen tick: floor 100 .. ceiling 400000 is 4000 prices (allowed), 400100 is 4001.
  const std::string at_limit = replaced(small_with("\"price_floor_fen\": 131700,", "\"price_floor_fen\": 100,"),
                                        "\"price_ceiling_fen\": 178300", "\"price_ceiling_fen\": 400000");
  CHECK_NOTHROW(load_catalogue_string(at_limit));
  require_rejected(replaced(at_limit, "\"price_ceiling_fen\": 400000", "\"price_ceiling_fen\": 400100"),
                   Rule::kBandTooWide, "$.instruments[2].price_ceiling_fen");
}

TEST_CASE("reject duplicate_code: the same instrument twice") {
  const std::string json = small_catalogue();
  const std::size_t begin = json.find(kOcc);
  const std::size_t end = json.find('}', begin);
  const std::string row = json.substr(begin, end - begin + 1);
  require_rejected(replaced(json, row, row + ",\n    " + row), Rule::kDuplicateCode, "$.instruments[3].code");
}

TEST_CASE("reject unknown_reference: an instrument naming an unknown commodity, grade or hub") {
  require_rejected(small_with(kOcc, R"({"code": "WP-OCC11-ZHENGZHOU", "commodity": "PAPER", "grade": "OCC11", "hub": "ZHENGZHOU", "currency": "CNY/t",)"),
                   Rule::kUnknownReference, "$.instruments[2].commodity");
  require_rejected(small_with(kOcc, R"({"code": "WP-OCC11-ZHENGZHOU", "commodity": "WP", "grade": "OCC13", "hub": "ZHENGZHOU", "currency": "CNY/t",)"),
                   Rule::kUnknownReference, "$.instruments[2].grade");
  require_rejected(small_with(kOcc, R"({"code": "WP-OCC11-ZHENGZHOU", "commodity": "WP", "grade": "OCC11", "hub": "BEIJING", "currency": "CNY/t",)"),
                   Rule::kUnknownReference, "$.instruments[2].hub");
}

TEST_CASE("reject wrong_commodity: an instrument's grade belongs to another commodity") {
  require_rejected(small_with(kOcc, R"({"code": "WP-BIRCH-ZHENGZHOU", "commodity": "WP", "grade": "BIRCH", "hub": "ZHENGZHOU", "currency": "CNY/t",)"),
                   Rule::kWrongCommodity, "$.instruments[2].grade");
}

TEST_CASE("reject code_mismatch: an instrument code must be COMMODITY-GRADE-HUB") {
  require_rejected(small_with("\"code\": \"WP-OCC11-ZHENGZHOU\"", "\"code\": \"WP-OCC11-ZZ\""),
                   Rule::kCodeMismatch, "$.instruments[2].code");
  require_rejected(small_with("\"code\": \"WP-OCC11-ZHENGZHOU\"", "\"code\": \"wp-occ11-zhengzhou\""),
                   Rule::kCodeMismatch, "$.instruments[2].code");
}

TEST_CASE("reject bad_currency: instruments trade in CNY/t") {
  require_rejected(small_with(kOcc, R"({"code": "WP-OCC11-ZHENGZHOU", "commodity": "WP", "grade": "OCC11", "hub": "ZHENGZHOU", "currency": "USD/t",)"),
                   Rule::kBadCurrency, "$.instruments[2].currency");
}

TEST_CASE("reject missing_differential: an instrument at a hub with no hub differential") {
  require_rejected(small_with(R"({"commodity": "CU", "hub": "ZHENGZHOU", "differential_fen": -5000, "source": "test freight"},)", ""),
                   Rule::kMissingDifferential, "$.instruments[1].hub");
}

TEST_CASE("reject base_instrument_missing: the base grade must trade at the base hub") {
  require_rejected(small_with(R"("code": "CU-BARLEY-XUCHANG", "commodity": "CU", "grade": "BARLEY", "hub": "XUCHANG")",
                              R"("code": "CU-BARLEY-ZHENGZHOU", "commodity": "CU", "grade": "BARLEY", "hub": "ZHENGZHOU")"),
                   Rule::kBaseInstrumentMissing, "$.commodities[0]");
}

TEST_CASE("instrument ids are dense catalogue positions") {
  const Catalogue catalogue = load_catalogue_string(small_catalogue());
  for (std::size_t i = 0; i < catalogue.instruments().size(); ++i) {
    CHECK(catalogue.instruments()[i].id == i);
  }
  const InstrumentSpec* occ = catalogue.find_instrument("WP-OCC11-ZHENGZHOU");
  REQUIRE(occ != nullptr);
  CHECK(occ->id == 2);
  CHECK(occ->commodity == 1);
  CHECK(occ->grade == 2);
  CHECK(occ->hub == 1);
  CHECK(occ->tick_size == 100);
  CHECK(occ->lot_minimum == 10000);
  CHECK(occ->lot_increment == 5000);
  CHECK(occ->price_floor == 131700);
  CHECK(occ->price_ceiling == 178300);
}

}  // namespace
}  // namespace rex::refdata
