// End to end: the operator's actions (halt, resume, kill switch, reload), their journaling, and
// restarts of the exchange in process keeping orders and trades (the real rexd binary:
// e2e_rexd_test.cpp).

#include "e2e_support.hpp"

using namespace rex::testing;

TEST_CASE("operator: halt and resume an instrument and a commodity, kill switch, reload", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient ops(server.port());
  WsClient c(server.port());
  WsClient md(server.port());
  ops.login("demo-rexops");
  c.login("demo-zytrade");
  md.login("demo-rexaudit");
  md.request(R"({"op":"subscribe","channel":"instruments"})", {"subscribed"});
  REQUIRE(md.until_type("instruments"));

  expect_reject(c, R"({"op":"halt","instrument":"CU-BARLEY-XUCHANG"})", 111);
  Json halt = ops.request(R"({"op":"halt","instrument":"CU-BARLEY-XUCHANG","req":"h"})", {"operator_ack", "reject"});
  CHECK(halt.type() == "operator_ack");
  CHECK(halt.num("instruments_changed") == 1);
  CHECK(halt.str("req") == "h");
  auto status = md.until_type("trading_status");
  REQUIRE(status);
  CHECK(status->str("instrument") == "CU-BARLEY-XUCHANG");
  CHECK(status->boolean("halted"));
  expect_reject(c, order_json("x", "buy", "76000", "1000"), 28);
  ops.request(R"({"op":"resume","instrument":"CU-BARLEY-XUCHANG"})", {"operator_ack"});
  expect_ack(c, order_json("a", "buy", "76000", "1000"));

  Json cu = ops.request(R"({"op":"halt","commodity":"CU"})", {"operator_ack", "reject"});
  CHECK(cu.num("instruments_changed") >= 2);
  expect_reject(c, order_json("y", "buy", "76000", "1000"), 28);
  expect_ack(c, order_json("fe", "buy", "2700", "10000", "", "FE-HMS8020-ANYANG"));
  Json resume = ops.request(R"({"op":"resume","commodity":"CU"})", {"operator_ack"});
  CHECK(resume.num("instruments_changed") == cu.num("instruments_changed"));
  expect_reject(ops, R"({"op":"halt","commodity":"XX"})", 29);
  expect_reject(ops, R"({"op":"halt","commodity":"CU","instrument":"CU-BARLEY-XUCHANG"})", 30);

  Json kill = ops.request(R"({"op":"kill","participant":"ZYTRADE"})", {"operator_ack", "reject"});
  CHECK(kill.num("cancelled") == 2);
  auto gone = c.until([](const Json& j) { return j.type() == "cancelled" && j.str("reason") == "mass_cancel"; });
  REQUIRE(gone);
  expect_reject(ops, R"({"op":"kill","participant":"NOBODY"})", 124);
  expect_reject(ops, R"({"op":"reload_reference_data"})", 123);  // no catalogue file configured here
  expect_reject(c, R"({"op":"kill","participant":"ZYTRADE"})", 111);
  // operators may not trade
  expect_reject(ops, order_json("z", "buy", "76000", "1000"), 111);
}

TEST_CASE("restart with the same journal: open orders and trades are still there", "[gateway][e2e]") {
  TempDir dir;
  std::string open_id;
  {
    TestServer server(dir.path(), test_config(), true);
    WsClient c(server.port());
    WsClient other(server.port());
    c.login("demo-zytrade");
    other.login("demo-dzmetal");
    // a trade before any of the orders that stay open
    expect_ack(other, order_json("early", "sell", "75000", "1000"));
    expect_ack(c, order_json("early-buy", "buy", "75000", "1000", R"(,"tif":"ioc")"));
    REQUIRE(other.until_type("fill"));
    open_id = expect_ack(c, order_json("rest", "buy", "76000", "3000")).str("order_id");
    expect_ack(other, order_json("hit", "sell", "76000", "1000"));
    REQUIRE(other.until_type("fill"));
    // filled as a taker on entry, then amended: qty is what it filled plus what is open
    expect_ack(other, order_json("ask", "sell", "77000", "2000", "", "CU-BERRY-XUCHANG"));
    expect_ack(c, order_json("lift", "buy", "77000", "3000", "", "CU-BERRY-XUCHANG"));
    REQUIRE(c.until([](const Json& j) { return j.type() == "fill" && j.str("cl_ord_id") == "lift"; }));
    REQUIRE(c.request(R"({"op":"amend","orig_cl_ord_id":"lift","qty":"500"})", {"amended", "reject"}).str("type") == "amended");
    server.stop();
  }
  TestServer server(dir.path(), test_config(), true);
  WsClient c(server.port());
  c.login("demo-zytrade");
  Json st = c.request(R"({"op":"order_status","order_id":")" + open_id + "\"}", {"order_status", "reject"});
  CHECK(st.str("status") == "open");
  CHECK(st.str("open") == "2000");
  CHECK(st.str("filled") == "1000");
  CHECK(st.str("qty") == "3000");
  Json lift = c.request(R"({"op":"order_status","orig_cl_ord_id":"lift"})", {"order_status", "reject"});
  CHECK(lift.str("open") == "500");
  CHECK(lift.str("filled") == "2000");
  CHECK(lift.str("qty") == "2500");
  auto [bs, book] = http_get(server.port(), "/api/v1/books/CU-BARLEY-XUCHANG");
  CHECK(book.find(R"({"price":"76000.00","qty":"2000","orders":1})") != std::string::npos);
  auto [ts, trades] = http_get(server.port(), "/api/v1/trades/CU-BARLEY-XUCHANG");
  CHECK(trades.find(R"("price":"76000.00","qty":"1000")") != std::string::npos);
  // and it trades on: the recovered order is filled, its owner hears of it
  WsClient other(server.port());
  other.login("demo-dzmetal");
  expect_ack(other, order_json("hit2", "sell", "76000", "2000"));
  auto fill = c.until_type("fill");
  REQUIRE(fill);
  CHECK(fill->str("order_id") == open_id);
  CHECK(fill->str("leaves") == "0");
}

