// Fixed-point decimal strings: exact, never rounded.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "reference-data/decimal.hpp"

namespace rex::refdata {
namespace {

std::int64_t parsed(std::string_view text, int scale) {
  std::int64_t value = -12345;
  REQUIRE(parse_decimal(text, scale, value) == DecimalStatus::kOk);
  return value;
}

DecimalStatus status(std::string_view text, int scale) {
  std::int64_t value = 0;
  return parse_decimal(text, scale, value);
}

TEST_CASE("decimal: parses to value x 10^scale exactly") {
  CHECK(parsed("99.90", 2) == 9990);
  CHECK(parsed("99.9", 2) == 9990);
  CHECK(parsed("99", 2) == 9900);
  CHECK(parsed("0.050", 3) == 50);
  CHECK(parsed("-0.05", 2) == -5);
  CHECK(parsed("-0", 0) == 0);
  CHECK(parsed("007", 0) == 7);
  CHECK(parsed("9223372036854775807", 0) == std::numeric_limits<std::int64_t>::max());
  CHECK(parsed("-9223372036854775808", 0) == std::numeric_limits<std::int64_t>::min());
  CHECK(parsed("-92233720368547758.08", 2) == std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("decimal: rejects what it cannot represent exactly") {
  CHECK(status("99.901", 2) == DecimalStatus::kTooManyPlaces);
  CHECK(status("1.0", 0) == DecimalStatus::kTooManyPlaces);
  CHECK(status("9223372036854775808", 0) == DecimalStatus::kOverflow);
  CHECK(status("-9223372036854775809", 0) == DecimalStatus::kOverflow);
  CHECK(status("92233720368547758.08", 2) == DecimalStatus::kOverflow);
  CHECK(status("1", 19) == DecimalStatus::kMalformed);
  for (const char* text : {"", "-", ".", "1.", ".1", "+1", "1e3", " 1", "1 ", "1,0", "--1", "1.2.3", "0x1"}) {
    INFO(text);
    CHECK(status(text, 2) == DecimalStatus::kMalformed);
  }
}

TEST_CASE("decimal: formats back to the same text") {
  CHECK(format_decimal(9990, 2) == "99.90");
  CHECK(format_decimal(-5, 2) == "-0.05");
  CHECK(format_decimal(0, 3) == "0.000");
  CHECK(format_decimal(1500, 0) == "1500");
  CHECK(format_decimal(std::numeric_limits<std::int64_t>::min(), 2) == "-92233720368547758.08");
  for (std::int64_t value : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{123456789},
                             std::numeric_limits<std::int64_t>::max()}) {
    for (int scale = 0; scale <= 6; ++scale) CHECK(parsed(format_decimal(value, scale), scale) == value);
  }
}

}  // namespace
}  // namespace rex::refdata
