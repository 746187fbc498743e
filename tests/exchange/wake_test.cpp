// The pipeline's wake-up signal (exchange/wake.hpp) between real threads: no hand-off is ever
// lost, whether the consumer is spinning, napping in its dense mode, or asleep on the futex. A
// lost wake-up would hang; a watchdog turns that into a failure.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "exchange/mpsc_queue.hpp"
#include "exchange/wake.hpp"

using rex::exchange::MpscQueue;
using rex::exchange::WakeSignal;

namespace {

// Aborts the test binary if `done` is not set within the limit (a lost wake-up hangs forever).
class Watchdog {
 public:
  explicit Watchdog(const char* what) : thread_([this, what] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (!done_.load()) {
        if (std::chrono::steady_clock::now() > deadline) {
          std::fprintf(stderr, "wake_test: %s hung: a wake-up was lost\n", what);
          std::abort();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }) {}
  ~Watchdog() {
    done_.store(true);
    thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("WakeSignal: a ping-pong between two threads never loses a wake-up", "[exchange][wake]") {
  Watchdog watchdog("ping-pong");
  constexpr std::uint64_t kRounds = 40'000;
  std::atomic<std::uint64_t> ball{0};  // odd: the other thread's turn
  WakeSignal wake_a;
  WakeSignal wake_b;
  std::thread b([&] {
    for (std::uint64_t i = 0; i < kRounds; ++i) {
      while (ball.load() % 2 != 1) wake_b.wait([&] { return ball.load() % 2 == 1; });
      ball.fetch_add(1);
      wake_a.notify();
    }
  });
  for (std::uint64_t i = 0; i < kRounds; ++i) {
    // Every so often pause long enough that the other side goes to sleep on the futex, so both
    // the announced sleep and the dense-stream naps are crossed many times.
    if (i % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
    ball.fetch_add(1);
    wake_b.notify();
    while (ball.load() % 2 != 0) wake_a.wait([&] { return ball.load() % 2 == 0; });
  }
  b.join();
  REQUIRE(ball.load() == 2 * kRounds);
}

TEST_CASE("WakeSignal: several producers' pushes all reach one sleeping consumer", "[exchange][wake]") {
  Watchdog watchdog("producers");
  constexpr int kProducers = 3;
  constexpr std::uint64_t kPerProducer = 30'000;
  MpscQueue<std::uint64_t> queue(64);
  WakeSignal wake;
  std::atomic<int> running{kProducers};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (std::uint64_t i = 0; i < kPerProducer; ++i) {
        while (!queue.try_push(i)) std::this_thread::yield();
        wake.notify();
        if ((i + static_cast<std::uint64_t>(p)) % 997 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      running.fetch_sub(1);
      wake.notify();
    });
  }
  std::uint64_t popped = 0;
  std::uint64_t sum = 0;
  std::uint64_t value = 0;
  for (;;) {
    if (queue.try_pop(value)) {
      ++popped;
      sum += value;
      continue;
    }
    if (running.load() == 0 && queue.drained()) break;
    wake.wait([&] { return queue.can_pop() || running.load() == 0; });
  }
  for (auto& t : producers) t.join();
  REQUIRE(popped == kProducers * kPerProducer);
  REQUIRE(sum == kProducers * (kPerProducer * (kPerProducer - 1) / 2));
}
