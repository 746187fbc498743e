// Reading the JSON files an operator writes (rexd's config, the API key file) with simdjson, and
// saying where one is wrong (reference-data/json_error_position.hpp): simdjson tells only what.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference-data/json_error_position.hpp"

namespace rex::gateway {

// A key (or a word of the command line) as an error message shows it: as it is when it is a plain
// name (letters, digits, '_', '-'), else in double quotes as JSON writes it ("\"ses: 1\"",
// "\"a\\u0000b\"", "\"\""), so a message stays on one line and shows where the key ends.
std::string shown_key(std::string_view key);

// A value's path as the config and key file readers name it: "journal.inbound_capacity",
// "keys[2].participant" (keys as written).
std::string dotted_path(const std::vector<refdata::JsonPathStep>& path);

// For text simdjson refused: where it is not JSON, or none, and then every number in it simdjson
// may not hold (refdata::JsonOddNumber) is overwritten with 0.0 and spaces, and listed in `odd`,
// so that a reader refuses the value by its key (no reader takes a fraction). `text` is what is
// scanned and overwritten; it holds `size` bytes. Not for the hot path: it runs after simdjson failed.
std::optional<refdata::JsonProblem> zero_odd_numbers(char* text, std::size_t size, std::size_t max_depth,
                                                     std::vector<refdata::JsonOddNumber>& odd);

// Parses `text` into `root`. Returns empty, or why it is not JSON and where ("not valid JSON at
// line 3, column 14: expected ',' or '}'"). A number simdjson cannot hold is valid JSON: it is read
// as 0.0 instead, so that its key's reader refuses it by name; the paths of the non-negative
// integers among them are added to `too_large`, for a reader to refuse as out of range.
std::string parse_json_file_text(simdjson::dom::parser& parser, std::string_view text, simdjson::dom::element& root,
                                 std::vector<std::string>& too_large);

}  // namespace rex::gateway
