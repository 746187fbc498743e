// A listener that keeps copies of everything the exchange publishes, for tests to inspect.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "exchange/exchange.hpp"

namespace rex::testing {

struct Published {
  matcher::Command command;
  exchange::Origin origin;
  exchange::SubmitStatus status;
  std::vector<matcher::Event> events;
};

class Recorder : public exchange::ExchangeListener {
 public:
  void on_recovered(const matcher::EngineSnapshot& state) override {
    std::lock_guard lock(mutex_);
    recovered_ = state;
    recovered_calls_++;
  }
  void on_results(std::span<const exchange::CommandResult> batch) override {
    std::lock_guard lock(mutex_);
    for (const exchange::CommandResult& r : batch) {
      results_.push_back({r.command, r.origin, r.status, {r.events.begin(), r.events.end()}});
    }
  }
  std::vector<Published> results() const {
    std::lock_guard lock(mutex_);
    return results_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return results_.size();
  }
  matcher::EngineSnapshot recovered() const {
    std::lock_guard lock(mutex_);
    return recovered_;
  }
  int recovered_calls() const {
    std::lock_guard lock(mutex_);
    return recovered_calls_;
  }
  // Waits up to a minute (sanitizer builds are slow) for `n` results.
  bool wait_for(std::size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (count() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Published> results_;
  matcher::EngineSnapshot recovered_;
  int recovered_calls_ = 0;
};

// Submits until queued, retrying while the exchange answers busy; returns the final status.
inline exchange::SubmitStatus submit_patiently(exchange::Exchange& ex, const matcher::Command& c,
                                               const exchange::Origin& o) {
  for (;;) {
    const exchange::SubmitStatus s = ex.submit(c, o);
    if (s != exchange::SubmitStatus::kBusy) return s;
    std::this_thread::yield();
  }
}

}  // namespace rex::testing
