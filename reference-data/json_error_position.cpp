#include "reference-data/json_error_position.hpp"

#include <algorithm>
#include <cstdio>

namespace rex::refdata {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string byte_text(unsigned char c) {
  if (c > 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  char out[16];
  std::snprintf(out, sizeof out, "byte 0x%02x", c);
  return out;
}

// The length of the UTF-8 sequence at `s` (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF), or 0 when it is not one.
std::size_t utf8_length(std::string_view s) {
  auto u = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  auto cont = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xbf) { return u(i) >= lo && u(i) <= hi; };
  const unsigned c = u(0);
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const unsigned lo = c == 0xe0 ? 0xa0 : 0x80;
    const unsigned hi = c == 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const unsigned lo = c == 0xf0 ? 0x90 : 0x80;
    const unsigned hi = c == 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// Recursive descent over the text, no deeper than max_depth (1024 for simdjson's default).
class Scanner {
 public:
  Scanner(std::string_view text, std::size_t max_depth, std::vector<JsonOddNumber>* odd)
      : t_(text), max_depth_(max_depth), odd_(odd) {}

  std::optional<JsonProblem> run() {
    if (t_.substr(0, 3) == "\xef\xbb\xbf") return JsonProblem{0, "a byte order mark (save the file as UTF-8 without one)"};
    space();
    if (p_ == t_.size()) return JsonProblem{p_, "no JSON value, the text is empty"};
    if (value(0)) {
      space();
      if (p_ != t_.size()) expected("nothing after the JSON value");
    }
    return problem_;
  }

 private:
  bool fail(std::size_t at, std::string what) {
    problem_ = JsonProblem{at, std::move(what)};
    return false;
  }
  bool expected(const std::string& what) {
    return fail(p_, "expected " + what + ", found " +
                        (p_ < t_.size() ? byte_text(static_cast<unsigned char>(t_[p_])) : "the end of the text"));
  }
  bool at(char c) const { return p_ < t_.size() && t_[p_] == c; }
  void space() {
    while (p_ < t_.size() && is_space(t_[p_])) ++p_;
  }

  bool value(std::size_t depth) {
    if (p_ >= t_.size()) return expected("a value");
    switch (t_[p_]) {
      case '{':
      case '[': return container(depth + 1);
      case '"': return string(nullptr);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return is_digit(t_[p_]) || t_[p_] == '-' ? number() : expected("a value");
    }
  }

  bool container(std::size_t depth) {
    const bool object = t_[p_] == '{';
    const char close = object ? '}' : ']';
    const std::size_t open = p_++;
    space();
    if (at(close)) {
      ++p_;
      return true;
    }
    // simdjson takes an empty array or object one level deeper than one with something in it.
    if (depth >= max_depth_) {
      return fail(open, "arrays and objects nested deeper than " + std::to_string(max_depth_ - 1) + " levels");
    }
    frames_.push_back({object, {}, 0});
    for (;;) {
      if (object) {
        if (!at('"')) return expected("a key in double quotes");
        if (!string(&frames_.back().key)) return false;
        space();
        if (!at(':')) return expected("':'");
        ++p_;
        space();
      }
      if (!value(depth)) return false;
      space();
      if (at(',')) {
        ++p_;
        ++frames_.back().index;
        space();
        continue;
      }
      if (!at(close)) return expected(object ? "',' or '}'" : "',' or ']'");
      ++p_;
      frames_.pop_back();
      return true;
    }
  }

  bool string(std::string_view* text) {
    const std::size_t open = p_++;
    while (p_ < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[p_]);
      if (c == '"') {
        if (text) *text = t_.substr(open + 1, p_ - open - 1);
        ++p_;
        return true;
      }
      if (c < 0x20) {
        return fail(p_, "a control character (" + byte_text(c) + ") in a string: write it as an escape (\\n, \\u0000)");
      }
      if (c == '\\') {
        if (!escape()) return false;
        continue;
      }
      const std::size_t n = utf8_length(t_.substr(p_));
      if (n == 0) return fail(p_, "not UTF-8 (" + byte_text(c) + ")");
      p_ += n;
    }
    return fail(open, "a string that is never closed");
  }

