// Quality terms (docs/quality-matching.md): their static checks, an assay against its grade, and
// whether a buyer's bounds accept a lot's assay. Pure functions, no engine state.
#pragma once

#include "matcher/command.hpp"
#include "matcher/reject_code.hpp"

namespace rex::matcher {

// Count, order, repeats, min <= max; on a sell every term a single measured value.
RejectCode check_quality_terms(const QualityTerms& terms, Side side);

struct AssayCheck {
  RejectCode code = RejectCode::kNone;
  AttributeId attribute = 0;  // the first attribute outside the grade's limit
};
// Both lists ascend by attribute; attributes the grade does not limit pass.
AssayCheck check_assay(const QualityTerms& assay, const refdata::InstrumentSpec& instrument);

// Every bounded attribute present in the assay and inside the bound. `assay` may be null (no assay).
bool bounds_accept(const QualityTerms& bounds, const QualityTerms* assay);

}  // namespace rex::matcher
