// End to end: the trading day ends. rexd's session clock submits END_OF_DAY when the exchange's
// clock passes the session end (DAY orders expire, GTC orders stay), catches up at start-up when
// rexd was down over a session end, and an operator can end the day over WebSocket.
#include <atomic>
#include <functional>
#include <thread>

#include "e2e_support.hpp"

using namespace rex;
using namespace rex::testing;

namespace {

constexpr std::uint64_t kSecond = 1'000'000'000;
constexpr std::uint32_t kThreePm = 15 * 3600;

gateway::SessionClockConfig session_config(std::function<std::uint64_t()> now, std::uint32_t end = kThreePm) {
  gateway::SessionClockConfig c;
  c.clock_interval_ms = 0;  // only END_OF_DAY: the test counts its commands
  c.session_end = end;
  c.now = std::move(now);
  c.poll_ms = 10;
  return c;
}

}  // namespace

TEST_CASE("session end: DAY orders expire with reason end_of_day, GTC orders stay", "[gateway][e2e]") {
  TempDir dir;
  // The exchange's clock, one second before the next 15:00 UTC+8.
  const std::uint64_t before_end = gateway::last_session_end(gateway::wall_ns(), kThreePm) + 86'399 * kSecond;
  std::atomic<std::uint64_t> now{before_end};
  TestServer server(dir.path(), test_config(), false, session_config([&] { return now.load(); }));
  CHECK_FALSE(server.caught_up());  // an empty journal: nothing to catch up
  WsClient c(server.port());
  c.login("demo-zytrade");
  const std::string day = expect_ack(c, order_json("day-1", "buy", "76000", "1000", R"(,"tif":"day")")).str("order_id");
  const std::string gtc = expect_ack(c, order_json("gtc-1", "buy", "75900", "1000")).str("order_id");
  CHECK(server.session_clock().end_of_day_submitted() == 0);

  now = before_end + 2 * kSecond;  // 15:00:01
  auto expired = c.until_type("expired");
  REQUIRE(expired);
  CHECK(expired->str("order_id") == day);
  CHECK(expired->str("cl_ord_id") == "day-1");
  CHECK(expired->str("reason") == "end_of_day");
  CHECK(server.session_clock().end_of_day_submitted() == 1);
  CHECK(c.request(R"({"op":"order_status","orig_cl_ord_id":"gtc-1"})", {"order_status"}).str("status") == "open");
  CHECK(c.request(R"({"op":"order_status","order_id":")" + day + "\"}", {"order_status"}).str("status") == "expired");

  // once a day: a later DAY order lives until tomorrow's session end
  expect_ack(c, order_json("day-2", "buy", "75800", "1000", R"(,"tif":"day")"));
  now = before_end + 3600 * kSecond;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(server.session_clock().end_of_day_submitted() == 1);
  CHECK(c.request(R"({"op":"order_status","orig_cl_ord_id":"day-2"})", {"order_status"}).str("status") == "open");
  now = before_end + 86'401 * kSecond;
  expired = c.until_type("expired");
  REQUIRE(expired);
  CHECK(expired->str("cl_ord_id") == "day-2");
  CHECK(server.session_clock().end_of_day_submitted() == 2);
  CHECK(c.request(R"({"op":"order_status","order_id":")" + gtc + "\"}", {"order_status"}).str("status") == "open");
}

TEST_CASE("session end at start-up: rexd down over it expires yesterday's DAY orders first", "[gateway][e2e]") {
  TempDir dir;
  std::string day;
  {
    TestServer server(dir.path(), test_config(), true);
    WsClient c(server.port());
    c.login("demo-zytrade");
    day = expect_ack(c, order_json("day-1", "buy", "76000", "1000", R"(,"tif":"day")")).str("order_id");
    expect_ack(c, order_json("gtc-1", "buy", "75900", "1000"));
    server.stop();  // before the client goes (cancel on disconnect)
  }
  SECTION("no session end since the last command: DAY orders stay") {
    // a session end 12 hours from now (exchange time), so none passed in between
    const std::uint32_t local = static_cast<std::uint32_t>((gateway::wall_ns() / kSecond + 8 * 3600) % 86'400);
    TestServer server(dir.path(), test_config(), true, session_config(gateway::wall_ns, (local + 43'200) % 86'400));
    CHECK_FALSE(server.caught_up());
    WsClient c(server.port());
    c.login("demo-zytrade");
    CHECK(c.request(R"({"op":"order_status","orig_cl_ord_id":"day-1"})", {"order_status"}).str("status") == "open");
  }
  SECTION("a day later: END_OF_DAY before any client is served") {
    TestServer server(dir.path(), test_config(), true,
                      session_config([] { return gateway::wall_ns() + 86'400 * kSecond; }));
    CHECK(server.caught_up());
    CHECK(server.session_clock().end_of_day_submitted() == 1);
    WsClient c(server.port());
    c.login("demo-zytrade");
    Json st = c.request(R"({"op":"order_status","order_id":")" + day + "\"}", {"order_status", "reject"});
    CHECK(st.str("status") == "expired");
    CHECK(c.request(R"({"op":"order_status","orig_cl_ord_id":"gtc-1"})", {"order_status"}).str("status") == "open");
    // both ids stay reserved: the open order's, and the expired one's (it finished in this run)
    expect_reject(c, order_json("day-1", "buy", "75000", "1000", R"(,"tif":"day")"), 117);
    expect_reject(c, order_json("gtc-1", "buy", "75000", "1000"), 117);
  }
}

TEST_CASE("operator: end_of_day over WebSocket", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient trader(server.port());
  WsClient ops(server.port());
  trader.login("demo-zytrade");
  ops.login("demo-rexops");
  expect_ack(trader, order_json("day-1", "buy", "76000", "1000", R"(,"tif":"day")"));
  expect_ack(trader, order_json("gtc-1", "buy", "75900", "1000"));
  expect_reject(trader, R"({"op":"end_of_day"})", 111);  // traders cannot
  Json ack = ops.request(R"({"op":"end_of_day","req":"e1"})", {"operator_ack", "reject"});
  CHECK(ack.type() == "operator_ack");
  CHECK(ack.str("op") == "end_of_day");
  CHECK(ack.num("expired") == 1);
  auto expired = trader.until_type("expired");
  REQUIRE(expired);
  CHECK(expired->str("cl_ord_id") == "day-1");
  CHECK(expired->str("reason") == "end_of_day");
  CHECK(trader.request(R"({"op":"order_status","orig_cl_ord_id":"gtc-1"})", {"order_status"}).str("status") == "open");
}
