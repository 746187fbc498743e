// Counters and latency histograms for GET /metrics (Prometheus text format). Written on the
// gateway's threads with relaxed atomics, read from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "exchange/exchange.hpp"
#include "gateway/protocol.hpp"
#include "gateway/reject.hpp"

namespace rex::gateway {

class LatencyHistogram {
 public:
  // Upper bounds in nanoseconds: 1 µs to 1 s, roughly 1-2-5 steps, enough to read p50..p99.9
  // of a wire-to-ack path that lives between ten microseconds and tens of milliseconds.
  static constexpr std::array<std::uint64_t, 19> kBoundsNs = {
      1'000,      2'000,      5'000,      10'000,      20'000,      50'000,     100'000,
      200'000,    500'000,    1'000'000,  2'000'000,   5'000'000,   10'000'000, 20'000'000,
      50'000'000, 100'000'000, 200'000'000, 500'000'000, 1'000'000'000};

  void record(std::uint64_t nanoseconds);
  // Appends a Prometheus histogram in seconds.
  void write(std::string& out, std::string_view name, std::string_view help) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsNs.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

struct GatewayMetrics {
  static constexpr std::size_t kCodeSlots = kLastGatewayReject + 1;

  std::array<std::atomic<std::uint64_t>, kOpCount> messages_by_op{};  // parsed messages per op
  std::array<std::atomic<std::uint64_t>, kCodeSlots> rejects_by_code{};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> messages_out{0};
  std::atomic<std::uint64_t> commands_submitted{0};
  std::atomic<std::uint64_t> trades{0};
  std::atomic<std::uint64_t> sessions_open{0};
  std::atomic<std::uint64_t> sessions_total{0};
  std::atomic<std::uint64_t> slow_consumer_disconnects{0};
  std::atomic<std::uint64_t> accept_failures{0};
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::uint64_t> pending_commands{0};  // submitted, results not yet back
  LatencyHistogram submit_to_result;   // gateway submit() -> its results back (sequencing + journal + publish)
  LatencyHistogram sequenced_to_published;  // sequencer's stamp -> results reach the gateway
  // Per batch: the exchange's handover (asio::post to the core strand, which wakes the I/O thread's
  // epoll through asio's eventfd) -> the core handling it. The I/O thread's wake-up and backlog.
  LatencyHistogram result_handover;

  void count_reject(std::uint16_t code) {
    rejects_by_code[code < kCodeSlots ? code : 0].fetch_add(1, std::memory_order_relaxed);
  }
};

// Appends a Prometheus histogram in seconds: buckets[i] counts observations at most bounds_ns[i]
// (and above the bound before); buckets has one more entry than bounds_ns, for +Inf.
void write_histogram(std::string& out, std::string_view name, std::string_view help,
                     std::span<const std::uint64_t> bounds_ns, std::span<const std::uint64_t> buckets,
                     std::uint64_t sum_ns);

std::string render_prometheus(const GatewayMetrics& metrics, const exchange::ExchangeStats& exchange);

}  // namespace rex::gateway
