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

// One resting order with everything the engine keeps of it: what a snapshot stores.
struct RestingOrder {
  OrderId id = 0;
  ParticipantId participant = 0;
  InstrumentId instrument = 0;
  Side side = Side::kBuy;
  TimeInForce time_in_force = TimeInForce::kGoodTillCancel;
  SelfTradePrevention self_trade = SelfTradePrevention::kNone;
  bool all_or_none = false;
  bool post_only = false;
  Price price = 0;
  Quantity open = 0;
  Quantity visible = 0;
  Quantity display = 0;
  Timestamp expiry = 0;  // GTD only
  std::uint64_t priority = 0;  // when it took its place in its queue (placement number)
  bool quality_bid = false;
  std::uint64_t accepted_grades = 0;  // quality bids: resolved sets
  std::uint64_t accepted_hubs = 0;
  QualityTerms quality;  // assay of a sell, bounds of a quality bid

  bool operator==(const RestingOrder&) const = default;
};

// The whole engine state at one point of the command stream. Restoring it into a fresh engine
// with the same instruments gives an engine that answers every later command exactly as the
// original would have.
struct EngineSnapshot {
  SequenceNumber last_seq = 0;
  Timestamp last_timestamp = 0;
  TradeId last_trade = 0;
  std::uint64_t last_priority = 0;  // queue placements numbered so far
  // Instrument id ascending, buy side then sell side, price priority, then time priority; then
  // quality bids by commodity, price priority, time priority.
  std::vector<RestingOrder> orders;
  std::vector<InstrumentId> halted;  // ascending
  // The reference data in force (EngineOptions::reference_data, or the last applied
  // kReferenceData command's id) and the seq of that command (0: the engine's own instruments).
  std::uint32_t reference_data = 0;
  SequenceNumber reference_data_seq = 0;

  bool operator==(const EngineSnapshot&) const = default;
};

struct EngineOptions {
  // Orders preallocated before the first command; beyond it the pool grows in chunks
  // (an allocation per chunk, never per order).
  std::size_t initial_orders = 1u << 16;
  // Stamped on every trade: which reference data (differentials) priced it. By convention the
  // first 32 bits of the catalogue's SHA-256.
  std::uint32_t reference_data = 0;
};
using EngineCapacity = EngineOptions;

class Engine {
 public:
  // Throws std::invalid_argument for instruments it cannot hold (more than 65,535, a band of more
  // than 32,767 ticks, a commodity whose instruments differ in tick size or whose differentials
  // are off tick, a grade or hub index of 64 or more).
  explicit Engine(std::vector<refdata::InstrumentSpec> instruments, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one command and appends its events to `out` (which the caller owns and clears).
  void process(const Command& command, EventBuffer& out);
  // Runs a kReferenceData command with the instruments it brings in force (docs/reference-data.md
  // "Reloading"). Applied only if every instrument keeps its id, code, commodity, grade, hub, tick,
  // lots and band, and every resting quality bid stays inside its instrument's band at its base
  // price; then quality bids move to their commodity's new base-equivalent ladder keeping base
  // price and time priority, an EventType::kReferenceData event is emitted, and trades carry
  // command.reference_data from here on. Otherwise REFERENCE_DATA_INCOMPATIBLE and nothing changes.
  // process() rejects a kReferenceData command (it has no instruments).
  void process_reference_data(const Command& command, std::vector<refdata::InstrumentSpec> instruments,
                              EventBuffer& out);
  // The reference data in force (see EngineSnapshot::reference_data).
  std::uint32_t reference_data() const;

  const std::vector<refdata::InstrumentSpec>& instruments() const;
  std::size_t open_orders() const;
  // Resting plain orders of one side of an instrument book, best price first, then time priority.
  std::vector<OrderView> orders(InstrumentId instrument, Side side) const;
  // Resting quality bids of a commodity, best base-equivalent price first, then time priority;
  // prices in the terms of each bid's own instrument.
  std::vector<OrderView> quality_bids(std::uint32_t commodity) const;

  EngineSnapshot snapshot() const;
  // Loads a snapshot into an engine that has processed nothing yet. Throws std::invalid_argument,
  // naming the order and the rule, for a snapshot that this engine's instruments cannot hold.
  void restore(const EngineSnapshot& snapshot);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rex::matcher
