// End to end: bad messages get a specific reject and disturb nothing; oversized frames; rate
// limits; slow consumers are cut off without slowing anyone else; cancel on disconnect; running
// out of file descriptors; frames sent behind the upgrade request without waiting for the 101.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "e2e_support.hpp"

using namespace rex::testing;

namespace {

// A plain TCP connection to the server, for what a well-behaved WebSocket client never does.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(std::string_view bytes) { REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())); }
  // What arrives within `wait` (stops early once `enough` bytes are in); `closed` once the peer closed.
  std::string receive(std::chrono::milliseconds wait, std::size_t enough = 1 << 20) {
    std::string out;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!closed && out.size() < enough) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) closed = true;
      else out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  static constexpr std::string_view kUpgradeRequest =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  // The WebSocket upgrade, then the server's 101.
  void upgrade() {
    send(kUpgradeRequest);
    await_101();
  }
  // The server's 101 (its headers, to the blank line); what came behind them is kept for next_payload().
  void await_101() {
    std::string reply;
    while (reply.find("\r\n\r\n") == std::string::npos && !closed) reply += receive(std::chrono::seconds(5), 1);
    REQUIRE(reply.rfind("HTTP/1.1 101", 0) == 0);
    pending_ = reply.substr(reply.find("\r\n\r\n") + 4);
  }
  // A client text frame: masked, as RFC 6455 has clients send them.
  static std::string masked_text_frame(std::string_view payload) {
    REQUIRE(payload.size() < 126);
    constexpr unsigned char kMask[4] = {0x37, 0xfa, 0x21, 0x3d};
    std::string f;
    f += static_cast<char>(0x81);
    f += static_cast<char>(0x80 | payload.size());
    for (unsigned char m : kMask) f += static_cast<char>(m);
    for (std::size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ kMask[i % 4]);
    return f;
  }
  void text_frame(std::string_view payload) { send(masked_text_frame(payload)); }
  // The payload of the server's next frame (unmasked, as servers send them); "" if none comes.
  std::string next_payload() {
    auto take = [&](std::size_t n) {
      while (pending_.size() < n && !closed) {
        const std::string more = receive(std::chrono::seconds(5), n - pending_.size());
        if (more.empty()) break;
        pending_ += more;
      }
      if (pending_.size() < n) return std::string();
      std::string out = pending_.substr(0, n);
      pending_.erase(0, n);
      return out;
    };
    const std::string head = take(2);
    if (head.size() < 2) return "";
    std::size_t size = static_cast<unsigned char>(head[1]) & 0x7f;
    if (size >= 126) {
      const std::string extended = take(size == 126 ? 2 : 8);
      size = 0;
      for (char c : extended) size = (size << 8) | static_cast<unsigned char>(c);
    }
    return take(size);
  }

  bool closed = false;

 private:
  int fd_;
  std::string pending_;  // received, not yet taken by next_payload()
};

}  // namespace

