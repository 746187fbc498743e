#include "reference-data/catalogue_error.hpp"

#include <utility>

namespace rex::refdata {

std::string_view rule_name(Rule rule) {
  switch (rule) {
    case Rule::kIo: return "io";
    case Rule::kTooLarge: return "too_large";
    case Rule::kSyntax: return "syntax";
    case Rule::kWrongType: return "wrong_type";
    case Rule::kUnknownField: return "unknown_field";
    case Rule::kMissingField: return "missing_field";
    case Rule::kDuplicateField: return "duplicate_field";
    case Rule::kOutOfRange: return "out_of_range";
    case Rule::kNotPositive: return "not_positive";
    case Rule::kBadDecimal: return "bad_decimal";
    case Rule::kBadText: return "bad_text";
    case Rule::kBadCode: return "bad_code";
    case Rule::kDuplicateCode: return "duplicate_code";
    case Rule::kDuplicateEntry: return "duplicate_entry";
    case Rule::kUnknownReference: return "unknown_reference";
    case Rule::kWrongCommodity: return "wrong_commodity";
    case Rule::kUnsupportedFormat: return "unsupported_format";
    case Rule::kBadDate: return "bad_date";
    case Rule::kEmpty: return "empty";
    case Rule::kCodeMismatch: return "code_mismatch";
    case Rule::kLotInconsistent: return "lot_inconsistent";
    case Rule::kOffTick: return "off_tick";
    case Rule::kBandInverted: return "band_inverted";
    case Rule::kBandTooWide: return "band_too_wide";
    case Rule::kMinAboveMax: return "min_above_max";
    case Rule::kNoBound: return "no_bound";
    case Rule::kMissingDifferential: return "missing_differential";
    case Rule::kBaseDifferentialNotZero: return "base_differential_not_zero";
    case Rule::kBaseInstrumentMissing: return "base_instrument_missing";
    case Rule::kBadCurrency: return "bad_currency";
    case Rule::kBadSide: return "bad_side";
    case Rule::kBadRole: return "bad_role";
    case Rule::kBadKind: return "bad_kind";
    case Rule::kRoleConflict: return "role_conflict";
  }
  return "unknown_rule";
}

namespace {

std::string compose(Rule rule, const std::string& path, const std::string& detail,
                    const std::string& origin) {
  std::string text;
  if (!origin.empty()) text += origin + ": ";
  text += "invalid catalogue at ";
  text += path;
  text += ": ";
  text += rule_name(rule);
  text += ": ";
  text += detail;
  return text;
}

}  // namespace

CatalogueError::CatalogueError(Rule rule, std::string json_path, std::string detail,
                               std::string origin, std::optional<TextPosition> position)
    : std::runtime_error(compose(rule, json_path, detail, origin)),
      rule_(rule),
      json_path_(std::move(json_path)),
      detail_(std::move(detail)),
      origin_(std::move(origin)),
      position_(position) {}

CatalogueError CatalogueError::with_origin(std::string origin) const {
  return CatalogueError(rule_, json_path_, detail_, std::move(origin), position_);
}

}  // namespace rex::refdata
