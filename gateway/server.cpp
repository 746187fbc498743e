// rexd's network side: the WebSocket sessions, accepting connections, handing the exchange's results
// to the sessions, start and stop. HTTP requests: gateway/http_session.cpp.
#include "gateway/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "gateway/cpu_list.hpp"
#include "gateway/handler_memory.hpp"
#include "gateway/listen_address.hpp"
#include "gateway/log.hpp"
#include "gateway/protocol.hpp"
#include "gateway/rate_limiter.hpp"
#include "gateway/reject.hpp"
#include "gateway/server_state.hpp"
#include "gateway/upgraded_socket.hpp"

namespace rex::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// A batched frame carries at most this much: large enough that one write serves a burst, small
// enough that a client's frame limit of 1 MiB (ours, browsers' far more) is never approached.
constexpr std::size_t kMaxBatchMessages = 256;
constexpr std::size_t kMaxBatchBytes = 64 * 1024;

}  // namespace

// One WebSocket connection: reads requests into the core, writes what the core sends it.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, beast::flat_buffer&& received, Server::State& state)
      : ws_(std::move(socket), std::move(received)),
        state_(state),
        parser_(state.catalogue),
        rate_(state.config.rate_limit_per_second, state.config.rate_limit_burst),
        id_(++state.next_session) {}

  template <class Body, class Allocator>
  void run(http::request<Body, http::basic_fields<Allocator>> req) {
    websocket::stream_base::timeout timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.handshake_timeout = std::chrono::seconds(state_.config.handshake_timeout_seconds);
    // Beast's timer keeps running at half the idle timeout while a session closes (a close frame
    // sent after a protocol error, then waiting for the peer's): this also bounds that wait.
    timeout.idle_timeout = std::chrono::seconds(state_.config.idle_timeout_seconds);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "rexd"); }));
    ws_.read_message_max(state_.config.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.async_accept(req, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
  }

  // On this session's strand.
  void enqueue(std::vector<Message>& messages) {
    if (closed_) return;
    for (auto& m : messages) {
      queued_bytes_ += m->size();
      queue_.push_back(std::move(m));
    }
    if (queue_.size() > state_.config.max_send_queue_messages || queued_bytes_ > state_.config.max_send_queue_bytes) {
      state_.metrics.slow_consumer_disconnects.fetch_add(1, std::memory_order_relaxed);
      log_warn("gateway", "session " + std::to_string(id_) + ": send queue overflow (" + std::to_string(queue_.size()) +
                              " messages, " + std::to_string(queued_bytes_) + " bytes): slow consumer cut off");
      cut_off();
      return;
    }
    if (!writing_ && !write_posted_) {
      // Start the write after the handlers already queued: what they add goes in the same write.
      write_posted_ = true;
      asio::post(ws_.get_executor(), [s = shared_from_this()]() {
        s->write_posted_ = false;
        if (!s->writing_ && !s->queue_.empty() && !s->closed_) s->write_next();
      });
    }
  }

  auto executor() { return ws_.get_executor(); }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      log(LogLevel::kDebug, "gateway", "websocket handshake failed: " + ec.message());
      return;
    }
    state_.session_opened(shared_from_this(), id_);
    read();
  }

  // A message is read in pieces: up to one byte past max_frame_bytes is kept (enough to know it is
  // too large), the rest of a larger one is read and dropped, so an oversized message never holds
  // more than that (max_message_bytes only bounds how long it may go on before the close).
  void read() {
    const std::size_t keep = state_.config.max_frame_bytes + 1;
    ws_.async_read_some(buffer_, oversized_bytes_ != 0 ? keep : keep - buffer_.size(),
                        WithMemory(memory_, beast::bind_front_handler(&WsSession::on_read, shared_from_this())));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close_down(ec);
    if (oversized_bytes_ != 0 || buffer_.size() > state_.config.max_frame_bytes) {
      oversized_bytes_ += buffer_.size();
      buffer_.consume(buffer_.size());
    }
    if (!ws_.is_message_done()) return read();
    state_.metrics.frames_in.fetch_add(1, std::memory_order_relaxed);
    if (!state_.intake.load(std::memory_order_relaxed)) {
      buffer_.consume(buffer_.size());
      local_reject({}, {}, static_cast<std::uint16_t>(GatewayReject::kExchangeStopped), {});
      return read();
    }
    const std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const bool limited = rate_.enabled() && !rate_.allow(steady_ns());
    if (oversized_bytes_ != 0) {
      local_reject({}, {}, static_cast<std::uint16_t>(GatewayReject::kFrameTooLarge),
                   std::to_string(oversized_bytes_) + " bytes, at most " + std::to_string(state_.config.max_frame_bytes));
      oversized_bytes_ = 0;
    } else {
      ParseError error;
      bool op_known = false;
      if (!parser_.parse(text, request_, error, op_known)) {
        local_reject(request_.req, op_known ? op_name(request_.op) : std::string_view{}, error.code, error.detail,
                     request_.cl_ord_id);
      } else if (limited) {
        local_reject(request_.req, op_name(request_.op), static_cast<std::uint16_t>(GatewayReject::kRateLimited),
                     std::to_string(state_.config.rate_limit_per_second) + " messages per second");
      } else {
        if (request_.op == Op::kLogin && request_.batch) batch_ = true;
        if (state_.single_thread) {
          state_.core->handle(id_, request_);  // the one I/O thread owns the core: no hand-off
        } else {
          asio::post(state_.core_strand, [s = shared_from_this(), r = std::move(request_)]() {
            s->state_.core->handle(s->id_, r);
          });
        }
      }
    }
    buffer_.consume(buffer_.size());
    read();
  }

  void local_reject(std::string_view req, std::string_view op, std::uint16_t code, std::string_view detail,
                    std::string_view cl_ord_id = {}) {
    state_.metrics.count_reject(code);
    std::vector<Message> one{make_message(GatewayCore::reject_message(req, op, code, detail, cl_ord_id))};
    state_.metrics.messages_out.fetch_add(1, std::memory_order_relaxed);
    enqueue(one);
  }

  // One message per frame; for a client that logged in with "batch": true, whatever is queued
  // (bounded) goes out as one frame holding a JSON array: one write for many messages.
  void write_next() {
    writing_ = true;
    if (!batch_ || queue_.size() == 1) {
      in_flight_ = 1;
      ws_.async_write(asio::buffer(*queue_.front()),
                      WithMemory(memory_, beast::bind_front_handler(&WsSession::on_write, shared_from_this())));
      return;
    }
    batch_buffer_.clear();
    batch_buffer_ += '[';
    in_flight_ = 0;
    for (const auto& m : queue_) {
      if (in_flight_ == kMaxBatchMessages || (in_flight_ > 0 && batch_buffer_.size() + m->size() > kMaxBatchBytes)) break;
      if (in_flight_ > 0) batch_buffer_ += ',';
      batch_buffer_ += *m;
      ++in_flight_;
    }
    batch_buffer_ += ']';
    ws_.async_write(asio::buffer(batch_buffer_),
                    WithMemory(memory_, beast::bind_front_handler(&WsSession::on_write, shared_from_this())));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return close_down(ec);
    for (std::size_t i = 0; i < in_flight_ && !queue_.empty(); ++i) {
      queued_bytes_ -= queue_.front()->size();
      queue_.pop_front();
    }
    in_flight_ = 0;
    if (!queue_.empty() && !closed_) return write_next();
    if (queue_.empty() && closing_ && !closed_) send_close();
  }

  void send_close() {
    closed_ = true;
    ws_.async_close(websocket::close_code::going_away, [s = shared_from_this()](beast::error_code) {});
  }

  void cut_off() {
    closed_ = true;
    if (!writing_) {  // a write in progress still uses the front of the queue
      queue_.clear();
      queued_bytes_ = 0;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close(ignored);
  }

  void close_down(beast::error_code ec) {
    if (ec != websocket::error::closed && ec != asio::error::operation_aborted && ec != asio::error::eof) {
      log(LogLevel::kDebug, "gateway", "session " + std::to_string(id_) + " ended: " + ec.message());
    }
    if (!reported_) {
      reported_ = true;
      closed_ = true;
      state_.session_closed(id_);
    }
  }

 public:
  // Server shutdown: a polite close frame, on this session's strand.
  // What is queued is sent first.
  void close_politely() {
    if (closed_ || closing_) return;
    closing_ = true;
    if (!writing_ && queue_.empty()) send_close();
  }

 private:
  // A plain socket (behind the bytes received with the upgrade): the WebSocket layer keeps its own
  // handshake and idle timers, and beast::tcp_stream's per-operation timeout bookkeeping costs on
  // every read and write.
  HandlerMemory memory_;  // before ws_: the stream's operations are destroyed before their memory
  websocket::stream<UpgradedSocket> ws_;
  Server::State& state_;
  beast::flat_buffer buffer_;
  std::size_t oversized_bytes_ = 0;  // of the message being read, once past max_frame_bytes
  RequestParser parser_;
  Request request_;
  RateLimiter rate_;
  SessionId id_;
  std::deque<Message> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool write_posted_ = false;  // a write_next is posted
  bool batch_ = false;
  std::string batch_buffer_;
  std::size_t in_flight_ = 0;  // queued messages the write in progress carries
  bool closing_ = false;  // a close frame follows the queue
  bool closed_ = false;
  bool reported_ = false;
};

