// Rejections of a catalogue's shape: JSON syntax, types, fields, integers, texts, codes, format.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/loader.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

using test::require_rejected;
using test::replaced;
using test::small_catalogue;
using test::small_with;

std::optional<CatalogueError> refusal(const std::string& json) {
  try {
    (void)load_catalogue_string(json);
  } catch (const CatalogueError& error) {
    return error;
  }
  return std::nullopt;
}

// The refusal's detail, and that its position() is the one the detail names.
std::string syntax_detail(const std::string& json) {
  const std::optional<CatalogueError> error = refusal(json);
  REQUIRE(error);
  INFO("message: " << error->what());
  CHECK(error->rule() == Rule::kSyntax);
  REQUIRE(error->position());
  CHECK(error->detail().find(to_string(*error->position()) + ": ") != std::string::npos);
  return error->detail();
}

TEST_CASE("reject syntax: not JSON, truncated, byte-order mark, invalid UTF-8, integer beyond 64 bits") {
  require_rejected("", Rule::kSyntax, "$");
  require_rejected(small_catalogue().substr(0, small_catalogue().size() / 2), Rule::kSyntax, "$");
  require_rejected("\xef\xbb\xbf" + small_catalogue(), Rule::kSyntax, "$");
  require_rejected(small_with("\"Zhengzhou\"", "\"Zheng\xff\xfezhou\""), Rule::kSyntax, "$");
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": 99999999999999999999,"),
                   Rule::kSyntax, "$.instruments[2].tick_size_fen");
}

TEST_CASE("reject syntax: the line and column where the text stops being JSON, and what was expected") {
  // A comma left out between two fields: the next key is where an operator looks.
  CHECK(syntax_detail(small_with("\"version\": \"test.1\",", "\"version\": \"test.1\"")) ==
        "not valid JSON at line 5, column 3: expected ',' or '}', found '\"'");
  // A comma left behind after the last entry.
  CHECK(syntax_detail(small_with("\"scale\": 1}\n", "\"scale\": 1},\n")) ==
        "not valid JSON at line 10, column 3: expected a value, found ']'");
  CHECK(syntax_detail(small_with("\"approximate\": true", "\"approximate\": True")) ==
        "not valid JSON at line 25, column 105: expected a value, found 'T'");
  CHECK(syntax_detail(small_with("\"Zhengzhou\"", "\"Zheng\xff\xfezhou\"")) ==
        "not valid JSON at line 17, column 41: not UTF-8 (byte 0xff)");
  CHECK(syntax_detail(small_catalogue().substr(0, small_catalogue().size() - 3)) ==
        "not valid JSON at line 53, column 4: expected ',' or '}', found the end of the text");
  CHECK(syntax_detail("\xef\xbb\xbf" + small_catalogue()) ==
        "not valid JSON at line 1, column 1: a byte order mark (save the file as UTF-8 without one)");
  CHECK(syntax_detail("") == "not valid JSON at line 1, column 1: no JSON value, the text is empty");
  CHECK(refusal(small_with("\"version\": \"test.1\",", "\"version\": \"test.1\"")).value().position()->line == 5);
}

TEST_CASE("reject syntax: a number the JSON parser cannot hold, by line, column and path") {
  const std::string json = small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": 99999999999999999999,");
  CHECK(syntax_detail(json) ==
        "a number the JSON parser cannot hold at line 46, column 23: 99999999999999999999 "
        "(integers run from -2^63 to 2^64 - 1)");
  CHECK(refusal(json)->json_path() == "$.instruments[2].tick_size_fen");
  const std::string fraction = small_with("\"differential_fen\": -5000,", "\"differential_fen\": -5e999,");
  CHECK(syntax_detail(fraction) ==
        "a number the JSON parser cannot hold at line 36, column 67: -5e999 "
        "(no catalogue field takes a fraction or an exponent)");
  CHECK(refusal(fraction)->json_path() == "$.differentials.hubs[1].differential_fen");
  // One the parser holds (wrong_type then) before one it cannot: the position is the second's.
  const std::string both = replaced(json, "\"differential_fen\": -5000,", "\"differential_fen\": 1.5,");
  CHECK(syntax_detail(both).find("at line 46, column 23: ") != std::string::npos);
  // A long number is cut short in the message.
  const std::string long_number = small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": " + std::string(60, '9') + ",");
  CHECK(syntax_detail(long_number) == "a number the JSON parser cannot hold at line 46, column 23: " + std::string(40, '9') +
                                          "... (60 bytes) (integers run from -2^63 to 2^64 - 1)");
}

