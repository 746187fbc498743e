// The integer units every part of rex shares, and what the matcher needs to know of an instrument.
#pragma once

#include <cstdint>
#include <string>

namespace rex::refdata {

using Price = std::int64_t;     // fen (0.01 CNY) per tonne; never floating point
using Quantity = std::int64_t;  // kilograms
using Timestamp = std::uint64_t;  // nanoseconds since the Unix epoch, stamped by the sequencer
using InstrumentId = std::uint32_t;  // dense index of the instrument in catalogue order
using ParticipantId = std::uint32_t;

inline constexpr InstrumentId kAnyInstrument = UINT32_MAX;
inline constexpr ParticipantId kAnyParticipant = UINT32_MAX;
inline constexpr std::uint32_t kAnyCommodity = UINT32_MAX;

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
};

}  // namespace rex::refdata
