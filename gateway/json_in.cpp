#include "gateway/json_in.hpp"

#include <algorithm>

#include "gateway/json_out.hpp"

namespace rex::gateway {

std::string shown_key(std::string_view key) {
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (plain) return std::string(key);
  std::string out;
  append_json_string(out, key);
  return out;
}

std::string dotted_path(const std::vector<refdata::JsonPathStep>& path) {
  std::string out;
  for (const refdata::JsonPathStep& step : path) {
    if (step.member) {
      if (!out.empty()) out += '.';
      out += step.key;
    } else {
      out += '[';  // appended: g++ 12 at -O3 warns (-Wrestrict, a false positive) on "[" + … + "]"
      out += std::to_string(step.index);
      out += ']';
    }
  }
  return out;
}

std::optional<refdata::JsonProblem> zero_odd_numbers(char* text, std::size_t size, std::size_t max_depth,
                                                     std::vector<refdata::JsonOddNumber>& odd) {
  if (auto problem = refdata::find_json_problem(std::string_view(text, size), max_depth, &odd)) return problem;
  for (const refdata::JsonOddNumber& n : odd) {
    std::fill_n(text + n.offset, n.size, ' ');
    std::copy_n("0.0", 3, text + n.offset);  // no shorter number has a fraction, an exponent or 20 digits
  }
  return std::nullopt;
}

std::string parse_json_file_text(simdjson::dom::parser& parser, std::string_view text, simdjson::dom::element& root,
                                 std::vector<std::string>& too_large) {
  simdjson::padded_string buffer(text);
  auto error = parser.parse(buffer).get(root);
  if (!error) return {};
  std::vector<refdata::JsonOddNumber> odd;
  if (const auto problem = zero_odd_numbers(buffer.data(), buffer.size(), parser.max_depth(), odd)) {
    return "not valid JSON at " + to_string(refdata::text_position(text, problem->offset)) + ": " + problem->what;
  }
  if (error == simdjson::NUMBER_ERROR && !odd.empty()) {
    for (const refdata::JsonOddNumber& n : odd) {
      if (n.too_large) too_large.push_back(dotted_path(n.path));
    }
    error = parser.parse(buffer).get(root);
    if (!error) return {};
  }
  return std::string("not valid JSON: ") + simdjson::error_message(error);
}

}  // namespace rex::gateway
