// The exchange's own timekeeping commands: a CLOCK now and then (so GTD orders expire on time when
// nothing else arrives) and one END_OF_DAY when the trading session ends each day (DAY orders
// expire), both journaled with Origin::gateway 0 (kSeedGateway). On start-up, when the journal's
// last command predates the most recent session end (rexd was down over it), END_OF_DAY comes
// first, so yesterday's DAY orders never trade today. docs/rexd-config.md, docs/order-types.md.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "exchange/exchange.hpp"
#include "gateway/core.hpp"

namespace rex::gateway {

// The exchange's time zone: China Standard Time, UTC+8 all year (no daylight saving).
inline constexpr std::int64_t kExchangeUtcOffsetSeconds = 8 * 3600;
inline constexpr std::uint32_t kSecondsPerDay = 86'400;

// "HH:MM" or "HH:MM:SS" (24-hour) to seconds after midnight; false for anything else.
bool parse_time_of_day(std::string_view text, std::uint32_t& seconds);
std::string format_time_of_day(std::uint32_t seconds);  // "HH:MM:SS"
// The latest instant (ns since the epoch) at or before `now_ns` at which the exchange's clock read
// `session_end` (seconds after midnight, exchange time).
std::uint64_t last_session_end(std::uint64_t now_ns, std::uint32_t session_end);

struct SessionClockConfig {
  std::uint32_t clock_interval_ms = 1000;        // a CLOCK this often; 0 = never
  bool end_of_day = true;                        // END_OF_DAY at session_end each day; false = never
  std::uint32_t session_end = 15 * 3600;         // seconds after midnight, exchange time (15:00)
  std::function<std::uint64_t()> now = wall_ns; // the wall clock (ns since the epoch); tests inject one
  std::uint32_t poll_ms = 100;                   // how often the session end is looked for
};

class SessionClock final : public exchange::ExchangeListener {
 public:
  SessionClock(SessionClockConfig config, ExchangePort& exchange);
  ~SessionClock() override;
  SessionClock(const SessionClock&) = delete;
  SessionClock& operator=(const SessionClock&) = delete;

  void on_recovered(const matcher::EngineSnapshot& state) override;
  void on_results(std::span<const exchange::CommandResult> batch) override;

  // Waits for the exchange's on_recovered; submits END_OF_DAY when the last recovered command is
  // from before the most recent session end and waits until it is published (so listeners added
  // before this one, the server, have its results before any client is served); then starts the
  // timer thread. Returns whether it submitted that catch-up END_OF_DAY.
  bool start();
  void stop();
  std::uint64_t end_of_day_submitted() const;  // END_OF_DAY commands submitted so far

 private:
  void run(std::uint64_t next_end);  // next_end: the first session end to act on (ns)
  bool submit(matcher::CommandType type);

  SessionClockConfig config_;
  ExchangePort& exchange_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool recovered_ = false;
  bool stopping_ = false;
  std::uint64_t last_timestamp_ = 0;  // of the last recovered command; 0: an empty journal
  std::uint64_t end_of_day_ = 0;
  std::uint64_t end_of_day_published_ = 0;
  std::thread thread_;
};

}  // namespace rex::gateway
