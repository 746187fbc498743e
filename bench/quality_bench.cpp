// Quality-aware matching benchmarks (issue 5): a commodity of 8 grades x 5 hubs (40 books); lots
// with assays, mills' bids accepting every grade and hub with their own bounds; and the worst case
// of the eligibility search, a bid passing by thousands of lots its bounds refuse.
#include <benchmark/benchmark.h>

#include <random>
#include <unordered_map>

#include "matcher/engine.hpp"

namespace {

using namespace rex::matcher;
using rex::refdata::InstrumentSpec;

constexpr std::uint32_t kGrades = 8;
constexpr std::uint32_t kHubs = 5;
constexpr AttributeId kCopper = 0;    // copper content, 0.01 %
constexpr AttributeId kMoisture = 1;  // moisture, 0.01 %

std::vector<InstrumentSpec> copper_commodity() {
  std::vector<InstrumentSpec> specs;
  for (std::uint32_t g = 0; g < kGrades; ++g) {
    for (std::uint32_t h = 0; h < kHubs; ++h) {
      InstrumentSpec s;
      s.id = static_cast<InstrumentId>(specs.size());
      s.code = "CU-G" + std::to_string(g) + "-H" + std::to_string(h);
      s.grade = g;
      s.hub = h;
      s.tick_size = 1000;
      s.lot_minimum = 1000;
      s.lot_increment = 1000;
      s.differential = -static_cast<Price>(g) * 30'000 + static_cast<Price>(h) * 10'000;
      s.price_floor = 7'000'000 + s.differential;
      s.price_ceiling = 8'000'000 + s.differential;
      s.quality = {rex::refdata::AttributeRange{kCopper, 9400, rex::refdata::kNoUpperLimit}};
      specs.push_back(s);
    }
  }
  return specs;
}

QualityTerms assay(std::int64_t copper, std::int64_t moisture) {
  QualityTerms q;
  q.terms[0] = {kCopper, copper, copper};
  q.terms[1] = {kMoisture, moisture, moisture};
  q.count = 2;
  return q;
}

QualityTerms bounds(std::int64_t min_copper, std::int64_t max_moisture) {
  QualityTerms q;
  q.terms[0] = {kCopper, min_copper, rex::refdata::kNoUpperLimit};
  q.terms[1] = {kMoisture, rex::refdata::kNoLowerLimit, max_moisture};
  q.count = 2;
  return q;
}

// A seeded flow on the 40 books, shaped like the plain mixed flow: 30 % assayed lots resting near
// the touch, 30 % quality bids (accepting all 8 x 5, with bounds) resting near the touch, both GTD
// for 500 to 5,000 commands, 30 % cancels of a live order, 10 % aggressive IOC orders (a lot or a
// quality bid) crossing three ticks into the other side. Touch distances are geometric in base-equivalent ticks around 75,000.00.
// A shadow engine tells which orders are live, so the replay is exactly reproducible.
struct QualityFlow {
  std::vector<Command> setup;
  std::vector<Command> measured;
};

QualityFlow make_quality_flow(std::size_t warmup, std::size_t count, std::uint64_t seed) {
  const auto specs = copper_commodity();
  Engine shadow(specs, EngineOptions{1u << 20});
  EventBuffer events;
  std::mt19937_64 rng(seed);
  std::vector<std::pair<OrderId, ParticipantId>> live;
  std::unordered_map<OrderId, std::size_t> slot;
  auto forget = [&](OrderId id) {
    auto it = slot.find(id);
    if (it == slot.end()) return;
    const std::size_t i = it->second;
    slot.erase(it);
    if (i + 1 != live.size()) {
      live[i] = live.back();
      slot[live[i].first] = i;
    }
    live.pop_back();
  };
  auto distance = [&] {
    Price ticks = 1;
    while (ticks < 30 && rng() % 2 == 0) ++ticks;
    return ticks * 1000;
  };
  constexpr Price kMid = 7'500'000;  // base-equivalent
  QualityFlow flow;
  SequenceNumber seq = 0;
  for (std::size_t n = 0; n < warmup + count; ++n) {
    Command c;
    c.seq = ++seq;
    c.timestamp = seq * 1000;
    const auto r = rng() % 100;
    c.participant = static_cast<ParticipantId>(1 + rng() % 40);
    c.quantity = 1000 * static_cast<Quantity>(1 + rng() % 10);
    const bool aggressive = r >= 90;
    if (r >= 60 && r < 90 && !live.empty()) {
      const auto& target = live[rng() % live.size()];
      c.type = CommandType::kCancel;
      c.participant = target.second;
      c.order_id = target.first;
    } else if (r < 30 || (aggressive && r % 2 == 0)) {
      const auto& spec = specs[rng() % specs.size()];
      c.instrument = spec.id;
      c.side = Side::kSell;
      c.price = (aggressive ? kMid - 3000 : kMid + distance()) + spec.differential;
      c.quality = assay(9400 + static_cast<std::int64_t>(rng() % 600), static_cast<std::int64_t>(rng() % 300));
    } else {
      c.instrument = 0;  // priced on the base instrument
      c.side = Side::kBuy;
      c.price = aggressive ? kMid + 3000 : kMid - distance();
      c.accepted_grades = (1u << kGrades) - 1;
      c.accepted_hubs = (1u << kHubs) - 1;
      c.quality = bounds(9500 + static_cast<std::int64_t>(rng() % 300), 100 + static_cast<std::int64_t>(rng() % 200));
    }
    if (aggressive) {
      c.time_in_force = TimeInForce::kImmediateOrCancel;
    } else if (c.type == CommandType::kNewOrder) {
      // Good for a while, as a mill's bid or a yard's offer is: the book stays the size a real
      // one has instead of growing with every order a picky bid or a poor lot leaves behind.
      c.time_in_force = TimeInForce::kGoodTillDate;
      c.expiry = c.timestamp + (500 + rng() % 4500) * 1000;
    }
    events.clear();
    shadow.process(c, events);
    for (const Event& e : events) {
      if (e.type == EventType::kAccepted) {
        slot[e.order_id] = live.size();
        live.emplace_back(e.order_id, e.participant);
      } else if (e.type == EventType::kTrade) {
        if (e.leaves == 0) forget(e.order_id);
        if (e.taker_leaves == 0) forget(e.taker_order_id);
      } else if ((e.type == EventType::kCancelled && e.leaves == 0) || e.type == EventType::kExpired) {
        forget(e.order_id);
      }
    }
    (n < warmup ? flow.setup : flow.measured).push_back(c);
  }
  return flow;
}

void replay(benchmark::State& state, const std::vector<InstrumentSpec>& specs, const QualityFlow& flow) {
  EventBuffer events;
  events.reserve(4096);
  std::size_t trades = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = std::make_unique<Engine>(specs, EngineOptions{1u << 20});
    for (const Command& c : flow.setup) {
      events.clear();
      engine->process(c, events);
    }
    state.ResumeTiming();
    for (const Command& c : flow.measured) {
      events.clear();
      engine->process(c, events);
      for (const Event& e : events) trades += e.type == EventType::kTrade;
    }
    state.PauseTiming();
    engine.reset();
    state.ResumeTiming();
  }
  const auto ops = static_cast<double>(state.iterations() * flow.measured.size());
  state.counters["ops/s"] = benchmark::Counter(ops, benchmark::Counter::kIsRate);
  state.counters["trades/op"] = static_cast<double>(trades) / ops;
}

