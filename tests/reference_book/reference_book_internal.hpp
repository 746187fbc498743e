// What the reference book's implementation files share (reference_book_orders.cpp,
// reference_book_matching.cpp, reference_book_state.cpp): events stamped with their command, and
// an instrument's price band and grade / hub bits.
#pragma once

#include <cstdint>

#include "tests/reference_book/reference_book.hpp"

namespace rex::testing::reference_book_internal {

inline Event base_event(const Command& command, matcher::EventType type) {
  Event e;
  e.type = type;
  e.seq = command.seq;
  e.timestamp = command.timestamp;
  return e;
}

inline Event order_event(const Command& command, matcher::EventType type, InstrumentId instrument,
                         refdata::ParticipantId participant, matcher::OrderId id, matcher::Side side,
                         refdata::Price price) {
  Event e = base_event(command, type);
  e.instrument = instrument;
  e.participant = participant;
  e.order_id = id;
  e.side = side;
  e.price = price;
  return e;
}

inline std::uint64_t bit(std::uint32_t index) { return index < 64 ? std::uint64_t{1} << index : 0; }

inline bool in_band(const InstrumentSpec& spec, refdata::Price price) {
  return price >= spec.price_floor && price <= spec.price_ceiling;
}

}  // namespace rex::testing::reference_book_internal
