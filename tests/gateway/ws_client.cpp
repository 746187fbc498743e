#include "ws_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace rex::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

Json::Json(std::string text) : text_(std::move(text)), parser_(std::make_shared<simdjson::dom::parser>()) {
  if (parser_->parse(text_).get(root_)) throw std::runtime_error("client got invalid JSON: " + text_);
}

std::string Json::str(std::string_view key) const {
  std::string_view s;
  if (root_[key].get_string().get(s)) return {};
  return std::string(s);
}

std::int64_t Json::num(std::string_view key) const {
  std::int64_t v = 0;
  if (root_[key].get_int64().get(v)) return -1;
  return v;
}

bool Json::has(std::string_view key) const { return !root_[key].error(); }

bool Json::boolean(std::string_view key) const {
  bool b = false;
  if (root_[key].get_bool().get(b)) return false;
  return b;
}

struct WsClient::State : std::enable_shared_from_this<WsClient::State> {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> inbox;
  bool gone = false;
  bool paused = false;
  bool reading = false;
  std::deque<std::shared_ptr<std::string>> outbox;
  bool writing = false;

  void read() {
    reading = true;
    ws.async_read(buffer, [self = this](beast::error_code ec, std::size_t) {
      self->reading = false;
      std::lock_guard lock(self->mutex);
      if (ec) {
        self->gone = true;
      } else {
        self->inbox.push_back(beast::buffers_to_string(self->buffer.data()));
        if (std::getenv("REX_WS_LOG")) std::fprintf(stderr, "<- %s\n", self->inbox.back().c_str());
        self->buffer.consume(self->buffer.size());
      }
      self->cv.notify_all();
      if (!ec && !self->paused) self->read();
    });
  }

  void write_next() {
    writing = true;
    ws.async_write(asio::buffer(*outbox.front()), [self = this](beast::error_code ec, std::size_t) {
      self->writing = false;
      self->outbox.pop_front();
      if (ec) {
        std::lock_guard lock(self->mutex);
        self->gone = true;
        self->cv.notify_all();
        return;
      }
      if (!self->outbox.empty()) self->write_next();
    });
  }
};

WsClient::WsClient(std::uint16_t port, int receive_buffer) : state_(std::make_shared<State>()) {
  auto& s = *state_;
  auto& sock = s.ws.next_layer();
  sock.open(tcp::v4());
  if (receive_buffer > 0) sock.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  s.ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  s.ws.read_message_max(64 << 20);
  s.read();
  s.thread = std::thread([st = state_.get()] { st->ioc.run(); });
}

WsClient::~WsClient() {
  close();
  if (state_->thread.joinable()) state_->thread.join();
}

void WsClient::close() {
  State* st = state_.get();  // handlers hold raw pointers: the client joins its thread before the state goes
  asio::post(st->ioc, [st] {
    beast::error_code ignored;
    st->ws.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    st->ws.next_layer().close(ignored);
  });
}

void WsClient::send(std::string_view text) {
  State* st = state_.get();  // handlers hold raw pointers: the client joins its thread before the state goes
  auto msg = std::make_shared<std::string>(text);
  if (std::getenv("REX_WS_LOG")) std::fprintf(stderr, "-> %s\n", msg->c_str());
  asio::post(st->ioc, [st, msg] {
    st->outbox.push_back(msg);
    if (!st->writing) st->write_next();
  });
}

std::optional<Json> WsClient::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  if (!state_->cv.wait_for(lock, timeout, [&] { return !state_->inbox.empty() || state_->gone; })) return std::nullopt;
  if (state_->inbox.empty()) return std::nullopt;
  std::string text = std::move(state_->inbox.front());
  state_->inbox.pop_front();
  lock.unlock();
  return Json(std::move(text));
}

std::optional<Json> WsClient::until(const std::function<bool(const Json&)>& match, std::chrono::milliseconds timeout) {
  for (auto it = stash_.begin(); it != stash_.end(); ++it) {
    if (match(*it)) {
      Json found = std::move(*it);
      stash_.erase(it);
      return found;
    }
  }
  return wait_new(match, timeout);
}

std::optional<Json> WsClient::wait_new(const std::function<bool(const Json&)>& match, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto m = next(left);
    if (!m) return std::nullopt;
    if (match(*m)) return m;
    stash_.push_back(std::move(*m));
  }
}

std::optional<Json> WsClient::until_type(std::string_view type, std::chrono::milliseconds timeout) {
  return until([&](const Json& j) { return j.type() == type; }, timeout);
}

Json WsClient::request(std::string_view text, std::vector<std::string> types) {
  send(text);
  auto m = wait_new(
      [&](const Json& j) {
        for (const auto& t : types) {
          if (j.type() == t) return true;
        }
        return false;
      },
      std::chrono::milliseconds(5000));
  if (!m) throw std::runtime_error("no reply to " + std::string(text));
  return *m;
}

void WsClient::login(std::string_view api_key) {
  Json reply = request(R"({"op":"login","api_key":")" + std::string(api_key) + "\"}", {"login_ack", "reject"});
  if (reply.type() != "login_ack") throw std::runtime_error("login failed: " + reply.text());
}

bool WsClient::closed() const {
  std::lock_guard lock(state_->mutex);
  return state_->gone;
}

void WsClient::pause_reading() {
  State* st = state_.get();  // handlers hold raw pointers: the client joins its thread before the state goes
  asio::post(st->ioc, [st] { st->paused = true; });
}

std::vector<Json> WsClient::drain(std::chrono::milliseconds quiet) {
  std::vector<Json> out(std::make_move_iterator(stash_.begin()), std::make_move_iterator(stash_.end()));
  stash_.clear();
  while (auto m = next(quiet)) out.push_back(std::move(*m));
  return out;
}

std::pair<int, std::string> http_get(std::uint16_t port, std::string_view target) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{http::verb::get, std::string(target), 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace rex::testing