void BM_QualityFlow_8x5(benchmark::State& state) {
  static const QualityFlow flow = make_quality_flow(50'000, 500'000, 20261128);
  replay(state, copper_commodity(), flow);
}

// Worst case: `resting` lots within the bid's price, every one refused by its bounds (moisture too
// high), then one good lot at the back. Each measured command is a quality bid that passes them
// all, takes the good lot, and is re-armed by a new good lot. O(resting) per bid.
void BM_QualityBidPassesRefusedLots(benchmark::State& state) {
  const auto specs = copper_commodity();
  const auto resting = static_cast<std::size_t>(state.range(0));
  Engine engine(specs, EngineOptions{1u << 20});
  EventBuffer events;
  SequenceNumber seq = 0;
  auto send = [&](Command c) {
    c.seq = ++seq;
    c.timestamp = seq;
    events.clear();
    engine.process(c, events);
  };
  for (std::size_t i = 0; i < resting; ++i) {
    Command lot;
    lot.instrument = static_cast<InstrumentId>(i % specs.size());
    lot.side = Side::kSell;
    lot.participant = 1;
    lot.quantity = 1000;
    lot.price = 7'500'000 + specs[lot.instrument].differential;
    lot.quality = assay(9900, 900);  // 9 % moisture: refused by every bid below
    send(lot);
  }
  Command good;
  good.instrument = 0;
  good.side = Side::kSell;
  good.participant = 2;
  good.quantity = 1000;
  good.price = 7'510'000;
  good.quality = assay(9900, 50);
  Command bid;
  bid.instrument = 0;
  bid.side = Side::kBuy;
  bid.participant = 3;
  bid.quantity = 1000;
  bid.price = 7'600'000;
  bid.time_in_force = TimeInForce::kImmediateOrCancel;
  bid.accepted_grades = (1u << kGrades) - 1;
  bid.accepted_hubs = (1u << kHubs) - 1;
  bid.quality = bounds(9500, 100);
  send(good);
  for (auto _ : state) {
    send(bid);
    state.PauseTiming();
    send(good);
    state.ResumeTiming();
  }
  state.counters["bids/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["lots_passed"] = static_cast<double>(resting);
}

}  // namespace

BENCHMARK(BM_QualityFlow_8x5)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_QualityBidPassesRefusedLots)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
