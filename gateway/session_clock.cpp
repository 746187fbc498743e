#include "gateway/session_clock.hpp"

#include <chrono>

#include "gateway/log.hpp"
#include "gateway/seeder.hpp"

namespace rex::gateway {

namespace {

constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

bool two_digits(std::string_view s, std::size_t at, std::uint32_t max, std::uint32_t& out) {
  if (s.size() < at + 2 || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  out = static_cast<std::uint32_t>((s[at] - '0') * 10 + (s[at + 1] - '0'));
  return out <= max;
}

}  // namespace

bool parse_time_of_day(std::string_view text, std::uint32_t& seconds) {
  std::uint32_t h = 0, m = 0, s = 0;
  if (text.size() != 5 && text.size() != 8) return false;
  if (!two_digits(text, 0, 23, h) || text[2] != ':' || !two_digits(text, 3, 59, m)) return false;
  if (text.size() == 8 && (text[5] != ':' || !two_digits(text, 6, 59, s))) return false;
  seconds = h * 3600 + m * 60 + s;
  return true;
}

std::string format_time_of_day(std::uint32_t seconds) {
  char out[9];
  std::snprintf(out, sizeof out, "%02u:%02u:%02u", seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
  return out;
}

std::uint64_t last_session_end(std::uint64_t now_ns, std::uint32_t session_end) {
  const std::int64_t now_s = static_cast<std::int64_t>(now_ns / kNsPerSecond);
  const std::int64_t local = now_s + kExchangeUtcOffsetSeconds;
  const std::int64_t midnight = local - local % kSecondsPerDay - kExchangeUtcOffsetSeconds;  // UTC seconds
  std::int64_t end = midnight + session_end;
  if (static_cast<std::uint64_t>(end) * kNsPerSecond > now_ns) end -= kSecondsPerDay;
  return end < 0 ? 0 : static_cast<std::uint64_t>(end) * kNsPerSecond;
}

SessionClock::SessionClock(SessionClockConfig config, ExchangePort& exchange)
    : config_(std::move(config)), exchange_(exchange) {
  if (!config_.now) config_.now = wall_ns;
}

SessionClock::~SessionClock() { stop(); }

void SessionClock::on_recovered(const matcher::EngineSnapshot& state) {
  std::lock_guard lock(mutex_);
  recovered_ = true;
  last_timestamp_ = state.last_timestamp;
  changed_.notify_all();
}

void SessionClock::on_results(std::span<const exchange::CommandResult> batch) {
  std::uint64_t n = 0;
  for (const auto& r : batch) {
    n += r.command.type == matcher::CommandType::kEndOfDay && r.origin.gateway == kSeedGateway;
  }
  if (n == 0) return;
  std::lock_guard lock(mutex_);
  end_of_day_published_ += n;
  changed_.notify_all();
}

bool SessionClock::submit(matcher::CommandType type) {
  const bool end_of_day = type == matcher::CommandType::kEndOfDay;
  if (end_of_day) {
    std::lock_guard lock(mutex_);
    ++end_of_day_;  // counted before its results can exist
  }
  matcher::Command c;
  c.type = type;
  const bool queued = exchange_.submit(c, {kSeedGateway, 0, 0}) == exchange::SubmitStatus::kQueued;
  if (end_of_day && !queued) {
    std::lock_guard lock(mutex_);
    --end_of_day_;
  }
  return queued;
}

bool SessionClock::start() {
  std::uint64_t last = 0;
  {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(60), [&] { return recovered_; });
    last = last_timestamp_;
  }
  bool caught_up = false;
  if (config_.end_of_day && last != 0 && last < last_session_end(config_.now(), config_.session_end)) {
    caught_up = submit(matcher::CommandType::kEndOfDay);
    if (caught_up) {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::seconds(60), [&] { return end_of_day_published_ >= end_of_day_; });
    }
    log_info("session", "the journal ends before the last session end (" + format_time_of_day(config_.session_end) +
                            " UTC+8): END_OF_DAY " + (caught_up ? "submitted" : "NOT submitted (exchange refused)"));
  }
  // The next session end still to come (one at or before now is dealt with above), fixed here rather
  // than when the thread gets going.
  const std::uint64_t next_end = last_session_end(config_.now(), config_.session_end) + kSecondsPerDay * kNsPerSecond;
  if (config_.clock_interval_ms != 0 || config_.end_of_day) thread_ = std::thread([this, next_end] { run(next_end); });
  return caught_up;
}

void SessionClock::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::uint64_t SessionClock::end_of_day_submitted() const {
  std::lock_guard lock(mutex_);
  return end_of_day_;
}

void SessionClock::run(std::uint64_t next_end) {
  using Clock = std::chrono::steady_clock;
  const auto interval = std::chrono::milliseconds(config_.clock_interval_ms);
  const auto poll = std::chrono::milliseconds(std::max<std::uint32_t>(1, config_.poll_ms));
  auto next_clock = Clock::now() + interval;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto wake = Clock::now() + poll;
    if (config_.clock_interval_ms != 0) wake = std::min(wake, next_clock);
    if (changed_.wait_until(lock, wake, [&] { return stopping_; })) break;
    lock.unlock();
    if (config_.clock_interval_ms != 0 && Clock::now() >= next_clock) {
      next_clock += interval;
      submit(matcher::CommandType::kClock);
    }
    if (config_.end_of_day) {
      const std::uint64_t now = config_.now();
      if (now >= next_end) {
        // Once a day; a refused submit (the queue full) is tried again at the next poll.
        if (submit(matcher::CommandType::kEndOfDay)) {
          log_info("session", "session end " + format_time_of_day(config_.session_end) + " UTC+8: END_OF_DAY submitted");
          next_end = last_session_end(now, config_.session_end) + kSecondsPerDay * kNsPerSecond;
        } else {
          log_warn("session", "END_OF_DAY refused by the exchange; trying again");
        }
      }
    }
    lock.lock();
  }
}

}  // namespace rex::gateway