TEST_CASE("reject wrong_type: root, fields and array entries of the wrong JSON type") {
  require_rejected("[]", Rule::kWrongType, "$");
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": \"100\","),
                   Rule::kWrongType, "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": 100.0,"),
                   Rule::kWrongType, "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": 1e2,"),
                   Rule::kWrongType, "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"min\": \"99.90\"", "\"min\": 99.90"), Rule::kWrongType,
                   "$.grades[0].limits[0].min");
  require_rejected(small_with("\"approximate\": true", "\"approximate\": 1"), Rule::kWrongType,
                   "$.grades[2].limits[0].approximate");
  require_rejected(small_with("\"roles\": [\"operator\"]", "\"roles\": \"operator\""),
                   Rule::kWrongType, "$.participants[1].roles");
  require_rejected(small_with("\"roles\": [\"operator\"]", "\"roles\": [null]"), Rule::kWrongType,
                   "$.participants[1].roles[0]");
  require_rejected(small_with("\"name_zh\": \"许昌\"", "\"name_zh\": null"), Rule::kWrongType,
                   "$.hubs[0].name_zh");
}

TEST_CASE("reject unknown_field: at the top, in an instrument, with an odd key") {
  require_rejected(small_with("\"format_version\": 1,", "\"format_version\": 1, \"extra\": true,"),
                   Rule::kUnknownField, "$.extra");
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size\": 100,"), Rule::kUnknownField,
                   "$.instruments[2].tick_size");
  require_rejected(small_with("\"format_version\": 1,", "\"format_version\": 1, \"a b\": 1,"),
                   Rule::kUnknownField, "$[\"a b\"]");
}

TEST_CASE("reject missing_field: a required field is absent") {
  require_rejected(small_with("\"tick_size_fen\": 100, ", ""), Rule::kMissingField,
                   "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"version\": \"test.1\",", ""), Rule::kMissingField, "$.version");
  require_rejected(small_with(", \"source\": \"test freight\"", ""), Rule::kMissingField,
                   "$.differentials.hubs[1].source");
}

TEST_CASE("reject duplicate_field: the same key twice in one object") {
  require_rejected(small_with("\"version\": \"test.1\",", "\"version\": \"test.1\", \"version\": \"test.2\","),
                   Rule::kDuplicateField, "$.version");
  require_rejected(small_with("\"lot_increment_kg\": 5000,", "\"lot_increment_kg\": 5000, \"lot_increment_kg\": 5000,"),
                   Rule::kDuplicateField, "$.instruments[2].lot_increment_kg");
}

TEST_CASE("reject out_of_range: integers beyond int64 or the documented bounds, never truncated") {
  require_rejected(small_with("\"tick_size_fen\": 100,", "\"tick_size_fen\": 9223372036854775808,"),
                   Rule::kOutOfRange, "$.instruments[2].tick_size_fen");
  require_rejected(small_with("\"price_ceiling_fen\": 178300", "\"price_ceiling_fen\": 10000000100"),
                   Rule::kOutOfRange, "$.instruments[2].price_ceiling_fen");
  require_rejected(small_with("\"lot_minimum_kg\": 10000,", "\"lot_minimum_kg\": 100000001,"),
                   Rule::kOutOfRange, "$.instruments[2].lot_minimum_kg");
  require_rejected(small_with("\"scale\": 2", "\"scale\": 7"), Rule::kOutOfRange, "$.attributes[0].scale");
  require_rejected(small_with("\"scale\": 2", "\"scale\": -1"), Rule::kOutOfRange, "$.attributes[0].scale");
  require_rejected(small_with("\"differential_fen\": -360000", "\"differential_fen\": -10000000001"),
                   Rule::kOutOfRange, "$.differentials.grades[1].differential_fen");
}

