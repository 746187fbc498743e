// rex-ws: a minimal WebSocket console for rexd. Each line typed (or piped) is sent as one message;
// every message received is printed on its own line. rex-ws [ws://]HOST:PORT[/path]
//   printf '%s\n' '{"op":"login","api_key":"demo-zytrade"}' | rex-ws 127.0.0.1:8080
// Boost 1.74 asio needs <utility> (std::exchange) before it under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <string>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

int main(int argc, char** argv) {
  std::string target = argc > 1 ? argv[1] : "127.0.0.1:8080";
  if (target.rfind("ws://", 0) == 0) target = target.substr(5);
  std::string path = "/ws";
  if (auto slash = target.find('/'); slash != std::string::npos) {
    path = target.substr(slash);
    target = target.substr(0, slash);
  }
  const auto colon = target.rfind(':');
  const std::string host = colon == std::string::npos ? target : target.substr(0, colon);
  const std::string port = colon == std::string::npos ? "8080" : target.substr(colon + 1);
  try {
    asio::io_context ioc;
    websocket::stream<tcp::socket> ws(ioc);
    tcp::resolver resolver(ioc);
    asio::connect(ws.next_layer(), resolver.resolve(host, port));
    ws.handshake(host + ":" + port, path);
    beast::flat_buffer buffer;
    std::function<void()> read = [&] {
      ws.async_read(buffer, [&](beast::error_code ec, std::size_t) {
        if (ec) {
          if (ec != websocket::error::closed && ec != asio::error::operation_aborted) std::fprintf(stderr, "rex-ws: %s\n", ec.message().c_str());
          return;
        }
        std::cout << beast::buffers_to_string(buffer.data()) << std::endl;
        buffer.consume(buffer.size());
        read();
      });
    };
    read();
    std::deque<std::string> outbox;
    bool writing = false;
    std::function<void()> write_next = [&] {
      writing = true;
      ws.async_write(asio::buffer(outbox.front()), [&](beast::error_code ec, std::size_t) {
        writing = false;
        outbox.pop_front();
        if (!ec && !outbox.empty()) write_next();
      });
    };
    auto guard = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.empty()) continue;
      asio::post(ioc, [&, line] {
        outbox.push_back(line);
        if (!writing) write_next();
      });
    }
    // Input ended: give the replies a moment, then close.
    constexpr auto kLinger = std::chrono::milliseconds(500);
    std::this_thread::sleep_for(kLinger);
    asio::post(ioc, [&] {
      ws.async_close(websocket::close_code::normal, [&](beast::error_code) { guard.reset(); });
    });
    io.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rex-ws: %s\n", e.what());
    return 1;
  }
  return 0;
}
