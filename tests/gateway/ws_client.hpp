// A real WebSocket client for the end-to-end tests (Boost.Beast): its own I/O thread reads every
// message into a queue; the test thread sends and waits for messages with a timeout.
#pragma once

#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rex::testing {

// One received message, parsed.
class Json {
 public:
  explicit Json(std::string text);
  const std::string& text() const { return text_; }
  std::string str(std::string_view key) const;        // "" when absent or not a string
  std::int64_t num(std::string_view key) const;       // -1 when absent or not an integer
  bool has(std::string_view key) const;
  bool boolean(std::string_view key) const;
  simdjson::dom::element root() const { return root_; }
  std::string type() const { return str("type"); }

 private:
  std::string text_;
  std::shared_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

class WsClient {
 public:
  // Connects to 127.0.0.1:port and upgrades at /ws. `receive_buffer` > 0 sets SO_RCVBUF first.
  explicit WsClient(std::uint16_t port, int receive_buffer = 0);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(std::string_view text);
  // The next message, or nullopt after the timeout or once the connection is gone.
  std::optional<Json> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // The first message satisfying `match`, looking first at messages earlier calls skipped, then at
  // new ones (skipped ones are kept for later calls); nullopt after the timeout.
  std::optional<Json> until(const std::function<bool(const Json&)>& match,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  std::optional<Json> until_type(std::string_view type,
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Sends and returns the first reply of one of the given types that arrives after the send (others
  // are kept for until()).
  Json request(std::string_view text, std::vector<std::string> types = {"ack", "reject"});
  void login(std::string_view api_key);
  bool closed() const;
  void close();
  // Stops reading (the server's writes back up); resume_reading() starts again.
  void pause_reading();
  std::vector<Json> drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(200));

  struct State;

 private:
  std::optional<Json> wait_new(const std::function<bool(const Json&)>& match, std::chrono::milliseconds timeout);

  std::shared_ptr<State> state_;
  std::deque<Json> stash_;
};

// GET http://127.0.0.1:port<target>: status and body.
std::pair<int, std::string> http_get(std::uint16_t port, std::string_view target);

}  // namespace rex::testing