TEST_CASE("reject bad_text: empty names, control characters, texts too long") {
  require_rejected(small_with("\"name\": \"Xuchang\"", "\"name\": \"\""), Rule::kBadText, "$.hubs[0].name");
  require_rejected(small_with("\"name\": \"Xuchang\"", "\"name\": \"Xu\\u0001chang\""), Rule::kBadText,
                   "$.hubs[0].name");
  require_rejected(small_with("\"source\": \"ISRI Birch\"", "\"source\": \"" + std::string(kMaxTextBytes + 1, 'x') + "\""),
                   Rule::kBadText, "$.grades[1].limits[0].source");
}

TEST_CASE("reject bad_code: codes must be [A-Z][A-Z0-9_]*, short, without hyphens") {
  require_rejected(small_with("{\"code\": \"XUCHANG\"", "{\"code\": \"xuchang\""), Rule::kBadCode,
                   "$.hubs[0].code");
  require_rejected(small_with("{\"code\": \"XUCHANG\"", "{\"code\": \"XU-CHANG\""), Rule::kBadCode,
                   "$.hubs[0].code");
  require_rejected(small_with("{\"code\": \"XUCHANG\"", "{\"code\": \"X\\u0000\""), Rule::kBadCode,
                   "$.hubs[0].code");
  require_rejected(small_with("\"code\": \"OPS\"", "\"code\": \"" + std::string(kMaxCodeLength + 1, 'O') + "\""),
                   Rule::kBadCode, "$.participants[1].code");
  require_rejected(small_with("\"base_hub\": \"XUCHANG\"", "\"base_hub\": 7"), Rule::kWrongType,
                   "$.commodities[0].base_hub");
}

TEST_CASE("reject unsupported_format: another format or format_version") {
  require_rejected(small_with("\"format\": \"rex-catalogue\"", "\"format\": \"other\""),
                   Rule::kUnsupportedFormat, "$.format");
  require_rejected(small_with("\"format_version\": 1,", "\"format_version\": 2,"),
                   Rule::kUnsupportedFormat, "$.format_version");
}

TEST_CASE("reject bad_date: effective_date must be a calendar date YYYY-MM-DD") {
  for (const char* date : {"2026-02-30", "2026-13-01", "26-05-04", "2026/05/04", "2026-05-4x"}) {
    INFO(date);
    require_rejected(small_with("\"2026-05-04\"", std::string("\"") + date + "\""), Rule::kBadDate,
                     "$.effective_date");
  }
  CHECK_NOTHROW(load_catalogue_string(small_with("\"2026-05-04\"", "\"2028-02-29\"")));
}

TEST_CASE("reject empty: tables and lists that need an entry") {
  const std::string json = small_catalogue();
  const std::size_t begin = json.find("\"instruments\": [");
  const std::size_t end = json.find("],\n  \"participants\"");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::string no_instruments = json;
  no_instruments.replace(begin, end - begin + 1, "\"instruments\": []");
  require_rejected(no_instruments, Rule::kEmpty, "$.instruments");
  require_rejected(small_with("\"roles\": [\"operator\"]", "\"roles\": []"), Rule::kEmpty,
                   "$.participants[1].roles");
  require_rejected(small_with("\"sides\": [\"sell\"]", "\"sides\": []"), Rule::kEmpty,
                   "$.participants[0].permissions[0].sides");
}

TEST_CASE("reject too_large and io: the input itself") {
  require_rejected(std::string(kMaxCatalogueBytes + 1, ' '), Rule::kTooLarge, "$");
  try {
    (void)load_catalogue_file("/nonexistent/rex-catalogue.json");
    FAIL("loaded a missing file");
  } catch (const CatalogueError& error) {
    CHECK(error.rule() == Rule::kIo);
    CHECK(error.origin() == "/nonexistent/rex-catalogue.json");
    CHECK(std::string(error.what()).find("/nonexistent/rex-catalogue.json") == 0);
  }
  try {
    (void)load_catalogue_file(REX_SOURCE_DIR);  // a directory
    FAIL("loaded a directory");
  } catch (const CatalogueError& error) {
    CHECK((error.rule() == Rule::kIo || error.rule() == Rule::kSyntax));
  }
}

}  // namespace
}  // namespace rex::refdata
