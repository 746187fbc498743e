// The book of one instrument: its trading rules and a ladder per side.
#pragma once

#include "matcher/price_ladder.hpp"
#include "reference-data/types.hpp"

namespace rex::matcher {

struct OrderBook {
  explicit OrderBook(const refdata::InstrumentSpec& instrument)
      : spec(instrument),
        bids(Side::kBuy, instrument.price_floor, instrument.tick_size, slot_count(instrument)),
        asks(Side::kSell, instrument.price_floor, instrument.tick_size, slot_count(instrument)) {}

  PriceLadder& side(Side s) { return s == Side::kBuy ? bids : asks; }
  const PriceLadder& side(Side s) const { return s == Side::kBuy ? bids : asks; }

  // Does a `side` order limited to `limit` reach the opposite best price?
  bool marketable(Side s, Price limit) const {
    const PriceLadder& other = side(opposite(s));
    if (other.empty()) return false;
    const Price best = other.price_of(other.best());
    return s == Side::kBuy ? limit >= best : limit <= best;
  }

  static std::int32_t slot_count(const refdata::InstrumentSpec& instrument) {
    return static_cast<std::int32_t>((instrument.price_ceiling - instrument.price_floor) / instrument.tick_size + 1);
  }

  refdata::InstrumentSpec spec;
  bool halted = false;  // new orders and amends refused; cancels, expiries and mass cancels go on
  PriceLadder bids;
  PriceLadder asks;
};

}  // namespace rex::matcher