TEST_CASE("malformed messages: a specific reject to that client, nothing changed, others undisturbed", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient bad(server.port());
  WsClient good(server.port());
  bad.login("demo-zytrade");
  good.login("demo-dzmetal");

  struct Case {
    const char* text;
    int code;
  };
  const Case cases[] = {
      {"{not json", 100},
      {"[1,2,3]", 100},
      {"\"op\"", 100},
      {"", 100},
      {R"({"op":"fly"})", 102},
      {R"({"req":1})", 103},
      {R"({"op":7})", 104},
      {R"({"op":"new_order","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"1000"})", 103},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":76000,"qty":"1000"})", 104},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":1000.5})", 104},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"up","price":"76000","qty":"1000"})", 105},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"7.6e4","qty":"1000"})", 105},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"1000.5"})", 105},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"-1000"})", 105},
      {R"({"op":"new_order","cl_ord_id":"","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"1000"})", 105},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"1000","colour":"red"})", 106},
      {R"({"op":"cancel","order_id":"1","qty":"1000"})", 106},
      {R"({"op":"new_order","cl_ord_id":"x","cl_ord_id":"y","instrument":"CU-BARLEY-XUCHANG","side":"buy","price":"76000","qty":"1000"})", 107},
      {R"({"op":"new_order","cl_ord_id":"x","instrument":"NOPE","side":"buy","price":"76000","qty":"1000"})", 1},
      {R"({"op":"cancel"})", 103},
      {R"({"op":"cancel","order_id":"1","orig_cl_ord_id":"a"})", 105},
      {R"({"op":"cancel","order_id":"abc"})", 105},
      {R"({"op":"amend","order_id":"1"})", 103},
      {R"({"op":"ping","req":{"a":1}})", 104},
  };
  for (const auto& c : cases) {
    Json r = expect_reject(bad, c.text, c.code);
    CHECK_FALSE(r.str("name").empty());
    CHECK_FALSE(r.str("text").empty());
    // the good client is served in between, and the bad one too
    std::string cl = "g";
    cl += std::to_string(&c - cases);
    expect_ack(good, order_json(cl, "sell", "76500", "1000"));
  }
  Json named = expect_reject(bad, R"({"op":"new_order","cl_ord_id":"x","req":"r9"})", 103);
  CHECK(named.str("req") == "r9");
  CHECK(named.str("op") == "new_order");
  CHECK(named.str("text").find("instrument") != std::string::npos);
  // nothing the bad client sent reached the engine
  Json st = bad.request(R"({"op":"mass_cancel"})", {"mass_cancel_ack"});
  CHECK(st.num("cancelled") == 0);
  CHECK_FALSE(bad.closed());
}

