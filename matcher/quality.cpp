#include "matcher/quality.hpp"

namespace rex::matcher {

RejectCode check_quality_terms(const QualityTerms& terms, Side side) {
  if (terms.count > kMaxQualityTerms) return RejectCode::kQualityTermsInvalid;
  for (std::size_t i = 0; i < terms.count; ++i) {
    const AttributeRange& t = terms.terms[i];
    if (t.min > t.max) return RejectCode::kQualityTermsInvalid;
    if (side == Side::kSell && t.min != t.max) return RejectCode::kQualityTermsInvalid;
    if (i > 0 && terms.terms[i - 1].attribute >= t.attribute) return RejectCode::kQualityTermsInvalid;
  }
  return RejectCode::kNone;
}

AssayCheck check_assay(const QualityTerms& assay, const refdata::InstrumentSpec& instrument) {
  std::size_t limit = 0;
  for (std::size_t i = 0; i < assay.count; ++i) {
    const AttributeRange& measured = assay.terms[i];
    while (limit < instrument.quality.size() && instrument.quality[limit].attribute < measured.attribute) ++limit;
    if (limit < instrument.quality.size() && instrument.quality[limit].attribute == measured.attribute &&
        !instrument.quality[limit].contains(measured.min)) {
      return AssayCheck{RejectCode::kAssayOutOfSpec, measured.attribute};
    }
  }
  return AssayCheck{};
}

bool bounds_accept(const QualityTerms& bounds, const QualityTerms* assay) {
  if (bounds.count == 0) return true;
  if (assay == nullptr) return false;
  std::size_t a = 0;
  for (std::size_t b = 0; b < bounds.count; ++b) {
    const AttributeRange& bound = bounds.terms[b];
    while (a < assay->count && assay->terms[a].attribute < bound.attribute) ++a;
    if (a == assay->count || assay->terms[a].attribute != bound.attribute) return false;
    if (!bound.contains(assay->terms[a].min)) return false;
  }
  return true;
}

}  // namespace rex::matcher
