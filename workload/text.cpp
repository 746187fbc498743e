#include "workload/text.hpp"

#include <array>
#include <limits>

namespace rex::workload {
namespace {

constexpr std::array<std::string_view, 13> kErrorKindNames = {
    "MISSING_HEADER",  "UNSUPPORTED_VERSION", "UNKNOWN_VERB",       "UNKNOWN_KEY",  "KEY_NOT_ALLOWED",
    "MISSING_FIELD",   "DUPLICATE_KEY",       "BAD_NUMBER",         "OVERFLOW",     "TOO_MANY_DECIMALS",
    "UNKNOWN_INSTRUMENT", "UNKNOWN_NAME",     "TOO_MANY_TERMS",
};

// Grade and hub indices are bit positions of a 64-bit set.
constexpr std::uint64_t kMaxIndex = 63;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string describe(ErrorKind kind, std::size_t line, const std::string& token,
                     const std::string& detail) {
  std::string out;
  if (line > 0) out += "line " + std::to_string(line) + ": ";
  out += error_kind_name(kind);
  out += " at '" + token + "': " + detail;
  return out;
}

// Magnitude of a run of digits, or nullopt on overflow past `max`.
std::optional<std::uint64_t> digits_value(std::string_view digits, std::uint64_t max) {
  std::uint64_t value = 0;
  for (char c : digits) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (value > (max - d) / 10) return std::nullopt;
    value = value * 10 + d;
  }
  return value;
}

// The pieces of a comma-separated list; an empty piece (",," or a trailing comma) is kept, so the
// caller refuses it.
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return parts;
    start = comma + 1;
  }
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

}  // namespace

std::string_view error_kind_name(ErrorKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  return index < kErrorKindNames.size() ? kErrorKindNames[index] : "UNKNOWN_ERROR";
}

ParseError::ParseError(ErrorKind kind, std::size_t line, std::string token, std::string detail)
    : std::runtime_error(describe(kind, line, token, detail)),
      kind_(kind),
      line_(line),
      token_(std::move(token)),
      detail_(std::move(detail)) {}

InstrumentCodes::InstrumentCodes(std::span<const refdata::InstrumentSpec> instruments) {
  for (const auto& spec : instruments) {
    by_code_.emplace(spec.code, spec.id);  // first wins on a duplicate code
    if (is_writable_code(spec.code)) by_id_.emplace(spec.id, spec.code);
  }
}

std::optional<refdata::InstrumentId> InstrumentCodes::find(std::string_view code) const {
  const auto it = by_code_.find(std::string(code));
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> InstrumentCodes::code(refdata::InstrumentId id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  // Only if the code reads back as this id (a duplicate code would read back as another).
  const auto back = by_code_.find(it->second);
  if (back == by_code_.end() || back->second != id) return std::nullopt;
  return std::string_view(it->second);
}

bool is_writable_code(std::string_view code) {
  if (code.empty() || code == "*" || code.front() == '#') return false;
  for (char c : code) {
    if (is_blank(c) || c == '=' || c == '\n' || c == '\0') return false;
  }
  return true;
}

std::vector<std::string_view> tokenize(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') break;
    const std::size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

std::uint64_t parse_unsigned(std::string_view text, std::uint64_t max, std::size_t line,
                             std::string_view token) {
  if (!all_digits(text)) {
    throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                     "expected an unsigned integer (digits only), got '" + std::string(text) + "'");
  }
  const auto value = digits_value(text, max);
  if (!value) {
    throw ParseError(ErrorKind::kOverflow, line, std::string(token),
                     "'" + std::string(text) + "' is larger than " + std::to_string(max));
  }
  return *value;
}

std::int64_t parse_signed(std::string_view text, std::size_t line, std::string_view token) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (!all_digits(digits)) {
    throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                     "expected an integer (optional '-', digits), got '" + std::string(text) + "'");
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const auto magnitude = digits_value(digits, negative ? kMax + 1 : kMax);
  if (!magnitude) {
    throw ParseError(ErrorKind::kOverflow, line, std::string(token),
                     "'" + std::string(text) + "' does not fit a signed 64-bit integer");
  }
  // Two's complement negation in unsigned arithmetic, so INT64_MIN needs no special case.
  return negative ? static_cast<std::int64_t>(0 - *magnitude) : static_cast<std::int64_t>(*magnitude);
}

refdata::Price parse_price(std::string_view text, std::size_t line, std::string_view token) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view body = negative ? text.substr(1) : text;
  const std::size_t dot = body.find('.');
  const std::string_view whole = body.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : body.substr(dot + 1);
  const bool fraction_ok = dot == std::string_view::npos || all_digits(fraction);
  if (!all_digits(whole) || !fraction_ok) {
    throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                     "expected a price in CNY like 72350.00 (optional '-', digits, up to 2 decimals), got '" +
                         std::string(text) + "'");
  }
  if (fraction.size() > 2) {
    throw ParseError(ErrorKind::kTooManyDecimals, line, std::string(token),
                     "prices have at most 2 decimals (whole fen); '" + std::string(text) +
                         "' is never rounded");
  }
  std::uint64_t fen_part = 0;
  for (char c : fraction) fen_part = fen_part * 10 + static_cast<std::uint64_t>(c - '0');
  if (fraction.size() == 1) fen_part *= 10;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const std::uint64_t limit = negative ? kMax + 1 : kMax;
  const auto yuan = digits_value(whole, limit / 100);
  if (!yuan || *yuan * 100 > limit - fen_part) {
    throw ParseError(ErrorKind::kOverflow, line, std::string(token),
                     "'" + std::string(text) + "' CNY does not fit a signed 64-bit count of fen");
  }
  const std::uint64_t magnitude = *yuan * 100 + fen_part;
  return negative ? static_cast<refdata::Price>(0 - magnitude) : static_cast<refdata::Price>(magnitude);
}