TEST_CASE("oversized frames are rejected and skipped, and beyond the hard limit the connection closes", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.max_frame_bytes = 1024;
  config.max_message_bytes = 64 * 1024;
  TestServer server(dir.path(), config);
  WsClient c(server.port());
  WsClient other(server.port());
  c.login("demo-zytrade");
  other.login("demo-dzmetal");
  const std::string big = R"({"op":"ping","req":")" + std::string(2000, 'x') + "\"}";
  Json r = expect_reject(c, big, 101);
  CHECK(r.str("text").find("1024") != std::string::npos);
  expect_ack(c, order_json("after", "buy", "76000", "1000"));
  c.send(R"({"op":"ping","req":")" + std::string(100 * 1024, 'y') + "\"}");
  for (int i = 0; i < 50 && !c.closed(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(c.closed());
  expect_ack(other, order_json("still", "sell", "77000", "1000"));
}

TEST_CASE("rate limit per session", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.rate_limit_per_second = 20;
  config.rate_limit_burst = 5;
  TestServer server(dir.path(), config);
  WsClient c(server.port());
  WsClient other(server.port());
  c.login("demo-zytrade");
  other.login("demo-dzmetal");
  for (int i = 0; i < 30; ++i) c.send(R"({"op":"ping"})");
  int pongs = 0;
  int limited = 0;
  for (const auto& m : c.drain(std::chrono::milliseconds(300))) {
    if (m.type() == "pong") ++pongs;
    if (m.type() == "reject" && m.num("code") == 119) ++limited;
  }
  CHECK(pongs + limited == 30);
  CHECK(limited >= 20);
  CHECK(pongs >= 4);
  // other sessions have their own budget
  expect_ack(other, order_json("x", "sell", "77000", "1000"));
}

TEST_CASE("slow consumer: its queue overflows, it is cut off, nobody else notices", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.max_send_queue_bytes = 256 * 1024;
  TestServer server(dir.path(), config);
  WsClient slow(server.port(), 4096);
  WsClient fast(server.port());
  slow.login("demo-rexaudit");
  fast.login("demo-zytrade");
  slow.pause_reading();
  // each instruments message is ~10 KB: the kernel's socket buffers (a few MB at most) fill, then
  // the 256 KB queue overflows. Bounded by time, not rounds (a loaded CI machine once needed more
  // than 60 rounds of 100 ms): at most 60,000 requests (~600 MB of replies) or 30 s.
  bool cut = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int rounds = 0;
  for (; rounds < 300 && !cut && std::chrono::steady_clock::now() < deadline; ++rounds) {
    for (int i = 0; i < 200; ++i) slow.send(R"({"op":"subscribe","channel":"instruments"})");
    for (int i = 0; i < 10 && !cut; ++i) {
      cut = server.server().metrics().slow_consumer_disconnects.load() > 0;
      if (!cut) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  // Had it not been cut: did the server stop reading the session (frames in), or not fill its
  // queue (messages out)?
  INFO("rounds " << rounds << ", frames in " << server.server().metrics().frames_in.load() << ", messages out "
                 << server.server().metrics().messages_out.load());
  CHECK(cut);
  expect_ack(fast, order_json("x", "buy", "76000", "1000"));
}

TEST_CASE("cancel on disconnect", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient ops(server.port());
  ops.login("demo-rexops");
  std::string id;
  std::string kept;
  {
    WsClient c(server.port());
    WsClient second(server.port());
    c.login("demo-zytrade");
    second.login("demo-zytrade");
    id = expect_ack(c, order_json("a", "buy", "76000", "1000")).str("order_id");
    c.close();
    // another session of the participant is still there: nothing is cancelled yet
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Json st = ops.request(R"({"op":"order_status","order_id":")" + id + "\"}", {"order_status", "reject"});
    CHECK(st.str("status") == "open");
  }
  // the last session went: its orders go
  bool cancelled = false;
  for (int i = 0; i < 100 && !cancelled; ++i) {
    Json st = ops.request(R"({"op":"order_status","order_id":")" + id + "\"}", {"order_status", "reject"});
    cancelled = st.str("status") == "cancelled";
    if (!cancelled) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(cancelled);
}

TEST_CASE("shutdown: once intake stops, messages are refused with EXCHANGE_STOPPED", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  c.login("demo-zytrade");
  expect_ack(c, order_json("before", "buy", "76000", "1000"));
  server.server().stop_intake();
  expect_reject(c, order_json("after", "buy", "76000", "1000"), 121);
  // and no new connection is accepted
  CHECK_THROWS(WsClient(server.port()));
}

// Not in the sanitizer preset: it builds with UBSan too, whose runtime opens /proc/self/maps for
// its own checks, so with this process's descriptors exhausted it reports false errors on any
// thread. The release preset runs it.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("out of file descriptors: accepting backs off, and resumes once there are some again", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient first(server.port());
  first.login("demo-zytrade");
  // This process's descriptors run out: clients still connect (the kernel completes the handshake
  // into the listen backlog) but the server's accept fails with EMFILE.
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  int used = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) used += entry.is_symlink() ? 1 : 0;
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(used + 8);
  const int lowered = ::setrlimit(RLIMIT_NOFILE, &low);  // no Catch assertion until it is restored
  std::vector<int> clients;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server.port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < 16; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) break;
    clients.push_back(fd);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) break;
  }
  std::uint64_t failures = 0;
  for (int i = 0; i < 100 && failures == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    failures = server.server().metrics().accept_failures.load();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::uint64_t later = server.server().metrics().accept_failures.load();
  for (int fd : clients) ::close(fd);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  // Checked only now: reporting (and the sanitizers' runtime) may need a descriptor.
  REQUIRE(lowered == 0);
  CHECK(failures > 0);
  // A retry every 100 ms: a handful in half a second, not the hundreds of thousands of a spin.
  CHECK(later - failures < 50);
  // Descriptors free again: new connections are accepted, the first one was never disturbed.
  WsClient second(server.port());
  second.login("demo-dzmetal");
  expect_ack(second, order_json("after", "sell", "76000", "1000"));
  expect_ack(first, order_json("still", "buy", "75000", "1000"));
  auto [status, body] = http_get(server.port(), "/metrics");
  CHECK(body.find("rex_gateway_accept_failures_total ") != std::string::npos);
}
#endif

TEST_CASE("a request that never completes is cut off after the handshake timeout", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.handshake_timeout_seconds = 1;
  TestServer server(dir.path(), config);
  RawConnection silent(server.port());
  RawConnection trickle(server.port());
  trickle.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
  // Far less than the 30 s it used to hold them, far more than the 1 s configured.
  silent.receive(std::chrono::seconds(10));
  trickle.receive(std::chrono::seconds(10));
  CHECK(silent.closed);
  CHECK(trickle.closed);
}

