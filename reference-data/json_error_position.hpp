// Where text that is not valid JSON goes wrong, and which numbers in it simdjson cannot hold: for
// the JSON an operator writes by hand (the catalogue, rexd's config and key file), as simdjson
// 3.0.1 tells only what went wrong, not where. Runs after simdjson has refused a text, never before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rex::refdata {

// What is wrong with the JSON number at the start of a text, if anything.
enum class JsonNumberFault : std::uint8_t { kNone, kNoDigit, kLeadingZero, kNoFractionDigit, kNoExponentDigit };

// The JSON number at the start of `s` (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
struct JsonNumberScan {
  std::size_t size = 0;  // bytes read: the number, or up to the byte where it goes wrong
  bool integer = true;   // neither a fraction nor an exponent
  JsonNumberFault fault = JsonNumberFault::kNone;
};
JsonNumberScan scan_json_number(std::string_view s);

// A JSON integer (no leading zeros: scan_json_number checked) simdjson holds: from -2^63 to 2^64 - 1.
bool fits_64_bits(std::string_view integer);

struct JsonProblem {
  std::size_t offset = 0;  // of the first byte that is wrong (the text's size: it ended too soon)
  std::string what;        // "expected ',' or '}', found ']'"
};

// One step of the way from the root to a value: a member's key (as written, escapes and all) or
// an array index. The key points into the text scanned.
struct JsonPathStep {
  bool member = false;
  std::string_view key;
  std::size_t index = 0;
};

// A number simdjson may not hold, though it is valid JSON: an integer beyond 64 bits, or one with
// a fraction or an exponent (a magnitude beyond a double's among them).
struct JsonOddNumber {
  std::size_t offset = 0;
  std::size_t size = 0;
  std::vector<JsonPathStep> path;
  bool too_large = false;  // a non-negative integer of 2^64 or more
};

// The first place where `text` is not one JSON value as simdjson takes it (RFC 8259, valid UTF-8,
// no byte order mark, at most `max_depth` nested arrays and objects), or none. Appends the numbers
// of `odd` on the way.
std::optional<JsonProblem> find_json_problem(std::string_view text, std::size_t max_depth,
                                             std::vector<JsonOddNumber>* odd = nullptr);

// Counted from 1; columns in bytes.
struct TextPosition {
  std::size_t line = 0;
  std::size_t column = 0;
};
TextPosition text_position(std::string_view text, std::size_t offset);
std::string to_string(TextPosition position);  // "line 3, column 14"

}  // namespace rex::refdata