std::string format_price(refdata::Price fen) {
  const bool negative = fen < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  const std::uint64_t cents = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return out;
}

refdata::InstrumentId parse_instrument(std::string_view text, const InstrumentCodes& codes,
                                       bool allow_any, std::size_t line, std::string_view token) {
  if (text == "*") {
    if (!allow_any) {
      throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                       "'*' (any instrument) is only allowed in MASS_CANCEL");
    }
    return refdata::kAnyInstrument;
  }
  if (!text.empty() && text.front() == '#') {
    return static_cast<refdata::InstrumentId>(
        parse_unsigned(text.substr(1), std::numeric_limits<refdata::InstrumentId>::max(), line, token));
  }
  if (const auto id = codes.find(text)) return *id;
  throw ParseError(ErrorKind::kUnknownInstrument, line, std::string(token),
                   "no instrument with code '" + std::string(text) + "'");
}

std::uint32_t parse_hex32(std::string_view text, std::size_t line, std::string_view token) {
  if (text.empty()) {
    throw ParseError(ErrorKind::kBadNumber, line, std::string(token), "expected hex digits, e.g. bcbeb564");
  }
  std::uint64_t value = 0;
  for (char c : text) {
    const bool digit = is_digit(c);
    const bool lower = c >= 'a' && c <= 'f';
    const bool upper = c >= 'A' && c <= 'F';
    if (!digit && !lower && !upper) {
      throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                       "expected hex digits, e.g. bcbeb564, got '" + std::string(text) + "'");
    }
    value = value * 16 + static_cast<std::uint64_t>(digit ? c - '0' : (lower ? c - 'a' : c - 'A') + 10);
    if (value > std::numeric_limits<std::uint32_t>::max()) {
      throw ParseError(ErrorKind::kOverflow, line, std::string(token),
                       "'" + std::string(text) + "' is more than 32 bits");
    }
  }
  return static_cast<std::uint32_t>(value);
}

std::string format_hex32(std::uint32_t value) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out(8, '0');
  for (std::size_t i = 0; i < 8; ++i) out[7 - i] = kDigits[(value >> (4 * i)) & 0xfu];
  return out;
}

std::uint64_t parse_index_set(std::string_view text, std::size_t line, std::string_view token) {
  std::uint64_t bits = 0;
  for (const std::string_view part : split_commas(text)) {
    if (part.empty()) {
      throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                       "expected grade or hub indices separated by commas, e.g. 0,3,9");
    }
    const auto index = parse_unsigned(part, std::numeric_limits<std::uint64_t>::max(), line, token);
    if (index > kMaxIndex) {
      throw ParseError(ErrorKind::kOverflow, line, std::string(token),
                       "index " + std::string(part) + " is not a bit of a 64-bit set (0-63)");
    }
    const std::uint64_t bit = std::uint64_t{1} << index;
    if (bits & bit) {
      throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                       "index " + std::string(part) + " is given twice");
    }
    bits |= bit;
  }
  return bits;
}

std::string format_index_set(std::uint64_t bits) {
  std::string out;
  for (std::uint64_t index = 0; index <= kMaxIndex; ++index) {
    if (((bits >> index) & 1u) == 0) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(index);
  }
  return out;
}

std::vector<refdata::AttributeRange> parse_attribute_ranges(std::string_view text, std::size_t max_terms,
                                                            std::size_t line, std::string_view token) {
  std::vector<refdata::AttributeRange> ranges;
  const auto parts = split_commas(text);
  if (parts.size() > max_terms) {
    throw ParseError(ErrorKind::kTooManyTerms, line, std::string(token),
                     std::to_string(parts.size()) + " terms; at most " + std::to_string(max_terms) +
                         " fit (never truncated)");
  }
  for (const std::string_view part : parts) {
    const std::size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      throw ParseError(ErrorKind::kBadNumber, line, std::string(token),
                       "expected attribute:value or attribute:min..max (either end may be left open), got '" +
                           std::string(part) + "'");
    }
    refdata::AttributeRange range;
    range.attribute = static_cast<refdata::AttributeId>(parse_unsigned(
        part.substr(0, colon), std::numeric_limits<refdata::AttributeId>::max(), line, token));
    const std::string_view spec = part.substr(colon + 1);
    const std::size_t dots = spec.find("..");
    if (dots == std::string_view::npos) {
      range.min = range.max = parse_signed(spec, line, token);
    } else {
      const std::string_view low = spec.substr(0, dots);
      const std::string_view high = spec.substr(dots + 2);
      range.min = low.empty() ? refdata::kNoLowerLimit : parse_signed(low, line, token);
      range.max = high.empty() ? refdata::kNoUpperLimit : parse_signed(high, line, token);
    }
    ranges.push_back(range);
  }
  return ranges;
}

std::string format_attribute_range(const refdata::AttributeRange& range) {
  std::string out = std::to_string(range.attribute) + ':';
  if (range.min == range.max) return out + std::to_string(range.min);
  if (range.min != refdata::kNoLowerLimit) out += std::to_string(range.min);
  out += "..";
  if (range.max != refdata::kNoUpperLimit) out += std::to_string(range.max);
  return out;
}

std::string format_attribute_ranges(std::span<const refdata::AttributeRange> ranges) {
  std::string out;
  for (const auto& range : ranges) {
    if (!out.empty()) out += ',';
    out += format_attribute_range(range);
  }
  return out;
}

std::string format_instrument(refdata::InstrumentId id, const InstrumentCodes& codes) {
  if (const auto code = codes.code(id)) return std::string(*code);
  std::string out(1, '#');
  out += std::to_string(id);
  return out;
}

}  // namespace rex::workload
