#include "reference-data/loader.hpp"

#include <simdjson.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decode.hpp"
#include "reference-data/json_error_position.hpp"
#include "reference-data/json_reader.hpp"
#include "reference-data/sha256.hpp"

namespace rex::refdata {

namespace {

// A number is shown in a message up to this many bytes: enough to see its size, a line at most.
constexpr std::size_t kShownNumberBytes = 40;

std::string catalogue_path(const std::vector<JsonPathStep>& steps) {
  std::string path = "$";
  for (const JsonPathStep& step : steps) {
    path = step.member ? detail::member_path(path, step.key) : detail::element_path(path, step.index);
  }
  return path;
}

// Why simdjson refused `json`, and where (simdjson 3.0.1 does not say where): the first byte that
// is not JSON, else the first number simdjson cannot hold.
CatalogueError not_json(std::string_view json, std::size_t max_depth, simdjson::error_code error) {
  std::vector<JsonOddNumber> odd;
  if (const auto problem = find_json_problem(json, max_depth, &odd)) {
    const TextPosition at = text_position(json, problem->offset);
    return CatalogueError(Rule::kSyntax, "$", "not valid JSON at " + to_string(at) + ": " + problem->what, {}, at);
  }
  simdjson::dom::parser alone;
  simdjson::dom::element ignored;
  for (const JsonOddNumber& n : odd) {
    const std::string_view number = json.substr(n.offset, n.size);
    // An odd integer is beyond 64 bits; a fraction or an exponent, simdjson alone says (1e400, 1e-400).
    const bool integer = scan_json_number(number).integer;
    if (!integer && !alone.parse(simdjson::padded_string(number)).get(ignored)) continue;
    const TextPosition at = text_position(json, n.offset);
    const std::string shown = number.size() <= kShownNumberBytes
                                  ? std::string(number)
                                  : std::string(number.substr(0, kShownNumberBytes)) + "... (" +
                                        std::to_string(number.size()) + " bytes)";
    return CatalogueError(Rule::kSyntax, catalogue_path(n.path),
                          "a number the JSON parser cannot hold at " + to_string(at) + ": " + shown +
                              (integer ? " (integers run from -2^63 to 2^64 - 1)"
                                       : " (no catalogue field takes a fraction or an exponent)"),
                          {}, at);
  }
  // simdjson and find_json_problem disagree: no position, only what simdjson said (the fuzz test fails).
  return CatalogueError(Rule::kSyntax, "$",
                        std::string("not valid JSON (simdjson: ") + simdjson::error_message(error) + ")");
}

}  // namespace

Catalogue load_catalogue_string(std::string_view json) {
  if (json.size() > kMaxCatalogueBytes) {
    throw CatalogueError(Rule::kTooLarge, "$",
                         std::to_string(json.size()) + " bytes, more than the " +
                             std::to_string(kMaxCatalogueBytes) + " a catalogue may have");
  }
  std::string hash = sha256_hex(json);
  const simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  // A byte-order mark is refused whether simdjson takes it or not (find_json_problem names it).
  const bool bom = json.substr(0, 3) == "\xef\xbb\xbf";
  if (const simdjson::error_code error = bom ? simdjson::UTF8_ERROR : parser.parse(padded).get(root); error) {
    throw not_json(json, parser.max_depth(), error);
  }
  CatalogueData data = detail::decode_catalogue(detail::Node{root, "$"});
  data.content_hash = std::move(hash);
  data.source = std::string(json);
  return Catalogue(std::move(data));
}

Catalogue load_catalogue_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw CatalogueError(Rule::kIo, "$", "cannot open the file", path.string());
  }
  std::string bytes;
  // Read at most one byte past the limit: enough to tell a too-large file without reading it all.
  bytes.resize(kMaxCatalogueBytes + 1);
  file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (file.bad()) throw CatalogueError(Rule::kIo, "$", "read error", path.string());
  bytes.resize(static_cast<std::size_t>(file.gcount()));
  try {
    return load_catalogue_string(bytes);
  } catch (const CatalogueError& error) {
    throw error.with_origin(path.string());
  }
}

}  // namespace rex::refdata