void serve_websocket(tcp::socket&& socket, beast::flat_buffer&& received, Server::State& state,
                     http::request<http::string_body>&& upgrade) {
  std::make_shared<WsSession>(std::move(socket), std::move(received), state)->run(std::move(upgrade));
}

void Server::State::deliver(SessionId session, std::vector<Message>& messages) {
  auto it = registry.find(session);
  if (it == registry.end()) return;
  auto s = it->second.lock();
  if (!s) return;
  if (single_thread) {
    s->enqueue(messages);  // already on the only thread, which is every session's strand
    return;
  }
  asio::post(s->executor(), [s, m = std::move(messages)]() mutable { s->enqueue(m); });
}

void Server::State::accept() {
  // Handlers queued in the io_context hold the state only weakly: the state owns the io_context, so a
  // strong reference in a handler the threads never ran (stopped first) would keep both alive.
  // A connection's handlers run on a strand of its own when several threads run the io_context;
  // with one thread they are serialised already, and a strand would only add a lock per handler.
  const auto executor = single_thread ? asio::any_io_executor(ioc.get_executor()) : asio::any_io_executor(asio::make_strand(ioc));
  acceptor.async_accept(executor, [weak = weak_from_this()](beast::error_code ec, tcp::socket socket) {
    const auto self = weak.lock();
    if (!self) return;
    if (ec) {
      if (!self->acceptor.is_open()) return;
      if (ec != asio::error::operation_aborted) return self->accept_later(ec);
    } else {
      self->accept_failures_in_a_row = 0;
      beast::error_code option_ec;  // a connection already reset: its reads will fail and end it
      socket.set_option(tcp::no_delay(true), option_ec);
      serve_http(std::move(socket), *self);
    }
    self->accept();
  });
}

