// Which catalogue may replace the one in force while the exchange runs (docs/reference-data.md
// "Reloading"): differentials, grade limits, names, the catalogue version and participants may
// change; whatever resting orders depend on may not.
#pragma once

#include <string>

#include "reference-data/catalogue.hpp"

namespace rex::refdata {

// Empty when `next` may replace `current`; otherwise why not, naming the instrument (or table
// entry) and the field, e.g. "instrument CU-BARLEY-XUCHANG: tick_size changes from 1000 to 500".
std::string check_reload(const Catalogue& current, const Catalogue& next);

}  // namespace rex::refdata
