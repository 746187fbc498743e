// The catalogue's top level: format and version checks, then each section in dependency order.
#include <string>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decimal.hpp"
#include "reference-data/decode.hpp"

namespace rex::refdata::detail {

namespace {

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// YYYY-MM-DD, a real calendar date.
bool is_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int fields[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (std::size_t i = 0; i < lengths[f]; ++i) {
      const char c = text[starts[f] + i];
      if (c < '0' || c > '9') return false;
      fields[f] = fields[f] * 10 + (c - '0');
    }
  }
  const int year = fields[0], month = fields[1], day = fields[2];
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 2000 || month < 1 || month > 12 || day < 1) return false;
  const int days = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= days;
}

}  // namespace

std::string yuan(Price fen) { return format_decimal(fen, 2) + " CNY/t"; }

std::uint32_t add_code(CodeIndex& index, const Node& code_node, std::string_view table) {
  const std::string code = read_code(code_node);
  const auto next = static_cast<std::uint32_t>(index.size());
  if (!index.emplace(code, next).second) {
    fail(Rule::kDuplicateCode, code_node.path,
         std::string(table) + " code " + quote_text(code) + " is already defined");
  }
  return next;
}

std::uint32_t resolve(const CodeIndex& index, const Node& code_node, std::string_view table) {
  const std::string code = read_code(code_node);
  const auto it = index.find(code);
  if (it == index.end()) {
    fail(Rule::kUnknownReference, code_node.path,
         "no " + std::string(table) + " has the code " + quote_text(code));
  }
  return it->second;
}

CatalogueData decode_catalogue(const Node& root_node) {
  const ObjectReader root(root_node, {"format", "format_version", "version", "effective_date",
                                      "description", "attributes", "commodities", "hubs", "grades",
                                      "differentials", "instruments", "participants"});
  DecodeState state;
  CatalogueData& data = state.data;

  const Node format = root.required("format");
  if (read_text(format) != kCatalogueFormat) {
    fail(Rule::kUnsupportedFormat, format.path,
         "expected " + quote_text(kCatalogueFormat) + ", got " + quote_text(read_text(format)));
  }
  const Node format_version = root.required("format_version");
  data.format_version = read_int(format_version);
  if (data.format_version != kCatalogueFormatVersion) {
    fail(Rule::kUnsupportedFormat, format_version.path,
         "this loader reads format_version " + std::to_string(kCatalogueFormatVersion) +
             ", got " + std::to_string(data.format_version));
  }
  data.version = root.text("version");
  const Node date = root.required("effective_date");
  data.effective_date = read_text(date);
  if (!is_iso_date(data.effective_date)) {
    fail(Rule::kBadDate, date.path, quote_text(data.effective_date) + " is not a date YYYY-MM-DD");
  }
  data.description = root.optional_text("description");

  decode_attributes(root, state);
  decode_hubs(root, state);
  decode_commodities(root, state);
  decode_grades(root, state);
  resolve_base_grades_and_hubs(state);
  decode_differentials(root, state);
  decode_instruments(root, state);
  check_differentials_on_tick(state);
  check_base_instruments(state);
  decode_participants(root, state);
  return std::move(state.data);
}

}  // namespace rex::refdata::detail
