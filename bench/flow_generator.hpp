// Seeded order-flow generators for benchmarks and the sample day. Each generator runs its commands
// through a shadow engine while generating, so cancels name orders that are really live and
// aggressive orders are sized to the real book; replaying the stream into a fresh engine then
// reproduces it exactly (the engine is deterministic).
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <unordered_map>
#include <vector>

#include "matcher/engine.hpp"

namespace rex::bench {

struct FlowMix {
  int passive_percent = 60;     // new resting orders near the touch
  int cancel_percent = 30;      // cancels of a random live order
  // The rest: aggressive IOC orders sweeping 1 to 3 levels.
  int touch_stay_percent = 50;  // geometric distance from the touch: chance to stop at each tick
  std::uint32_t participants = 50;
  // Cap on an aggressive order, in lots, so a sweep through a deep book stays a sweep of a few
  // orders per level rather than thousands.
  matcher::Quantity max_aggressive_lots = 40;
};

class FlowGenerator {
 public:
  FlowGenerator(const refdata::InstrumentSpec& instrument, std::uint64_t seed, FlowMix mix = {});

  // Rests `orders_per_level` orders on each of `levels` prices per side around the middle of the band.
  void build_deep_book(int levels, int orders_per_level);
  // Appends `count` commands of the mixed flow.
  void generate_mixed(std::size_t count);
  // Appends `count` passive orders that never cross (for the add benchmark).
  void generate_passive(std::size_t count);
  // Appends cancels of every live order, in random order.
  void generate_cancel_all();

  const std::vector<matcher::Command>& commands() const { return commands_; }
  std::size_t live_orders() const { return live_.size(); }
  std::uint64_t trades() const { return trades_; }

 private:
  struct LiveOrder {
    matcher::OrderId id;
    matcher::ParticipantId participant;
  };

  void submit(matcher::Command c);
  void track(const matcher::Event& e);
  void forget(matcher::OrderId id);
  matcher::Command stamped(matcher::CommandType type);
  matcher::Price passive_price(matcher::Side side);
  matcher::Quantity random_quantity();
  void add_passive();
  void add_cancel();
  void add_aggressive();

  refdata::InstrumentSpec instrument_;
  FlowMix mix_;
  std::mt19937_64 rng_;
  matcher::Engine shadow_;
  matcher::EventBuffer events_;
  std::vector<matcher::Command> commands_;
  std::vector<LiveOrder> live_;
  std::unordered_map<matcher::OrderId, std::size_t> live_slot_;
  std::map<matcher::Price, matcher::Quantity, std::greater<>> bids_;
  std::map<matcher::Price, matcher::Quantity> asks_;
  matcher::SequenceNumber seq_ = 0;
  matcher::Timestamp now_ = 1'780'000'000'000'000'000;  // 2026-05-28, any fixed start will do
  std::uint64_t trades_ = 0;
};

refdata::InstrumentSpec benchmark_instrument();  // steel HMS 80:20, 1 CNY tick, 601-tick band

}  // namespace rex::bench
