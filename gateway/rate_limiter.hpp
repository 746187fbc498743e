// The per-session rate limit of rexd's WebSocket sessions (sessions.rate_limit_per_second and
// rate_limit_burst, docs/rexd-config.md).
#pragma once

#include <algorithm>
#include <cstdint>

namespace rex::gateway {

// Per-session token bucket in integer nanosecond-tokens: no floating point, no clock per token.
class RateLimiter {
 public:
  RateLimiter(std::uint32_t per_second, std::uint32_t burst)
      : rate_(per_second), capacity_(static_cast<std::uint64_t>(burst) * kNsPerSecond), tokens_(capacity_) {}

  bool enabled() const { return rate_ != 0; }  // no limit: no clock read per message either
  bool allow(std::uint64_t now_ns) {
    if (rate_ == 0) return true;
    const std::uint64_t elapsed = now_ns > last_ ? now_ns - last_ : 0;
    last_ = now_ns;
    // A full bucket is the most it can earn: the gap is cut to what fills an empty one before it is
    // multiplied, so that no gap and no rate can overflow the product (bursts up to 10^6 messages
    // are 10^15 tokens; an hour's cap overflowed it from 5.2 million messages a second).
    const std::uint64_t earn = std::min(elapsed, capacity_ / rate_ + 1) * rate_;
    tokens_ = std::min(capacity_, tokens_ + earn);
    if (tokens_ < kNsPerSecond) return false;
    tokens_ -= kNsPerSecond;
    return true;
  }

 private:
  static constexpr std::uint64_t kNsPerSecond = 1'000'000'000;  // one message costs one second of one token
  std::uint64_t rate_;
  std::uint64_t capacity_;
  std::uint64_t tokens_;
  std::uint64_t last_ = 0;
};

}  // namespace rex::gateway