// Out of file descriptors (or memory) the pending connection stays queued and every accept fails
// at once: accepting again straight away would spin a core and flood the log. Wait, and say so
// once per episode (then every 1,000th failure).
void Server::State::accept_later(const beast::error_code& ec) {
  metrics.accept_failures.fetch_add(1, std::memory_order_relaxed);
  if (accept_failures_in_a_row++ % 1000 == 0) {
    log_warn("gateway", "accept failed: " + ec.message() + " (" + std::to_string(accept_failures_in_a_row) +
                            " in a row); accepting again in 100 ms");
  }
  accept_retry.expires_after(std::chrono::milliseconds(100));
  accept_retry.async_wait([weak = weak_from_this()](beast::error_code wait_ec) {
    const auto self = weak.lock();
    if (!self || wait_ec || !self->acceptor.is_open()) return;
    self->accept();
  });
}

void Server::State::session_opened(const std::shared_ptr<WsSession>& session, SessionId id) {
  metrics.sessions_open.fetch_add(1, std::memory_order_relaxed);
  metrics.sessions_total.fetch_add(1, std::memory_order_relaxed);
  auto open = [this, weak = std::weak_ptr<WsSession>(session), id]() {
    registry.emplace(id, weak);
    core->open_session(id);
  };
  if (single_thread) {
    open();
  } else {
    asio::post(core_strand, std::move(open));
  }
}

void Server::State::session_closed(SessionId id) {
  metrics.sessions_open.fetch_sub(1, std::memory_order_relaxed);
  auto close = [this, id]() {
    registry.erase(id);
    core->close_session(id);
  };
  if (single_thread) {
    close();
  } else {
    asio::post(core_strand, std::move(close));
  }
}

Server::Server(ServerConfig config, const refdata::Catalogue& catalogue, const KeyStore& keys, ExchangePort& exchange)
    : state_(std::make_shared<State>(std::move(config), catalogue, keys, exchange)) {}

