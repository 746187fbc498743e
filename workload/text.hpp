// The lexical layer shared by the workload, event and scenario text forms: tokens, exact decimal
// prices, integers with overflow checks, instrument codes, and the one error type they all throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reference-data/types.hpp"

namespace rex::workload {

// Why a line could not be read. Every parse failure is exactly one of these.
enum class ErrorKind : std::uint8_t {
  kMissingHeader = 0,      // the first line of a file is not "REX-WORKLOAD <version>"
  kUnsupportedVersion = 1, // the header names a version this reader does not know
  kUnknownVerb = 2,        // the command or event word is not one of the known words
  kUnknownKey = 3,         // a key=value key or a bare word that no verb knows
  kKeyNotAllowed = 4,      // a known key that this verb does not use
  kMissingField = 5,       // a field the verb requires is absent
  kDuplicateKey = 6,       // the same field given twice (also BUY after side=, ...)
  kBadNumber = 7,          // not a number of the required shape (empty, sign, stray characters)
  kOverflow = 8,           // a number outside its type's range
  kTooManyDecimals = 9,    // a price with more than two decimals: never rounded
  kUnknownInstrument = 10, // an instrument code not in the instrument list
  kUnknownName = 11,       // an enumeration value name that does not exist (tif=XYZ)
  kTooManyTerms = 12,      // more quality terms than a command holds (matcher::kMaxQualityTerms)
};

std::string_view error_kind_name(ErrorKind kind);  // "TOO_MANY_DECIMALS"

// A parse failure: which line (1-based, 0 when parsing a lone line), which token, which rule.
class ParseError : public std::runtime_error {
 public:
  ParseError(ErrorKind kind, std::size_t line, std::string token, std::string detail);

  ErrorKind kind() const noexcept { return kind_; }
  std::size_t line() const noexcept { return line_; }
  const std::string& token() const noexcept { return token_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  ErrorKind kind_;
  std::size_t line_;
  std::string token_;
  std::string detail_;
};

// Instrument code <-> id, built once from the catalogue (or a scenario's inline declarations).
class InstrumentCodes {
 public:
  InstrumentCodes() = default;
  explicit InstrumentCodes(std::span<const refdata::InstrumentSpec> instruments);

  std::optional<refdata::InstrumentId> find(std::string_view code) const;
  // The code to write for an id, if it has one that reads back as itself (else write "#id").
  std::optional<std::string_view> code(refdata::InstrumentId id) const;

 private:
  std::unordered_map<std::string, refdata::InstrumentId> by_code_;
  std::unordered_map<refdata::InstrumentId, std::string> by_id_;
};

// True when a code can be written as a bare token and read back: no blanks, no '=', not
// starting with '#' (comments, raw ids) and not "*" (any).
bool is_writable_code(std::string_view code);

// Splits a line into blank-separated tokens (space, tab, CR, VT, FF). A token starting with '#'
// begins a comment that runs to the end of the line.
std::vector<std::string_view> tokenize(std::string_view line);

// Numbers. `line` and `token` only go into the error. Digits only (no '+', no blanks); '-' only
// where the type is signed.
std::uint64_t parse_unsigned(std::string_view text, std::uint64_t max, std::size_t line,
                             std::string_view token);
std::int64_t parse_signed(std::string_view text, std::size_t line, std::string_view token);
// A price in CNY with at most two decimals ("72350", "72350.5", "-0.01"), converted exactly to fen.
refdata::Price parse_price(std::string_view text, std::size_t line, std::string_view token);
// Fen as CNY with exactly two decimals: 7235000 -> "72350.00", -1 -> "-0.01".
std::string format_price(refdata::Price fen);

// An instrument reference: a code from `codes`, "#<id>" for a raw id, or "*" (kAnyInstrument)
// when `allow_any`.
refdata::InstrumentId parse_instrument(std::string_view text, const InstrumentCodes& codes,
                                       bool allow_any, std::size_t line, std::string_view token);
std::string format_instrument(refdata::InstrumentId id, const InstrumentCodes& codes);

// 32 bits as 1 to 8 hex digits when read, exactly 8 lower-case ones when written ("bcbeb564"):
// the reference data a trade carries, cut from the catalogue's SHA-256.
std::uint32_t parse_hex32(std::string_view text, std::size_t line, std::string_view token);
std::string format_hex32(std::uint32_t value);

// A set of grade or hub indices, "0,3,9" <-> bits 0, 3 and 9 (any order when read, ascending when
// written; an index twice or above 63 is an error). The empty set has no text: it is left out.
std::uint64_t parse_index_set(std::string_view text, std::size_t line, std::string_view token);
std::string format_index_set(std::uint64_t bits);

// Quality terms "14:9960,6:..120,22:5..40" (attribute:value for min == max, attribute:min..max
// with either end left open), kept in the order written: unordered or repeated attributes are
// the engine's to refuse. More than `max_terms` terms is TOO_MANY_TERMS, never truncated.
std::vector<refdata::AttributeRange> parse_attribute_ranges(std::string_view text, std::size_t max_terms,
                                                            std::size_t line, std::string_view token);
std::string format_attribute_range(const refdata::AttributeRange& range);
std::string format_attribute_ranges(std::span<const refdata::AttributeRange> ranges);

}  // namespace rex::workload
