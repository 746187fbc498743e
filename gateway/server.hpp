// The network side of rexd: one port serving HTTP (health, metrics, read-only JSON) and the
// WebSocket API, on Boost.Beast. One session object per connection (shared_from_this), all of its
// work on its own strand, a bounded send queue; the gateway core runs on one more strand. The
// exchange's results arrive through ExchangeListener and are handed to the core strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exchange/exchange.hpp"
#include "gateway/auth.hpp"
#include "gateway/core.hpp"
#include "gateway/metrics.hpp"

namespace rex::gateway {

struct ServerConfig {
  std::string address = "127.0.0.1";  // loopback unless an operator opens it up
  std::uint16_t port = 8080;          // 0 picks a free port (tests); port() tells which
  std::size_t io_threads = 1;         // one is enough for loopback load on 2 cores (bench/RESULTS.md)
  std::vector<unsigned> io_cpus;      // the I/O threads run on these CPUs only; empty: anywhere
  std::size_t max_frame_bytes = 16 * 1024;        // a new_order is ~300 bytes; 16 KiB leaves room
  std::size_t max_message_bytes = 1024 * 1024;    // beyond this the connection is closed (1009)
  std::size_t max_send_queue_messages = 65'536;   // per session; more is a slow consumer, cut off
  std::size_t max_send_queue_bytes = 32 * 1024 * 1024;
  std::uint32_t rate_limit_per_second = 20'000;   // per session, sustained
  std::uint32_t rate_limit_burst = 5'000;         // per session, momentary
  // An HTTP request (a WebSocket upgrade included) must arrive complete within this, counted from
  // the connection or the previous response, and a WebSocket closing handshake finish within it.
  std::uint32_t handshake_timeout_seconds = 10;
  // A WebSocket session from which nothing arrives for this long (it is pinged after half of it)
  // is closed: a dead peer's orders are then cancelled on disconnect within it.
  std::uint32_t idle_timeout_seconds = 30;
  std::size_t max_http_body_bytes = 8 * 1024;     // HTTP is GET only
  CoreConfig core;
};

class Server final : public exchange::ExchangeListener {
 public:
  Server(ServerConfig config, const refdata::Catalogue& catalogue, const KeyStore& keys, ExchangePort& exchange);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Before start(): trades from before a restart (gateway/journal_trades.hpp).
  void load_trades(std::span<const matcher::Event> trades);
  // Waits for the exchange's on_recovered (so no client sees a market without its recovered
  // orders), binds and listens (throws std::system_error when it cannot), runs the I/O threads.
  // Call after the exchange has started.
  void start();
  std::uint16_t port() const;
  // Stops accepting connections and messages; sessions stay open to receive what is in flight.
  void stop_intake();
  // Closes every session and joins the I/O threads. Call after the exchange has stopped.
  void stop();

  void on_recovered(const matcher::EngineSnapshot& state) override;
  void on_results(std::span<const exchange::CommandResult> batch) override;

  const GatewayMetrics& metrics() const;
  std::size_t session_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rex::gateway
