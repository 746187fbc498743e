#include "tests/reference_data/support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "reference-data/loader.hpp"

namespace rex::refdata::test {

const std::string& small_catalogue() {
  static const std::string json = R"({
  "format": "rex-catalogue",
  "format_version": 1,
  "version": "test.1",
  "effective_date": "2026-05-04",
  "description": "a small catalogue for tests",
  "attributes": [
    {"code": "CU_PCT", "name": "copper content", "unit": "% by mass", "scale": 2},
    {"code": "MOISTURE_PCT", "name": "moisture", "unit": "% by mass", "scale": 1}
  ],
  "commodities": [
    {"code": "CU", "name": "copper scrap", "name_zh": "废铜", "base_grade": "BARLEY", "base_hub": "XUCHANG"},
    {"code": "WP", "name": "waste paper", "base_grade": "OCC11", "base_hub": "ZHENGZHOU"}
  ],
  "hubs": [
    {"code": "XUCHANG", "name": "Xuchang", "name_zh": "许昌"},
    {"code": "ZHENGZHOU", "name": "Zhengzhou"}
  ],
  "grades": [
    {"code": "BARLEY", "commodity": "CU", "name": "No. 1 bare bright wire", "standard": "GB/T 38471",
     "limits": [{"attribute": "CU_PCT", "min": "99.90", "source": "GB/T 38471", "approximate": false}]},
    {"code": "BIRCH", "commodity": "CU", "name": "No. 2 copper wire", "standard": "ISRI", "description": "nominal 96 %",
     "limits": [{"attribute": "CU_PCT", "min": "94.00", "max": "99.00", "source": "ISRI Birch", "approximate": false, "note": "test"}]},
    {"code": "OCC11", "commodity": "WP", "name": "old corrugated containers", "standard": "ISRI 11",
     "limits": [{"attribute": "MOISTURE_PCT", "max": "12.0", "source": "trade practice", "approximate": true}]}
  ],
  "differentials": {
    "version": "test-d1",
    "grades": [
      {"grade": "BARLEY", "differential_fen": 0, "source": "base grade"},
      {"grade": "BIRCH", "differential_fen": -360000, "source": "test figure"},
      {"grade": "OCC11", "differential_fen": 0, "source": "base grade"}
    ],
    "hubs": [
      {"commodity": "CU", "hub": "XUCHANG", "differential_fen": 0, "source": "base hub"},
      {"commodity": "CU", "hub": "ZHENGZHOU", "differential_fen": -5000, "source": "test freight"},
      {"commodity": "WP", "hub": "ZHENGZHOU", "differential_fen": 0, "source": "base hub"}
    ]
  },
  "instruments": [
    {"code": "CU-BARLEY-XUCHANG", "commodity": "CU", "grade": "BARLEY", "hub": "XUCHANG", "currency": "CNY/t",
     "tick_size_fen": 1000, "lot_minimum_kg": 1000, "lot_increment_kg": 500, "price_floor_fen": 6840000, "price_ceiling_fen": 8360000},
    {"code": "CU-BIRCH-ZHENGZHOU", "commodity": "CU", "grade": "BIRCH", "hub": "ZHENGZHOU", "currency": "CNY/t",
     "tick_size_fen": 1000, "lot_minimum_kg": 2000, "lot_increment_kg": 1000, "price_floor_fen": 6500000, "price_ceiling_fen": 7900000},
    {"code": "WP-OCC11-ZHENGZHOU", "commodity": "WP", "grade": "OCC11", "hub": "ZHENGZHOU", "currency": "CNY/t",
     "tick_size_fen": 100, "lot_minimum_kg": 10000, "lot_increment_kg": 5000, "price_floor_fen": 131700, "price_ceiling_fen": 178300}
  ],
  "participants": [
    {"id": 1, "code": "RECYCLER", "name": "Test Recycler", "group": "Test Group", "kind": "recycler", "roles": ["trader"],
     "permissions": [{"commodity": "CU", "sides": ["sell"]}, {"commodity": "WP", "sides": ["buy", "sell"]}],
     "limits": {"max_order_quantity_kg": 100000, "max_open_buy_value_fen": 5000000}},
    {"id": 2, "code": "OPS", "name": "Operations", "group": "rex exchange", "kind": "exchange", "roles": ["operator"]}
  ]
}
)";
  return json;
}

std::string replaced(const std::string& json, std::string_view from, std::string_view to) {
  const std::size_t first = json.find(from);
  INFO("replacing: " << from);
  REQUIRE(first != std::string::npos);
  REQUIRE(json.find(from, first + 1) == std::string::npos);
  std::string out = json;
  out.replace(first, from.size(), to);
  return out;
}

std::string small_with(std::string_view from, std::string_view to) {
  return replaced(small_catalogue(), from, to);
}

std::string bundled_catalogue_path() {
  return std::string(REX_SOURCE_DIR) + "/" + std::string(kBundledCataloguePath);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  REQUIRE(file.good());
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void require_rejected(const std::string& json, Rule rule, std::string_view json_path) {
  try {
    (void)load_catalogue_string(json);
  } catch (const CatalogueError& error) {
    INFO("message: " << error.what());
    CHECK(rule_name(error.rule()) == rule_name(rule));
    CHECK(error.json_path() == json_path);
    const std::string message = error.what();
    CHECK(message.find(std::string(json_path) + ": ") != std::string::npos);
    CHECK(message.find(std::string(rule_name(rule))) != std::string::npos);
    return;
  }
  FAIL("the catalogue loaded; expected " << rule_name(rule) << " at " << json_path);
}

}  // namespace rex::refdata::test
