// rexd's HTTP side: health, metrics and read-only JSON (docs/websocket-api.md "HTTP"), and the
// WebSocket upgrade, handed on to gateway/server.cpp.
#include "gateway/server_state.hpp"

#include <boost/beast/websocket.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "gateway/http_target.hpp"
#include "gateway/json_out.hpp"

namespace rex::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

std::optional<matcher::InstrumentId> instrument_from(const refdata::Catalogue& catalogue, std::string_view code) {
  const auto* spec = catalogue.find_instrument(code);
  if (!spec) return std::nullopt;
  return spec->id;
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, Server::State& state) : stream_(std::move(socket)), state_(state) {}

  void run() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::read, shared_from_this())); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(state_.config.max_http_body_bytes);
    // A request, the WebSocket upgrade included, arrives whole within the handshake timeout: an idle
    // or trickling client holds a descriptor for no longer.
    stream_.expires_after(std::chrono::seconds(state_.config.handshake_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec) return;
    if (websocket::is_upgrade(parser_->get())) {
      if (!state_.intake.load()) return shutdown();
      stream_.expires_never();
      serve_websocket(stream_.release_socket(), std::move(buffer_), state_, parser_->release());
      return;
    }
    state_.metrics.http_requests.fetch_add(1, std::memory_order_relaxed);
    route(parser_->release());
  }

  void respond(http::status status, std::string content_type, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(status, version_);
    res->set(http::field::server, "rexd");
    res->set(http::field::content_type, content_type);
    res->keep_alive(keep_alive_);
    if (status == http::status::method_not_allowed) res->set(http::field::allow, "GET, HEAD");
    const std::size_t length = body.size();
    res->body() = std::move(body);
    res->prepare_payload();
    if (head_) {  // the headers a GET would get, no body
      res->body().clear();
      res->content_length(length);
    }
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!res->keep_alive()) return self->shutdown();
      self->read();
    });
  }

  void json_error(http::status status, std::string_view text) {
    std::string body = "{\"error\":";
    append_json_string(body, text);
    body += "}\n";
    respond(status, "application/json", std::move(body));
  }

  // Computes the body on the core strand, answers on this session's strand.
  template <class F>
  void from_core(F&& make_body, http::status status = http::status::ok) {
    asio::post(state_.core_strand, [self = shared_from_this(), make_body = std::forward<F>(make_body), status]() {
      std::string body = make_body(*self->state_.core);
      body += '\n';
      asio::post(self->stream_.get_executor(), [self, body = std::move(body), status]() mutable {
        self->respond(status, "application/json", std::move(body));
      });
    });
  }

  void route(http::request<http::string_body> req) {
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    if (req.method() != http::verb::get && !head_) {
      return json_error(http::status::method_not_allowed, "only GET and HEAD are served");
    }
    const auto decoded = request_path(std::string_view(req.target().data(), req.target().size()));
    if (!decoded) return json_error(http::status::bad_request, "malformed percent-encoding in the path");
    const std::string_view target = *decoded;
    if (target == "/health") {
      // Healthy only while orders can be taken: not while stopping, nor once the journal is full.
      const bool stopping = !state_.intake.load();
      const bool journal_full = state_.exchange.stats().journal_full;
      const bool ok = !stopping && !journal_full;
      // On the core strand: the catalogue in force is the core's (a reload replaces it).
      return from_core(
          [stopping, ok, &state = state_](GatewayCore& core) {
            std::string body = message_text();
            JsonOut j(body);
            j.begin_object()
                .field("status", stopping ? "stopping" : ok ? "ok" : "journal_full")
                .field_uint("published_seq", state.exchange.published_seq())
                .field_uint("sessions", state.metrics.sessions_open.load())
                .field("catalogue_version", core.catalogue().version())
                .end_object();
            return body;
          },
          ok ? http::status::ok : http::status::service_unavailable);
    }
    if (target == "/metrics") {
      return respond(http::status::ok, "text/plain; version=0.0.4", render_prometheus(state_.metrics, state_.exchange.stats()));
    }
    if (target == "/api/v1/instruments") {
      return from_core([](GatewayCore& core) { return core.instruments_json(); });
    }
    if (target == "/api/v1/trades") {
      return from_core([](GatewayCore& core) { return core.trades_json(matcher::kAnyInstrument); });
    }
    constexpr std::string_view kBooks = "/api/v1/books/";
    constexpr std::string_view kTrades = "/api/v1/trades/";
    for (auto prefix : {kBooks, kTrades}) {
      if (target.substr(0, prefix.size()) != prefix) continue;
      const auto ins = instrument_from(state_.catalogue, target.substr(prefix.size()));
      if (!ins) return json_error(http::status::not_found, "no instrument with that code");
      const bool books = prefix == kBooks;
      return from_core([id = *ins, books](GatewayCore& core) { return books ? core.book_json(id) : core.trades_json(id); });
    }
    return json_error(http::status::not_found,
                      "not found; try /health, /metrics, /api/v1/instruments, /api/v1/books/<code>, /api/v1/trades, "
                      "/api/v1/trades/<code>");
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  Server::State& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
};

}  // namespace

void serve_http(tcp::socket&& socket, Server::State& state) {
  std::make_shared<HttpSession>(std::move(socket), state)->run();
}

}  // namespace rex::gateway
