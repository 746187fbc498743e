// The state rexd's network side shares between its WebSocket sessions, its HTTP sessions and the
// server's own lifecycle (gateway/server.cpp, gateway/http_session.cpp). Not for other users:
// gateway/server.hpp is the interface.
#pragma once

#include <utility>  // Boost 1.74 asio needs std::exchange declared before it under C++20

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gateway/core.hpp"
#include "gateway/metrics.hpp"
#include "gateway/server.hpp"

namespace rex::gateway {

class WsSession;

struct Server::State : std::enable_shared_from_this<Server::State>, Outbox {
  ServerConfig config;
  const refdata::Catalogue& catalogue;
  const KeyStore& keys;
  ExchangePort& exchange;
  GatewayMetrics metrics;
  boost::asio::io_context ioc;
  boost::asio::strand<boost::asio::io_context::executor_type> core_strand;
  std::unique_ptr<GatewayCore> core;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer accept_retry{acceptor.get_executor()};  // after a failed accept
  std::uint64_t accept_failures_in_a_row = 0;  // failures in a row (acceptor's strand)
  std::vector<std::thread> threads;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  // With one I/O thread every strand runs on it, so sessions call the core and the core calls
  // sessions directly instead of posting (two hand-offs fewer per message).
  bool single_thread = false;
  std::atomic<bool> intake{true};
  std::atomic<std::uint64_t> next_session{0};
  std::atomic<std::uint16_t> bound_port{0};
  std::atomic<bool> recovered{false};  // the exchange has handed over its recovered state
  std::unordered_map<SessionId, std::weak_ptr<WsSession>> registry;  // core strand only
  // Result batches from the exchange's writer thread wait here for the core strand. One drain takes every
  // batch that arrived meanwhile, so under load each session gets one write for many batches.
  std::mutex results_mutex;
  std::vector<ResultBatch> results_waiting;  // under results_mutex
  bool results_drain_posted = false;         // under results_mutex
  std::vector<ResultBatch> results_draining;  // core strand only
  // Drained batches kept for their capacity (under results_mutex): once warm, handing results
  // over allocates nothing on the exchange's writer thread.
  std::vector<ResultBatch> results_spare;
  static constexpr std::size_t kSpareResultBatches = 256;

  State(ServerConfig c, const refdata::Catalogue& cat, const KeyStore& k, ExchangePort& x)
      : config(std::move(c)),
        catalogue(cat),
        keys(k),
        exchange(x),
        core_strand(boost::asio::make_strand(ioc)),
        acceptor(boost::asio::make_strand(ioc)) {
    if (config.core.finished_orders_kept == 0) config.core.finished_orders_kept = 1;
    single_thread = config.io_threads <= 1;
    core = std::make_unique<GatewayCore>(catalogue, keys, config.core, exchange, *this, metrics);
  }

  void deliver(SessionId session, std::vector<Message>& messages) override;
  void drain_results();
  void accept();
  void accept_later(const boost::beast::error_code& ec);
  void session_opened(const std::shared_ptr<WsSession>& session, SessionId id);
  void session_closed(SessionId id);
};

// gateway/http_session.cpp: serves HTTP on a new connection, and hands a WebSocket upgrade on.
void serve_http(boost::asio::ip::tcp::socket&& socket, Server::State& state);
// gateway/server.cpp: a WebSocket session on the connection whose upgrade request this is;
// `received`: what the HTTP reader read past the request (the client's first frames, if sent at once).
void serve_websocket(boost::asio::ip::tcp::socket&& socket, boost::beast::flat_buffer&& received,
                     Server::State& state, boost::beast::http::request<boost::beast::http::string_body>&& upgrade);

}  // namespace rex::gateway
