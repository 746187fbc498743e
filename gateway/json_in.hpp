// Reading the JSON files an operator writes (rexd's config, the API key file) with simdjson, and
// saying where one is wrong: simdjson tells only what went wrong, not where.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rex::gateway {

// A JSON number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?); `integer` when it has
// neither a fraction nor an exponent.
bool json_number(std::string_view s, bool& integer);
// An integer simdjson holds: from -2^63 to 2^64 - 1 (no leading zeros: json_number checked).
bool fits_64_bits(std::string_view integer);

struct JsonProblem {
  std::size_t offset = 0;  // of the first byte that is wrong (the text's size: it ended too soon)
  std::string what;        // "expected ',' or '}'"
};

// A number simdjson cannot hold, though it is valid JSON: an integer beyond 64 bits, or one with a
// fraction or an exponent (a magnitude beyond a double's among them).
struct JsonOddNumber {
  std::size_t offset = 0;
  std::size_t size = 0;
  std::string path;       // "journal.inbound_capacity", "keys[2].participant"
  bool too_large = false;  // a non-negative integer of 2^64 or more
};

// The first place where `text` is not one JSON value as simdjson takes it (RFC 8259, valid UTF-8,
// at most `max_depth` nested arrays and objects), or none. Appends the numbers of `odd` on the way.
std::optional<JsonProblem> find_json_problem(std::string_view text, std::size_t max_depth,
                                             std::vector<JsonOddNumber>* odd = nullptr);

// A key (or a word of the command line) as an error message shows it: as it is when it is a plain
// name (letters, digits, '_', '-'), else in double quotes as JSON writes it ("\"ses: 1\"",
// "\"a\\u0000b\"", "\"\""), so a message stays on one line and shows where the key ends.
std::string shown_key(std::string_view key);

// "line 3, column 14" (counted from 1, columns in bytes).
std::string json_position(std::string_view text, std::size_t offset);

// Parses `text` into `root`. Returns empty, or why it is not JSON and where ("not valid JSON at
// line 3, column 14: expected ',' or '}'"). A number simdjson cannot hold is valid JSON: it is read
// as 0.0 instead, so that its key's reader refuses it by name; the paths of the non-negative
// integers among them are added to `too_large`, for a reader to refuse as out of range.
std::string parse_json_file_text(simdjson::dom::parser& parser, std::string_view text, simdjson::dom::element& root,
                                 std::vector<std::string>& too_large);

}  // namespace rex::gateway
