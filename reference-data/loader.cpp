#include "reference-data/loader.hpp"

#include <simdjson.h>

#include <fstream>
#include <iterator>
#include <string>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decode.hpp"
#include "reference-data/sha256.hpp"

namespace rex::refdata {

Catalogue load_catalogue_string(std::string_view json) {
  if (json.size() > kMaxCatalogueBytes) {
    throw CatalogueError(Rule::kTooLarge, "$",
                         std::to_string(json.size()) + " bytes, more than the " +
                             std::to_string(kMaxCatalogueBytes) + " a catalogue may have");
  }
  if (json.substr(0, 3) == "\xef\xbb\xbf") {
    throw CatalogueError(Rule::kSyntax, "$",
                         "the file starts with a UTF-8 byte-order mark; save it as UTF-8 without one");
  }
  std::string hash = sha256_hex(json);
  const simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const simdjson::error_code error = parser.parse(padded).get(root); error) {
    throw CatalogueError(Rule::kSyntax, "$",
                         std::string("not valid JSON (simdjson: ") + simdjson::error_message(error) +
                             "; integers beyond int64/uint64 are reported here too)");
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
