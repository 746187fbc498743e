// The integer units every part of rex shares, and what the matcher needs to know of an instrument.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace rex::refdata {

using Price = std::int64_t;     // fen (0.01 CNY) per tonne; never floating point
using Quantity = std::int64_t;  // kilograms
using Timestamp = std::uint64_t;  // nanoseconds since the Unix epoch, stamped by the sequencer
using InstrumentId = std::uint32_t;  // dense index of the instrument in catalogue order
using ParticipantId = std::uint32_t;

inline constexpr InstrumentId kAnyInstrument = UINT32_MAX;
inline constexpr ParticipantId kAnyParticipant = UINT32_MAX;
inline constexpr std::uint32_t kAnyCommodity = UINT32_MAX;

using AttributeId = std::uint16_t;  // index into the catalogue's attribute table

// Open ends of a quality range.
inline constexpr std::int64_t kNoLowerLimit = std::numeric_limits<std::int64_t>::min();
inline constexpr std::int64_t kNoUpperLimit = std::numeric_limits<std::int64_t>::max();

// One quality attribute's inclusive range, fixed-point at the attribute's scale (docs/reference-data.md).
struct AttributeRange {
  AttributeId attribute = 0;
  std::int64_t min = kNoLowerLimit;
  std::int64_t max = kNoUpperLimit;

  bool contains(std::int64_t value) const { return value >= min && value <= max; }
  bool operator==(const AttributeRange&) const = default;
};

// The trading rules of one instrument (commodity x grade x delivery hub), as the book enforces them.
// Prices outside [price_floor, price_ceiling] are rejected, and the band bounds each book's ladder.
struct InstrumentSpec {
  InstrumentId id = 0;
  std::string code;          // e.g. "CU-BARLEY-XUCHANG"
  std::uint32_t commodity = 0;  // indices into the catalogue's commodity, grade and hub tables
  std::uint32_t grade = 0;
  std::uint32_t hub = 0;
  Price tick_size = 0;       // fen; every price is a multiple of it
  Quantity lot_minimum = 0;  // kg; smallest order quantity
  Quantity lot_increment = 0;  // kg; every order quantity is a multiple of it
  Price price_floor = 0;     // fen, inclusive, a multiple of tick_size
  Price price_ceiling = 0;   // fen, inclusive, a multiple of tick_size
  // Grade plus hub differential to the commodity's base grade at its base hub (fen/t): a price P
  // here is worth P - differential on the base basis.
  Price differential = 0;
  std::vector<AttributeRange> quality;  // the grade's limits, ascending attribute; assays must fit
};

}  // namespace rex::refdata
