#include "gateway/seeder.hpp"

#include <fstream>
#include <stdexcept>
#include <thread>

#include "workload/command_text.hpp"

namespace rex::gateway {

void Seeder::on_recovered(const matcher::EngineSnapshot& state) {
  std::lock_guard lock(mutex_);
  recovered_ = true;
  recovered_seq_ = state.last_seq;
  changed_.notify_all();
}

void Seeder::on_results(std::span<const exchange::CommandResult> batch) {
  bool any = false;
  std::lock_guard lock(mutex_);
  for (const auto& r : batch) {
    if (r.origin.gateway != kSeedGateway || r.origin.session != kSeedSession) continue;
    any = true;
    ++results_;
    matcher::OrderId id = 0;
    for (const auto& e : r.events) {
      if (e.type == matcher::EventType::kAccepted) id = e.order_id;
    }
    order_of_[r.origin.request] = id;
  }
  if (any) changed_.notify_all();
}

std::size_t Seeder::seed(const std::filesystem::path& path, const refdata::Catalogue& catalogue, ExchangePort& exchange) {
  constexpr auto kWait = std::chrono::seconds(30);  // a result takes one group commit; this is "never"
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kWait, [&] { return recovered_; })) throw std::runtime_error("seed: exchange did not recover");
    if (recovered_seq_ != 0) return 0;
  }
  std::ifstream in(path);
  if (!in) throw std::runtime_error("seed: cannot open " + path.string());
  const workload::InstrumentCodes codes(catalogue.instruments());
  workload::WorkloadReader reader(in, codes);
  std::size_t submitted = 0;
  while (auto command = reader.next()) {
    matcher::Command c = *command;
    const std::uint64_t workload_seq = c.seq;
    if (c.type == matcher::CommandType::kEndOfDay || c.type == matcher::CommandType::kClock) continue;
    if (c.type == matcher::CommandType::kCancel || c.type == matcher::CommandType::kAmend) {
      std::unique_lock lock(mutex_);
      if (!changed_.wait_for(lock, kWait, [&] { return order_of_.count(c.order_id) != 0; })) {
        throw std::runtime_error("seed: no result for workload order " + std::to_string(c.order_id));
      }
      c.order_id = order_of_[c.order_id];
      if (c.order_id == 0) continue;  // its order was rejected
    }
    if (c.time_in_force == matcher::TimeInForce::kGoodTillDate && c.expiry > c.timestamp) {
      c.expiry = wall_ns() + (c.expiry - c.timestamp);  // the same lifetime, from now
    }
    for (;;) {
      const auto status = exchange.submit(c, {kSeedGateway, kSeedSession, workload_seq});
      if (status == exchange::SubmitStatus::kQueued) break;
      if (status != exchange::SubmitStatus::kBusy) throw std::runtime_error("seed: the exchange refused commands");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ++submitted;
  }
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, kWait, [&] { return results_ >= submitted; })) {
    throw std::runtime_error("seed: results did not arrive");
  }
  return submitted;
}

}  // namespace rex::gateway