TEST_CASE("restart: client order ids of open orders stay reserved and usable", "[gateway][e2e]") {
  TempDir dir;
  std::string open_id;
  {
    TestServer server(dir.path(), test_config(), true);
    WsClient c(server.port());
    c.login("demo-zytrade");
    open_id = expect_ack(c, order_json("keep-1", "buy", "76000", "3000")).str("order_id");
    expect_ack(c, order_json("amend-me", "buy", "75900", "2000"));
    expect_ack(c, order_json("gone", "buy", "75800", "1000"));
    REQUIRE(c.request(R"({"op":"cancel","orig_cl_ord_id":"gone"})", {"cancelled", "reject"}).str("type") == "cancelled");
    server.stop();
  }
  TestServer server(dir.path(), test_config(), true);
  WsClient c(server.port());
  c.login("demo-zytrade");
  // still open: the id is a duplicate, and status, amend and cancel find the order by it
  expect_reject(c, order_json("keep-1", "buy", "75000", "1000"), 117);
  Json st = c.request(R"({"op":"order_status","orig_cl_ord_id":"keep-1"})", {"order_status", "reject"});
  CHECK(st.str("type") == "order_status");
  CHECK(st.str("order_id") == open_id);
  CHECK(st.str("cl_ord_id") == "keep-1");
  CHECK(st.str("status") == "open");
  Json amended = c.request(R"({"op":"amend","orig_cl_ord_id":"amend-me","qty":"1000"})", {"amended", "reject"});
  CHECK(amended.str("type") == "amended");
  CHECK(amended.str("cl_ord_id") == "amend-me");
  Json cancelled = c.request(R"({"op":"cancel","orig_cl_ord_id":"keep-1"})", {"cancelled", "reject"});
  CHECK(cancelled.str("type") == "cancelled");
  CHECK(cancelled.str("order_id") == open_id);
  CHECK(cancelled.str("cl_ord_id") == "keep-1");
  // another participant's ids are its own
  WsClient other(server.port());
  other.login("demo-dzmetal");
  expect_reject(other, R"({"op":"cancel","orig_cl_ord_id":"amend-me"})", 118);
  // an order finished before the restart no longer holds its id (docs/websocket-api.md)
  expect_ack(c, order_json("gone", "buy", "75800", "1000"));
}

TEST_CASE("restart: an amend of a recovered quality bid keeps the terms it does not give", "[gateway][e2e]") {
  TempDir dir;
  {
    TestServer server(dir.path(), test_config(), true);
    WsClient mill(server.port());
    mill.login("demo-xcrod");
    expect_ack(mill, order_json("q", "buy", "76000", "1000",
                                R"(,"bounds":{"CU_PCT":{"min":"99.9"}},"accepted_grades":["BARLEY","BERRY"])"));
    server.stop();
  }
  TestServer server(dir.path(), test_config(), true);
  WsClient mill(server.port());
  WsClient seller(server.port());
  mill.login("demo-xcrod");
  seller.login("demo-dzmetal");
  expect_amended(mill, R"({"op":"amend","orig_cl_ord_id":"q","accepted_grades":["BARLEY","BERRY","CANDY"]})");
  expect_ack(seller, copper_lot_json("low", "CU-CANDY-XUCHANG", "99.00"));
  expect_open(mill, "q", "1000");
  const std::string good = expect_ack(seller, copper_lot_json("good", "CU-CANDY-XUCHANG", "99.95")).str("order_id");
  auto sold = seller.until_type("fill");
  REQUIRE(sold);
  CHECK(sold->str("order_id") == good);
  auto bought = mill.until_type("fill");
  REQUIRE(bought);
  CHECK(bought->str("price") == "75100.00");
}