TEST_CASE("a session closed for a protocol error does not wait long for a client that stays silent", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.idle_timeout_seconds = 2;
  TestServer server(dir.path(), config);
  RawConnection c(server.port());
  c.upgrade();
  c.text_frame(R"({"op":"login","api_key":"demo-zytrade"})");
  CHECK(c.receive(std::chrono::seconds(5), 1).size() > 0);  // login_ack
  c.text_frame("{\"op\":\"ping\",\"req\":\"\xff\xfe\"}");  // not UTF-8: RFC 6455 fails the connection
  const std::string close = c.receive(std::chrono::seconds(5), 4);
  REQUIRE(close.size() >= 4);
  CHECK(static_cast<unsigned char>(close[0]) == 0x88);
  CHECK(((static_cast<unsigned char>(close[2]) << 8) | static_cast<unsigned char>(close[3])) == 1007);
  // The client never answers the close: the server drops the connection by itself.
  c.receive(std::chrono::seconds(10));
  CHECK(c.closed);
  std::string health;
  for (int i = 0; i < 100 && health.find("\"sessions\":0") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    health = http_get(server.port(), "/health").second;
  }
  INFO(health);
  CHECK(health.find("\"sessions\":0") != std::string::npos);
}

TEST_CASE("HTTP: HEAD, the Allow header, absolute-form and percent-encoded targets", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  auto ask = [&](std::string_view request) {
    RawConnection c(server.port());
    c.send(request);
    std::string reply;
    while (!c.closed) reply += c.receive(std::chrono::seconds(5));
    return reply;
  };
  const std::string get = ask("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string head = ask("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(get.rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(head.rfind("HTTP/1.1 200", 0) == 0);
  const auto body_at = get.find("\r\n\r\n") + 4;
  CHECK(head.size() == body_at);  // the same headers, no body
  CHECK(head.find("Content-Length: " + std::to_string(get.size() - body_at)) != std::string::npos);
  const std::string post = ask("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  CHECK(post.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(post.find("Allow: GET, HEAD\r\n") != std::string::npos);
  CHECK(ask("GET http://127.0.0.1/api/v1/books/CU-BARLEY-XUCHANG HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .rfind("HTTP/1.1 200", 0) == 0);
  CHECK(ask("GET /api/v1/books/CU%2DBARLEY%2dXUCHANG HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0);
  CHECK(ask("GET /api/v1/books/CU%2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  CHECK(ask("GET /api/v1/books/CU%zzBARLEY HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("frames sent in the same write as the upgrade request are read, not dropped", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  RawConnection c(server.port());
  // The upgrade, a login and the first half of a ping in one write: no waiting for the 101.
  const std::string ping = RawConnection::masked_text_frame(R"({"op":"ping","req":7})");
  const std::size_t half = ping.size() / 2;
  c.send(std::string(RawConnection::kUpgradeRequest) +
         RawConnection::masked_text_frame(R"({"op":"login","api_key":"demo-zytrade","req":"in"})") +
         ping.substr(0, half));
  c.await_101();
  const std::string first = c.next_payload();
  REQUIRE_FALSE(first.empty());
  const Json login(first);
  INFO(login.text());
  CHECK(login.type() == "login_ack");
  CHECK(login.str("req") == "in");
  // The rest of the ping, later: what was received with the upgrade ends mid-frame.
  c.send(ping.substr(half));
  const std::string second = c.next_payload();
  REQUIRE_FALSE(second.empty());
  const Json pong(second);
  INFO(pong.text());
  CHECK(pong.type() == "pong");
  CHECK(pong.num("req") == 7);

  // A long request (a browser's cookies): the HTTP reader reads in larger pieces, and more comes
  // behind the request (here ~2 KB) than the WebSocket stream reads at once (1,536 bytes): all is read.
  RawConnection burst(server.port());
  std::string bytes(RawConnection::kUpgradeRequest);
  bytes.insert(bytes.size() - 2, "Cookie: session=" + std::string(3500, 'c') + "\r\n");
  constexpr int kPings = 200;
  for (int i = 0; i < kPings; ++i) bytes += RawConnection::masked_text_frame(R"({"op":"ping","req":)" + std::to_string(i) + "}");
  burst.send(bytes);
  burst.await_101();
  for (int i = 0; i < kPings; ++i) {
    const std::string payload = burst.next_payload();
    REQUIRE_FALSE(payload.empty());
    CHECK(Json(payload).num("req") == i);
  }
}
