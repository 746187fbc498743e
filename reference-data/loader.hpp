// Loads and validates a catalogue (format: docs/reference-data.md). Throws CatalogueError,
// naming the JSON path and the rule broken, for anything but a fully valid catalogue.
#pragma once

#include <filesystem>
#include <string_view>

#include "reference-data/catalogue.hpp"
#include "reference-data/catalogue_error.hpp"

namespace rex::refdata {

// The catalogue shipped with rex, relative to the repository root.
inline constexpr std::string_view kBundledCataloguePath = "reference-data/catalogue/rex-catalogue.json";

// The content hash is the SHA-256 of exactly the bytes read from the file.
Catalogue load_catalogue_file(const std::filesystem::path& path);

// The content hash is the SHA-256 of exactly `json` as given.
Catalogue load_catalogue_string(std::string_view json);

}  // namespace rex::refdata
