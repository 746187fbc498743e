// The matching engine: every book of the exchange, fed one stamped command at a time.
// Deterministic: the same commands give the same events, bit for bit. No I/O, no clock, no locks.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "matcher/command.hpp"
#include "matcher/event.hpp"
#include "matcher/order_view.hpp"

namespace rex::matcher {

using EventBuffer = std::vector<Event>;

struct EngineCapacity {
  // Orders preallocated before the first command; beyond it the pool grows in chunks
  // (an allocation per chunk, never per order).
  std::size_t initial_orders = 1u << 16;
};

class Engine {
 public:
  explicit Engine(std::vector<refdata::InstrumentSpec> instruments, EngineCapacity capacity = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one command and appends its events to `out` (which the caller owns and clears).
  void process(const Command& command, EventBuffer& out);

  const std::vector<refdata::InstrumentSpec>& instruments() const;
  std::size_t open_orders() const;
  // Resting orders of one side, best price first, then time priority.
  std::vector<OrderView> orders(InstrumentId instrument, Side side) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rex::matcher
