// The one error a bad catalogue raises: which JSON path broke which rule, and how.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reference-data/json_error_position.hpp"

namespace rex::refdata {

// Every rule the loader enforces. rule_name() gives the stable snake_case token in messages.
enum class Rule : std::uint8_t {
  kIo,                      // the file cannot be read
  kTooLarge,                // more bytes than kMaxCatalogueBytes
  kSyntax,                  // not JSON (or a number simdjson cannot represent): has a position()
  kWrongType,               // e.g. a string where an integer belongs
  kUnknownField,            // a key the format does not define
  kMissingField,            // a required key is absent
  kDuplicateField,          // the same key twice in one object
  kOutOfRange,              // an integer outside its documented range
  kNotPositive,             // a size, tick, lot or limit that must be > 0
  kBadDecimal,              // a decimal string malformed, too precise or too large
  kBadText,                 // an empty text or one with control characters
  kBadCode,                 // a code that is not [A-Z][A-Z0-9_]*
  kDuplicateCode,           // two entries of one table share a code (or a participant id)
  kDuplicateEntry,          // a role, side, permission, limit or differential given twice
  kUnknownReference,        // a code naming no commodity, grade, hub or attribute
  kWrongCommodity,          // a grade (or base grade) that belongs to another commodity
  kUnsupportedFormat,       // format or format_version this loader does not read
  kBadDate,                 // not an ISO date YYYY-MM-DD
  kEmpty,                   // a table or list that must have at least one entry
  kCodeMismatch,            // an instrument code that is not COMMODITY-GRADE-HUB
  kLotInconsistent,         // lot minimum not a multiple of the lot increment
  kOffTick,                 // a band bound or differential not a multiple of the tick
  kBandInverted,            // price floor >= price ceiling
  kBandTooWide,             // more than kMaxBandTicks prices in the band
  kMinAboveMax,             // an attribute limit with min > max
  kNoBound,                 // an attribute limit with neither min nor max
  kMissingDifferential,     // a grade, or a traded commodity x hub, with no differential
  kBaseDifferentialNotZero, // the base grade or base hub differs from itself
  kBaseInstrumentMissing,   // no instrument for a commodity's base grade at its base hub
  kBadCurrency,             // an instrument currency other than "CNY/t"
  kBadSide,                 // a side other than "buy" or "sell"
  kBadRole,                 // a role other than "trader", "operator", "auditor"
  kBadKind,                 // a participant kind other than recycler, mill, trader, exchange
  kRoleConflict,            // permissions or limits without the trader role, or the reverse
};

std::string_view rule_name(Rule rule);  // "unknown_field"

class CatalogueError : public std::runtime_error {
 public:
  // json_path: "$", "$.instruments[3].tick_size_fen", ...; detail: what was found and expected.
  CatalogueError(Rule rule, std::string json_path, std::string detail, std::string origin = {},
                 std::optional<TextPosition> position = {});

  Rule rule() const noexcept { return rule_; }
  const std::string& json_path() const noexcept { return json_path_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& origin() const noexcept { return origin_; }  // file name, or empty
  // Where in the text the JSON parser stopped (the detail names it too), or none: past the parser.
  const std::optional<TextPosition>& position() const noexcept { return position_; }

  // The same error, its message prefixed with the file it came from.
  CatalogueError with_origin(std::string origin) const;

 private:
  Rule rule_;
  std::string json_path_;
  std::string detail_;
  std::string origin_;
  std::optional<TextPosition> position_;
};

}  // namespace rex::refdata
