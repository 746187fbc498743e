#include "reference-data/decimal.hpp"

#include <limits>

namespace rex::refdata {

namespace {

constexpr int kMaxScale = 18;  // 10^18 is the largest power of ten in int64

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Accumulates magnitudes as negative numbers so INT64_MIN stays representable.
bool push_digit(std::int64_t& negative, int digit) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (negative < kMin / 10) return false;
  negative *= 10;
  if (negative < kMin + digit) return false;
  negative -= digit;
  return true;
}

}  // namespace

DecimalStatus parse_decimal(std::string_view text, int scale, std::int64_t& out) {
  if (scale < 0 || scale > kMaxScale) return DecimalStatus::kMalformed;
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) pos = 1;
  const std::size_t int_begin = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  const std::string_view int_part = text.substr(int_begin, pos - int_begin);
  std::string_view frac_part;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t frac_begin = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    frac_part = text.substr(frac_begin, pos - frac_begin);
    if (frac_part.empty()) return DecimalStatus::kMalformed;
  }
  if (int_part.empty() || pos != text.size()) return DecimalStatus::kMalformed;
  if (frac_part.size() > static_cast<std::size_t>(scale)) return DecimalStatus::kTooManyPlaces;

  std::int64_t acc = 0;  // minus the magnitude
  for (char c : int_part) {
    if (!push_digit(acc, c - '0')) return DecimalStatus::kOverflow;
  }
  for (int i = 0; i < scale; ++i) {
    const std::size_t idx = static_cast<std::size_t>(i);
    const int digit = idx < frac_part.size() ? frac_part[idx] - '0' : 0;
    if (!push_digit(acc, digit)) return DecimalStatus::kOverflow;
  }
  if (!negative) {
    if (acc == std::numeric_limits<std::int64_t>::min()) return DecimalStatus::kOverflow;
    acc = -acc;
  }
  out = acc;
  return DecimalStatus::kOk;
}

std::string format_decimal(std::int64_t value, int scale) {
  const bool negative = value < 0;
  // Work on the unsigned magnitude so INT64_MIN formats too.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value)
                                     : static_cast<std::uint64_t>(value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0) {
    const std::size_t places = static_cast<std::size_t>(scale);
    if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
    digits.insert(digits.size() - places, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

std::string_view decimal_status_text(DecimalStatus status) {
  switch (status) {
    case DecimalStatus::kOk: return "ok";
    case DecimalStatus::kMalformed: return "not a decimal of the form -?[0-9]+(.[0-9]+)?";
    case DecimalStatus::kTooManyPlaces: return "more decimal places than the attribute's scale";
    case DecimalStatus::kOverflow: return "too large for a 64-bit fixed-point value";
  }
  return "unknown";
}

}  // namespace rex::refdata