  // At a backslash in a string.
  bool escape() {
    const std::size_t begin = p_++;
    if (p_ < t_.size() && std::string_view("\"\\/bfnrt").find(t_[p_]) != std::string_view::npos) {
      ++p_;
      return true;
    }
    if (!at('u')) return fail(begin, "an escape that is not \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
    const auto unit = [&](std::size_t from, unsigned& out) {
      if (from + 6 > t_.size() || t_[from] != '\\' || t_[from + 1] != 'u') return false;
      out = 0;
      for (std::size_t i = from + 2; i < from + 6; ++i) {
        if (!is_hex(t_[i])) return false;
        out = out * 16 + static_cast<unsigned>(is_digit(t_[i]) ? t_[i] - '0' : (t_[i] | 0x20) - 'a' + 10);
      }
      return true;
    };
    unsigned first = 0;
    if (!unit(begin, first)) return fail(begin, "\\u needs four hex digits");
    p_ = begin + 6;
    if (first >= 0xdc00 && first <= 0xdfff) return fail(begin, "a low surrogate \\u" + std::string(t_.substr(begin + 2, 4)) + " alone");
    if (first >= 0xd800 && first <= 0xdbff) {
      unsigned second = 0;
      if (!unit(p_, second) || second < 0xdc00 || second > 0xdfff) {
        return fail(begin, "a high surrogate \\u" + std::string(t_.substr(begin + 2, 4)) + " without a low one after it");
      }
      p_ += 6;
    }
    return true;
  }

  bool literal(std::string_view word) {
    if (t_.substr(p_, word.size()) != word) return expected(std::string(word));
    p_ += word.size();
    return true;
  }

  bool number() {
    const std::size_t begin = p_;
    const JsonNumberScan scan = scan_json_number(t_.substr(p_));
    p_ += scan.size;
    switch (scan.fault) {
      case JsonNumberFault::kNone: break;
      case JsonNumberFault::kNoDigit: return expected("a digit in the number");
      case JsonNumberFault::kLeadingZero: return fail(begin, "a number with a leading zero");
      case JsonNumberFault::kNoFractionDigit: return expected("a digit after the decimal point");
      case JsonNumberFault::kNoExponentDigit: return expected("a digit in the exponent");
    }
    const std::string_view text = t_.substr(begin, scan.size);
    if (odd_ && !(scan.integer && fits_64_bits(text))) {
      odd_->push_back({begin, text.size(), frames_, scan.integer && text[0] != '-'});
    }
    return true;
  }

  std::string_view t_;
  std::size_t p_ = 0;
  std::size_t max_depth_;
  std::vector<JsonOddNumber>* odd_;
  std::vector<JsonPathStep> frames_;  // the way to the value being read
  std::optional<JsonProblem> problem_;
};

}  // namespace

JsonNumberScan scan_json_number(std::string_view s) {
  JsonNumberScan scan;
  std::size_t& p = scan.size;
  const auto at = [&](char c) { return p < s.size() && s[p] == c; };
  const auto digits = [&]() {
    const std::size_t begin = p;
    while (p < s.size() && is_digit(s[p])) ++p;
    return p > begin;
  };
  const auto fault = [&](JsonNumberFault f) {
    scan.fault = f;
    return scan;
  };
  if (at('-')) ++p;
  if (at('0')) {
    ++p;
    if (p < s.size() && is_digit(s[p])) return fault(JsonNumberFault::kLeadingZero);
  } else if (!digits()) {
    return fault(JsonNumberFault::kNoDigit);
  }
  if (at('.')) {
    ++p;
    scan.integer = false;
    if (!digits()) return fault(JsonNumberFault::kNoFractionDigit);
  }
  if (at('e') || at('E')) {
    ++p;
    scan.integer = false;
    if (at('+') || at('-')) ++p;
    if (!digits()) return fault(JsonNumberFault::kNoExponentDigit);
  }
  return scan;
}

bool fits_64_bits(std::string_view integer) {
  const bool negative = integer[0] == '-';
  const std::string_view digits = integer.substr(negative ? 1 : 0);
  const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
}

std::optional<JsonProblem> find_json_problem(std::string_view text, std::size_t max_depth, std::vector<JsonOddNumber>* odd) {
  return Scanner(text, max_depth, odd).run();
}

TextPosition text_position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t newline = before.rfind('\n');
  return {line, newline == std::string_view::npos ? offset + 1 : offset - newline};
}

std::string to_string(TextPosition position) {
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column);
}

}  // namespace rex::refdata
