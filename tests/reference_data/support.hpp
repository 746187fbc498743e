// Shared by the reference-data tests: a small valid catalogue to mutate, and rejection checks.
#pragma once

#include <string>
#include <string_view>

#include "reference-data/catalogue_error.hpp"

namespace rex::refdata::test {

// A minimal valid catalogue: CU (BARLEY base, BIRCH) and WP (OCC11), hubs XUCHANG and ZHENGZHOU,
// instruments [0] CU-BARLEY-XUCHANG, [1] CU-BIRCH-ZHENGZHOU, [2] WP-OCC11-ZHENGZHOU,
// participants [0] RECYCLER (trader, id 1) and [1] OPS (operator, id 2).
const std::string& small_catalogue();

// `json` with the one occurrence of `from` replaced by `to` (the test fails unless there is exactly one).
std::string replaced(const std::string& json, std::string_view from, std::string_view to);
std::string small_with(std::string_view from, std::string_view to);

std::string bundled_catalogue_path();
std::string read_file(const std::string& path);

// Loading `json` throws a CatalogueError with this rule and path, both named in its message.
void require_rejected(const std::string& json, Rule rule, std::string_view json_path);

}  // namespace rex::refdata::test
