// The static checks of a new order or an amendment against its instrument's rules, in the order
// docs/order-types.md lists them. Book-dependent checks (post-only crossing) live in the engine.
#pragma once

#include "matcher/command.hpp"
#include "matcher/reject_code.hpp"

namespace rex::matcher {

// Largest quantity the engine takes: keeps every sum of quantities far from int64 overflow.
inline constexpr Quantity kMaxOrderQuantity = 1'000'000'000'000;  // kg

RejectCode check_new_order(const Command& command, const refdata::InstrumentSpec& instrument);
RejectCode check_quantity(Quantity quantity, const refdata::InstrumentSpec& instrument);  // > 0, max, increment
RejectCode check_price(Price price, const refdata::InstrumentSpec& instrument);           // tick, band

}  // namespace rex::matcher
