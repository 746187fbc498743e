// Waking a pipeline thread without sleeping in naps: one consumer waits on a futex, producers
// wake it only when it actually sleeps.
//
// The consumer spins briefly (a hand-off already in flight lands within it), then announces that
// it sleeps, checks once more and waits on the futex. A producer publishes its work, then checks
// the announcement: a load and a fence when the consumer is awake (the busy case), one
// FUTEX_WAKE system call when it sleeps. Both sides put a seq_cst fence between their store and
// their load, so at least one of them sees the other's store: either the consumer finds the work
// before it sleeps, or the producer sees it sleeping and wakes it (the epoch change makes a wait
// that starts after the wake return at once). Wake-ups may be spurious: callers loop.
//
// A dense stream (the consumer's sleeps lasting under ~100 µs on average) would make every
// hand-off a FUTEX_WAKE, and on two shared cores the woken thread preempts its waker each time
// (measured: ~250,000 ping-pongs in a 100 k orders/s run, the gateway's thread losing a third of
// its throughput). So while the stream is dense the consumer yields a few times (a busy core runs
// the gateway or another pipeline thread meanwhile; measured, without the yields the gateway got
// less of the shared machine and 100 k/s fell to 76 k/s), then naps 20 µs without announcing itself
// (producers make no system call, work accumulates into batches); the first nap that finds
// nothing returns it to announced sleep. Dense is judged on a moving average of the last ~8
// sleeps, not on the last one alone: a short burst at a low rate (a few orders read from several
// connections one after another) would otherwise turn dense at its second order, and the yields
// and the nap would hold back the rest of the burst (measured at 10,000 orders/s: p99 +30-60 µs,
// bench/RESULTS.md). At low rates every hand-off is an immediate wake.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>

namespace rex::exchange {

class WakeSignal {
 public:
  // Producer side, after publishing work the consumer may be waiting for.
  void notify() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // Only the first producer to see the consumer asleep wakes it: until the woken consumer runs,
    // every later hand-off would otherwise make a FUTEX_WAKE of its own.
    if (!sleeping_.load(std::memory_order_relaxed) || !sleeping_.exchange(false, std::memory_order_relaxed)) return;
    epoch_.fetch_add(1, std::memory_order_relaxed);
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

  // Consumer side (one thread): returns once ready() is true, or after a notify (possibly spurious).
  template <class Ready>
  void wait(Ready&& ready) {
    for (int i = 0; i < kSpins; ++i) {
      if (ready()) return;
      __builtin_ia32_pause();
    }
    if (dense_) {
      for (int i = 0; i < kYields; ++i) {
        if (ready()) return;
        sched_yield();
      }
      const timespec nap{0, kNapNs};
      ::nanosleep(&nap, nullptr);
      if (ready()) return;
      dense_ = false;
    }
    const std::uint32_t epoch = epoch_.load(std::memory_order_relaxed);
    sleeping_.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!ready()) {
      const auto slept = std::chrono::steady_clock::now();
      ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAIT_PRIVATE, epoch, nullptr, nullptr, 0);
      // Capped, so that after an idle spell a few short sleeps make the stream dense again.
      const std::int64_t asleep = std::min<std::int64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - slept).count(),
          kAsleepCapNs);
      asleep_avg_ns_ += (asleep - asleep_avg_ns_) / kAverageOver;
      dense_ = asleep_avg_ns_ < kDenseNs;
    }
    sleeping_.store(false, std::memory_order_relaxed);
  }

 private:
  // ~1-5 µs of pause instructions: covers a hand-off in flight on the other core without taking a
  // shared 2-core machine's time from the threads that do the work.
  static constexpr int kSpins = 64;
  static constexpr int kYields = 16;
  static constexpr long kNapNs = 20'000;                       // ≪ a group commit; ~20 µs with rexd's timer slack
  static constexpr std::int64_t kDenseNs = 100'000;           // sleeps shorter than this on average: dense
  static constexpr std::int64_t kAsleepCapNs = 10 * kDenseNs;
  static constexpr std::int64_t kAverageOver = 8;              // sleeps
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  alignas(64) std::atomic<std::uint32_t> epoch_{0};
  std::atomic<bool> sleeping_{false};
  bool dense_ = false;  // consumer only
  std::int64_t asleep_avg_ns_ = kAsleepCapNs;  // consumer only: how long its futex sleeps last, on average
};

}  // namespace rex::exchange
