// Order-book micro-benchmarks: add, cancel, aggressive match, the mixed flow and the deep book.
// Throughput comes from Google Benchmark's timed loop; per-operation latency percentiles from one
// extra untimed pass that reads the CPU's time-stamp counter around every command.
#include <benchmark/benchmark.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bench/flow_generator.hpp"

namespace {

using rex::bench::FlowGenerator;
using rex::matcher::Command;
using rex::matcher::Engine;
using rex::matcher::EventBuffer;

// Commands that build the starting book (untimed), then the commands measured.
struct Workload {
  std::vector<Command> setup;
  std::vector<Command> measured;
  std::size_t trades = 0;
};

Workload split(const FlowGenerator& g, std::size_t setup_count) {
  Workload w;
  const auto& all = g.commands();
  w.setup.assign(all.begin(), all.begin() + static_cast<long>(setup_count));
  w.measured.assign(all.begin() + static_cast<long>(setup_count), all.end());
  return w;
}

// Enough preallocated orders that no benchmark grows the pool inside the timed loop.
constexpr std::size_t kBenchOrders = 1u << 21;

std::unique_ptr<Engine> engine_after(const Workload& w, EventBuffer& events) {
  auto engine = std::make_unique<Engine>(std::vector{rex::bench::benchmark_instrument()},
                                         rex::matcher::EngineCapacity{kBenchOrders});
  for (const Command& c : w.setup) {
    events.clear();
    engine->process(c, events);
  }
  return engine;
}

double nanoseconds_per_tick() {
  static const double value = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const auto c0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto c1 = __rdtsc();
    const auto t1 = std::chrono::steady_clock::now();
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()) /
           static_cast<double>(c1 - c0);
  }();
  return value;
}

void report_latency(benchmark::State& state, const Workload& w) {
  EventBuffer events;
  events.reserve(1024);
  auto engine = engine_after(w, events);
  std::vector<std::uint64_t> ticks;
  ticks.reserve(w.measured.size());
  for (const Command& c : w.measured) {
    events.clear();
    const auto start = __rdtsc();
    engine->process(c, events);
    ticks.push_back(__rdtsc() - start);
  }
  std::sort(ticks.begin(), ticks.end());
  const double ns = nanoseconds_per_tick();
  auto at = [&](double q) {
    return static_cast<double>(ticks[std::min(ticks.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ticks.size())))]) * ns;
  };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p99_ns"] = at(0.99);
  state.counters["p99.9_ns"] = at(0.999);
  state.counters["p99.99_ns"] = at(0.9999);
  state.counters["max_ns"] = static_cast<double>(ticks.back()) * ns;
}

void run(benchmark::State& state, const Workload& w) {
  EventBuffer events;
  events.reserve(1024);
  std::size_t event_count = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = engine_after(w, events);
    state.ResumeTiming();
    for (const Command& c : w.measured) {
      events.clear();
      engine->process(c, events);
      event_count += events.size();
    }
    benchmark::DoNotOptimize(event_count);
    state.PauseTiming();
    engine.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w.measured.size()));
  state.counters["ops/s"] = benchmark::Counter(static_cast<double>(state.iterations() * w.measured.size()),
                                               benchmark::Counter::kIsRate);
  state.counters["events/op"] = static_cast<double>(event_count) / static_cast<double>(state.iterations() * w.measured.size());
  report_latency(state, w);
}

constexpr std::uint64_t kSeed = 20261128;

void BM_AddPassive(benchmark::State& state) {
  static const Workload w = [] {
    FlowGenerator g(rex::bench::benchmark_instrument(), kSeed);
    g.generate_passive(1'000'000);
    return split(g, 0);
  }();
  run(state, w);
}

void BM_CancelRandom(benchmark::State& state) {
  static const Workload w = [] {
    FlowGenerator g(rex::bench::benchmark_instrument(), kSeed);
    g.generate_passive(1'000'000);
    const auto setup = g.commands().size();
    g.generate_cancel_all();
    return split(g, setup);
  }();
  run(state, w);
}

void BM_AggressiveMatch(benchmark::State& state) {
  static const Workload w = [] {
    rex::bench::FlowMix mix;
    mix.passive_percent = 0;
    mix.cancel_percent = 0;
    mix.max_aggressive_lots = 3;
    FlowGenerator g(rex::bench::benchmark_instrument(), kSeed, mix);
    g.generate_passive(1'000'000);
    const auto setup = g.commands().size();
    g.generate_mixed(300'000);
    return split(g, setup);
  }();
  run(state, w);
}

void BM_MixedFlow(benchmark::State& state) {
  static const Workload w = [] {
    FlowGenerator g(rex::bench::benchmark_instrument(), kSeed);
    g.generate_mixed(100'000);
    const auto setup = g.commands().size();
    g.generate_mixed(2'000'000);
    return split(g, setup);
  }();
  run(state, w);
}

void BM_DeepBookMixed(benchmark::State& state) {
  static const Workload w = [] {
    FlowGenerator g(rex::bench::benchmark_instrument(), kSeed);
    g.build_deep_book(100, 1000);  // 200,000 resting orders, 1,000 per level
    const auto setup = g.commands().size();
    g.generate_mixed(1'000'000);
    return split(g, setup);
  }();
  run(state, w);
}

}  // namespace

BENCHMARK(BM_AddPassive)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_CancelRandom)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_AggressiveMatch)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_MixedFlow)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_DeepBookMixed)->Unit(benchmark::kMillisecond)->MinTime(2.0);

BENCHMARK_MAIN();