Server::~Server() { stop(); }

void Server::start() {
  State& s = *state_;
  // No session may see the books before the recovered state is in the core: wait for the exchange's
  // on_recovered (it comes as soon as the exchange starts; the replay itself happened before).
  constexpr auto kRecoveryWait = std::chrono::seconds(60);
  const auto deadline = std::chrono::steady_clock::now() + kRecoveryWait;
  while (!s.recovered.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!s.recovered.load()) log_warn("gateway", "no recovered state from the exchange; serving without it");
  if (const std::string problem = listen_address_problem(s.config.address); !problem.empty()) {
    throw std::runtime_error("listen.address: " + problem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address(s.config.address), s.config.port);
  try {
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + s.config.address + " port " + std::to_string(s.config.port) + ": " +
                             e.code().message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  s.work.emplace(asio::make_work_guard(s.ioc));
  s.accept();
  const std::size_t n = std::max<std::size_t>(1, s.config.io_threads);
  for (std::size_t i = 0; i < n; ++i) {
    s.threads.emplace_back([&s] {
      ::pthread_setname_np(::pthread_self(), "rex-io");
      if (!s.config.io_cpus.empty()) {
        if (const int e = pin_this_thread(s.config.io_cpus); e != 0) {
          log_warn("gateway", std::string("I/O thread not pinned to its CPUs: ") + std::strerror(e));
        }
      }
      s.ioc.run();
    });
  }
}

void Server::load_trades(std::span<const matcher::Event> trades) { state_->core->load_trades(trades); }

std::uint16_t Server::port() const { return state_->bound_port.load(); }

void Server::stop_intake() {
  State& s = *state_;
  s.intake = false;
  // On the acceptor's strand, where its accept handler runs: with several I/O threads a close
  // from elsewhere could race a completing accept.
  asio::post(s.acceptor.get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.accept_retry.cancel();
  });
}

void Server::stop() {
  State& s = *state_;
  if (s.threads.empty()) return;
  stop_intake();
  // Close every session politely from the core strand (which owns the registry), then let the
  // I/O threads finish the close handshakes, bounded in time.
  std::promise<void> closed;
  asio::post(s.core_strand, [&s, &closed] {
    for (auto& [id, weak] : s.registry) {
      if (auto session = weak.lock()) asio::post(session->executor(), [session] { session->close_politely(); });
    }
    closed.set_value();
  });
  closed.get_future().wait();
  s.work.reset();
  // Let close handshakes finish, bounded: a peer that does not answer is dropped with the threads.
  constexpr auto kCloseGrace = std::chrono::milliseconds(500);
  const auto deadline = std::chrono::steady_clock::now() + kCloseGrace;
  while (s.metrics.sessions_open.load() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

void Server::on_recovered(const matcher::EngineSnapshot& state) {
  asio::post(state_->core_strand, [weak = std::weak_ptr<State>(state_), snapshot = state]() {
    if (const auto s = weak.lock()) s->core->on_recovered(snapshot);
  });
  state_->recovered.store(true);
}

void Server::State::drain_results() {
  {
    std::lock_guard lock(results_mutex);
    results_draining.swap(results_waiting);
    results_drain_posted = false;
  }
  core->on_results(results_draining);
  {
    std::lock_guard lock(results_mutex);
    for (ResultBatch& b : results_draining) {
      if (results_spare.size() == kSpareResultBatches) break;
      results_spare.push_back(std::move(b));
    }
  }
  results_draining.clear();
}

void Server::on_results(std::span<const exchange::CommandResult> batch) {
  ResultBatch copy;
  {
    std::lock_guard lock(state_->results_mutex);
    if (!state_->results_spare.empty()) {
      copy = std::move(state_->results_spare.back());
      state_->results_spare.pop_back();
    }
  }
  copy.assign(batch);
  bool post = false;
  {
    std::lock_guard lock(state_->results_mutex);
    state_->results_waiting.push_back(std::move(copy));
    post = !std::exchange(state_->results_drain_posted, true);
  }
  if (post) {
    asio::post(state_->core_strand, [weak = std::weak_ptr<State>(state_)]() {
      if (const auto s = weak.lock()) s->drain_results();
    });
  }
}

const GatewayMetrics& Server::metrics() const { return state_->metrics; }
std::size_t Server::session_count() const { return state_->metrics.sessions_open.load(); }

}  // namespace rex::gateway
