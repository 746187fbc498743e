// The per-session rate limit: a burst at once, then the sustained rate; after any idle gap the
// bucket is full, whatever the rate (an hour's cap on the gap overflowed the tokens earned).
#include <catch2/catch.hpp>

#include "gateway/rate_limiter.hpp"

using rex::gateway::RateLimiter;

TEST_CASE("rate limiter: a burst, then the rate, and a full bucket after any idle gap", "[gateway]") {
  constexpr std::uint64_t s = 1'000'000'000;
  RateLimiter r(10, 3);
  CHECK(r.allow(s));
  CHECK(r.allow(s));
  CHECK(r.allow(s));
  CHECK_FALSE(r.allow(s));
  CHECK(r.allow(s + s / 10));  // 10 a second: one more 100 ms later
  CHECK_FALSE(r.allow(s + s / 10));

  // Found by the config fuzz test's ranges: 100,000,000 a second (--rate-limit's most) after 184 s
  // idle earned 184467440738 * 10^8 tokens, which wrapped to 0.09 of a message: refused.
  RateLimiter fast(100'000'000, 1);
  CHECK(fast.allow(1));
  CHECK(fast.allow(1 + 184'467'440'738));

  const std::uint64_t gaps[] = {s, 184'467'440'738, 3600 * s, 86'400 * s, std::uint64_t{1} << 40, std::uint64_t{1} << 50};
  for (std::uint32_t rate : {1u, 20'000u, 5'200'000u, 100'000'000u}) {
    for (std::uint32_t burst : {1u, 5'000u}) {
      RateLimiter x(rate, burst);
      std::uint64_t t = 1;
      for (const std::uint64_t gap : gaps) {
        while (x.allow(t)) {
        }
        t += gap;
        INFO(rate << "/s, burst " << burst << ", " << gap << " ns idle");
        CHECK(x.allow(t));
      }
    }
  }
}
