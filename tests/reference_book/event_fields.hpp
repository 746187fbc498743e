// COMMODITY_TOP's best bid lives in `bid`/`bid_quantity` or, in the newer layout of
// matcher/event.hpp, in `price`/`quantity`; these helpers read and write it either way so the
// reference and its printer build on both sides of that change.
#pragma once

#include "matcher/event.hpp"

namespace rex::testing {

struct CommodityTop {
  refdata::Price bid = 0;
  refdata::Quantity bid_quantity = 0;
  refdata::Price ask = 0;
  refdata::Quantity ask_quantity = 0;
};

template <typename E>
void set_commodity_top(E& e, std::uint32_t commodity, const CommodityTop& top) {
  e.commodity = static_cast<decltype(e.commodity)>(commodity);
  if constexpr (requires { e.bid_quantity; }) {
    e.bid = top.bid;
    e.bid_quantity = top.bid_quantity;
  } else {
    e.price = top.bid;
    e.quantity = top.bid_quantity;
  }
  e.ask = top.ask;
  e.ask_quantity = top.ask_quantity;
}

template <typename E>
CommodityTop commodity_top_of(const E& e) {
  if constexpr (requires { e.bid_quantity; }) {
    return {e.bid, e.bid_quantity, e.ask, e.ask_quantity};
  } else {
    return {e.price, e.quantity, e.ask, e.ask_quantity};
  }
}

}  // namespace rex::testing
