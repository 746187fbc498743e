// Demo mode: replays a workload (the bundled sample day) into an empty exchange so a newcomer sees
// a live market. Orders keep their relative GTD lifetimes; END_OF_DAY and CLOCK lines are skipped
// (the market stays open). Journaled like any command, with Origin::gateway = kSeedGateway.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "exchange/exchange.hpp"
#include "gateway/core.hpp"

namespace rex::gateway {

inline constexpr std::uint32_t kSeedGateway = 0;  // internal: the operator console and the seeder
inline constexpr std::uint64_t kSeedSession = 1;

class Seeder final : public exchange::ExchangeListener {
 public:
  void on_recovered(const matcher::EngineSnapshot& state) override;
  void on_results(std::span<const exchange::CommandResult> batch) override;

  // Waits for recovery; when the journal was empty, submits the workload and waits for its results.
  // Returns the number of commands submitted (0 when the journal already had commands).
  // Throws on an unreadable workload.
  std::size_t seed(const std::filesystem::path& workload, const refdata::Catalogue& catalogue, ExchangePort& exchange);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool recovered_ = false;
  std::uint64_t recovered_seq_ = 0;
  std::unordered_map<std::uint64_t, matcher::OrderId> order_of_;  // workload seq -> order id (0: rejected)
  std::uint64_t results_ = 0;
};

}  // namespace rex::gateway
