// End to end: every subscription (instruments, top of book, depth with sequence numbers, trades),
// overlapping subscriptions of one session (each message once), and the HTTP endpoints.
#include <algorithm>
#include <string>
#include <vector>

#include "e2e_support.hpp"

using namespace rex::testing;

TEST_CASE("subscriptions: instruments, top, depth snapshot and updates, trades", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient md(server.port());
  WsClient c(server.port());
  WsClient other(server.port());
  md.login("demo-rexaudit");  // market data needs a login, not a trading role
  c.login("demo-zytrade");
  other.login("demo-dzmetal");

  Json sub = md.request(R"({"op":"subscribe","channel":"instruments","req":1})", {"subscribed", "reject"});
  CHECK(sub.str("channel") == "instruments");
  auto list = md.until_type("instruments");
  REQUIRE(list);
  simdjson::dom::array instruments;
  REQUIRE_FALSE(list->root()["instruments"].get_array().get(instruments));
  CHECK(instruments.size() == test_catalogue().instruments().size());
  std::string_view code;
  REQUIRE_FALSE(instruments.at(0)["code"].get_string().get(code));
  CHECK(code == test_catalogue().instruments()[0].code);

  expect_ack(c, order_json("b1", "buy", "76000", "2000"));
  md.request(R"({"op":"subscribe","channel":"depth","instrument":"CU-BARLEY-XUCHANG"})", {"subscribed"});
  auto snap = md.until_type("depth_snapshot");
  REQUIRE(snap);
  const std::int64_t seq = snap->num("book_seq");
  simdjson::dom::array bids;
  REQUIRE_FALSE(snap->root()["bids"].get_array().get(bids));
  REQUIRE(bids.size() == 1);
  md.request(R"({"op":"subscribe","channel":"top","instrument":"CU-BARLEY-XUCHANG"})", {"subscribed"});
  auto top = md.until_type("top");
  REQUIRE(top);
  std::string_view bid_price;
  REQUIRE_FALSE(top->root()["bid"]["price"].get_string().get(bid_price));
  CHECK(bid_price == "76000.00");
  CHECK(top->root()["ask"].is_null());
  md.request(R"({"op":"subscribe","channel":"trades","instrument":"CU-BARLEY-XUCHANG"})", {"subscribed"});
  REQUIRE(md.until_type("trades_snapshot"));

  expect_ack(c, order_json("b2", "buy", "76010", "1000"));
  auto upd = md.until_type("depth_update");
  REQUIRE(upd);
  CHECK(upd->num("book_seq") == seq + 1);
  auto top2 = md.until_type("top");
  REQUIRE(top2);
  REQUIRE_FALSE(top2->root()["bid"]["price"].get_string().get(bid_price));
  CHECK(bid_price == "76010.00");

  expect_ack(other, order_json("s1", "sell", "76010", "1000"));
  auto trade = md.until_type("trade");
  REQUIRE(trade);
  CHECK(trade->str("price") == "76010.00");
  CHECK(trade->str("qty") == "1000");
  CHECK(trade->str("aggressor") == "sell");
  auto upd2 = md.until_type("depth_update");
  REQUIRE(upd2);
  CHECK(upd2->num("book_seq") == seq + 2);
  simdjson::dom::array changes;
  REQUIRE_FALSE(upd2->root()["changes"].get_array().get(changes));
  REQUIRE(changes.size() == 1);
  std::string_view qty;
  REQUIRE_FALSE(changes.at(0)["qty"].get_string().get(qty));
  CHECK(qty == "0");  // the level is gone

  // resubscribing is how a client recovers from a gap: a fresh snapshot with the current sequence
  md.request(R"({"op":"subscribe","channel":"depth","instrument":"CU-BARLEY-XUCHANG"})", {"subscribed"});
  auto snap2 = md.until_type("depth_snapshot");
  REQUIRE(snap2);
  CHECK(snap2->num("book_seq") == seq + 2);

  md.request(R"({"op":"unsubscribe","channel":"depth","instrument":"CU-BARLEY-XUCHANG"})", {"unsubscribed"});
  md.request(R"({"op":"unsubscribe","channel":"top","instrument":"CU-BARLEY-XUCHANG"})", {"unsubscribed"});
  md.drain(std::chrono::milliseconds(100));
  expect_ack(c, order_json("b3", "buy", "75000", "1000"));
  for (const auto& m : md.drain(std::chrono::milliseconds(300))) {
    CHECK(m.type() != "depth_update");
    CHECK(m.type() != "top");
  }
  expect_reject(md, R"({"op":"subscribe","channel":"depth"})", 103);
  expect_reject(md, R"({"op":"subscribe","channel":"news"})", 105);
  expect_reject(md, R"({"op":"subscribe","channel":"top","instrument":"XX-NOPE"})", 1);
}

TEST_CASE("HTTP: health, metrics, instruments, books, trades", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  WsClient other(server.port());
  c.login("demo-zytrade");
  other.login("demo-dzmetal");
  expect_ack(c, order_json("b1", "buy", "76000", "2000"));
  expect_ack(other, order_json("s1", "sell", "76000", "1000"));
  REQUIRE(other.until_type("fill"));
  expect_reject(c, order_json("b1", "buy", "76000", "2000"), 117);

  auto [hs, health] = http_get(server.port(), "/health");
  CHECK(hs == 200);
  CHECK(Json(health).str("status") == "ok");
  auto [ms, metrics] = http_get(server.port(), "/metrics");
  CHECK(ms == 200);
  for (const std::string_view expected : {
           "rex_rejects_total{code=\"117\",name=\"DUPLICATE_CL_ORD_ID\"} 1\n",
           "rex_gateway_messages_total{op=\"new_order\"} 3\n",
           "rex_gateway_trades_total 1\n",
           "rex_journal_group_commits_total",
           "rex_gateway_submit_to_result_seconds_bucket{le=\"+Inf\"} 2\n",
           "rex_exchange_inbound_queue_depth",
           // Matching latency: the two orders that reached the engine, in buckets from 50 ns up.
           "# TYPE rex_matching_seconds histogram\n",
           "rex_matching_seconds_bucket{le=\"0.000000050\"} ",
           "rex_matching_seconds_bucket{le=\"+Inf\"} 2\n",
           "rex_matching_seconds_count 2\n",
           "# TYPE rex_journal_group_durable_seconds histogram\n",
           "# TYPE rex_gateway_result_handover_seconds histogram\n",
       }) {
    INFO(expected);
    CHECK(metrics.find(expected) != std::string::npos);
  }
  // The journal's LMDB tables catch up with the write-ahead log (applied every 20 ms).
  const std::string applied = "rex_journal_lmdb_seq " + std::to_string(Json(health).num("published_seq")) + "\n";
  bool caught_up = false;
  for (int i = 0; i < 200 && !caught_up; ++i) {
    caught_up = http_get(server.port(), "/metrics").second.find(applied) != std::string::npos;
    if (!caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(applied);
  CHECK(caught_up);
  auto [is, instruments] = http_get(server.port(), "/api/v1/instruments");
  CHECK(is == 200);
  CHECK(instruments.find("\"CU-BARLEY-XUCHANG\"") != std::string::npos);
  auto [bs, book] = http_get(server.port(), "/api/v1/books/CU-BARLEY-XUCHANG");
  CHECK(bs == 200);
  Json b(book);
  simdjson::dom::array bids;
  REQUIRE_FALSE(b.root()["bids"].get_array().get(bids));
  REQUIRE(bids.size() == 1);
  std::string_view qty;
  REQUIRE_FALSE(bids.at(0)["qty"].get_string().get(qty));
  CHECK(qty == "1000");
  auto [ts, trades] = http_get(server.port(), "/api/v1/trades/CU-BARLEY-XUCHANG");
  CHECK(ts == 200);
  CHECK(trades.find("\"price\":\"76000.00\"") != std::string::npos);
  CHECK(http_get(server.port(), "/api/v1/books/NOPE").first == 404);
  CHECK(http_get(server.port(), "/nothing").first == 404);
}

namespace {

// Everything the client has received so far: the server answers a ping after every message it
// queued for the session before it, in order.
std::vector<Json> received_so_far(WsClient& c) {
  c.send(R"({"op":"ping"})");
  REQUIRE(c.until_type("pong"));
  return c.drain(std::chrono::milliseconds(0));
}

std::size_t count_of(const std::vector<Json>& messages, std::string_view type, std::string_view instrument = {}) {
  return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(), [&](const Json& m) {
    return m.type() == type && (instrument.empty() || m.str("instrument") == instrument);
  }));
}

void subscribe(WsClient& c, std::string_view channel, std::string_view instrument = {}) {
  std::string m = R"({"op":"subscribe","channel":")" + std::string(channel) + "\"";
  if (!instrument.empty()) m += R"(,"instrument":")" + std::string(instrument) + "\"";
  m += "}";
  CHECK(c.request(m, {"subscribed", "reject"}).type() == "subscribed");
}

void unsubscribe(WsClient& c, std::string_view channel, std::string_view instrument = {}) {
  std::string m = R"({"op":"unsubscribe","channel":")" + std::string(channel) + "\"";
  if (!instrument.empty()) m += R"(,"instrument":")" + std::string(instrument) + "\"";
  m += "}";
  CHECK(c.request(m, {"unsubscribed", "reject"}).type() == "unsubscribed");
}

constexpr std::string_view kIron = "FE-HMS8020-ANYANG";  // tick 1.00, lots 10,000 kg

}  // namespace

TEST_CASE("overlapping subscriptions: one trading_status per session and change", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient ops(server.port());
  WsClient everything(server.port());  // instruments, top and depth
  WsClient book(server.port());        // top and depth
  WsClient list(server.port());        // instruments only
  ops.login("demo-rexops");
  for (WsClient* c : {&everything, &book, &list}) c->login("demo-rexaudit");
  subscribe(everything, "instruments");
  subscribe(everything, "top", kCopper);
  subscribe(everything, "depth", kCopper);
  subscribe(book, "depth", kCopper);
  subscribe(book, "top", kCopper);
  subscribe(list, "instruments");
  for (WsClient* c : {&everything, &book, &list}) received_so_far(*c);

  for (const std::string_view op : {"halt", "resume"}) {
    INFO(op);
    Json ack = ops.request(R"({"op":")" + std::string(op) + R"(","instrument":"CU-BARLEY-XUCHANG"})", {"operator_ack"});
    CHECK(ack.num("instruments_changed") == 1);
    for (WsClient* c : {&everything, &book, &list}) {
      const auto got = received_so_far(*c);
      CHECK(count_of(got, "trading_status") == 1);
      CHECK(count_of(got, "trading_status", kCopper) == 1);
    }
  }

  // The whole market: one per instrument to `instruments` subscribers, still one for the book.
  const std::size_t instruments = test_catalogue().instruments().size();
  Json ack = ops.request(R"({"op":"halt"})", {"operator_ack"});
  CHECK(static_cast<std::size_t>(ack.num("instruments_changed")) == instruments);
  const auto got = received_so_far(everything);
  CHECK(count_of(got, "trading_status") == instruments);
  CHECK(count_of(got, "trading_status", kCopper) == 1);
  CHECK(count_of(received_so_far(list), "trading_status") == instruments);
  CHECK(count_of(received_so_far(book), "trading_status") == 1);
}

TEST_CASE("overlapping trades subscriptions: one trade message per session and trade", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  WsClient other(server.port());
  c.login("demo-zytrade");
  other.login("demo-dzmetal");
  WsClient all_then_one(server.port());
  WsClient one_then_all(server.port());
  WsClient twice(server.port());        // each subscription twice
  WsClient one_left(server.port());     // both, then all unsubscribed
  WsClient all_left(server.port());     // both, then the instrument unsubscribed
  const std::vector<WsClient*> md{&all_then_one, &one_then_all, &twice, &one_left, &all_left};
  for (WsClient* m : md) m->login("demo-rexaudit");
  subscribe(all_then_one, "trades");
  subscribe(all_then_one, "trades", kCopper);
  subscribe(one_then_all, "trades", kCopper);
  subscribe(one_then_all, "trades");
  for (int i = 0; i < 2; ++i) {
    subscribe(twice, "trades");
    subscribe(twice, "trades", kCopper);
  }
  subscribe(one_left, "trades", kCopper);
  subscribe(one_left, "trades");
  unsubscribe(one_left, "trades");
  subscribe(all_left, "trades");
  subscribe(all_left, "trades", kCopper);
  unsubscribe(all_left, "trades", kCopper);
  for (WsClient* m : md) received_so_far(*m);

  expect_ack(c, order_json("b1", "buy", "76000", "1000"));
  expect_ack(other, order_json("s1", "sell", "76000", "1000"));
  expect_ack(c, order_json("b2", "buy", "2700", "10000", "", kIron));
  expect_ack(other, order_json("s2", "sell", "2700", "10000", "", kIron));
  for (WsClient* m : md) {
    const auto got = received_so_far(*m);
    CHECK(count_of(got, "trade", kCopper) == 1);
    CHECK(count_of(got, "trade", kIron) == (m == &one_left ? 0U : 1U));
  }

  // Dropping the all-instruments subscription keeps the instrument's.
  unsubscribe(all_then_one, "trades");
  received_so_far(all_then_one);
  expect_ack(c, order_json("b3", "buy", "76000", "1000"));
  expect_ack(other, order_json("s3", "sell", "76000", "1000"));
  CHECK(count_of(received_so_far(all_then_one), "trade", kCopper) == 1);
}

TEST_CASE("trades for all instruments: a snapshot of the most recent trades of any instrument", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.core.recent_trades = 3;
  TestServer server(dir.path(), config);
  WsClient c(server.port());
  WsClient other(server.port());
  WsClient md(server.port());
  c.login("demo-zytrade");
  other.login("demo-dzmetal");
  md.login("demo-rexaudit");

  Json sub = md.request(R"({"op":"subscribe","channel":"trades","req":"t"})", {"subscribed", "reject"});
  CHECK(sub.str("req") == "t");
  CHECK_FALSE(sub.has("instrument"));
  auto empty = md.until_type("trades_snapshot");
  REQUIRE(empty);
  CHECK_FALSE(empty->has("instrument"));
  simdjson::dom::array trades;
  REQUIRE_FALSE(empty->root()["trades"].get_array().get(trades));
  CHECK(trades.size() == 0);

  // Four trades, alternating instruments; the snapshot keeps the last three, oldest first.
  expect_ack(c, order_json("b1", "buy", "76000", "1000"));
  expect_ack(other, order_json("s1", "sell", "76000", "1000"));
  expect_ack(c, order_json("b2", "buy", "2700", "10000", "", kIron));
  expect_ack(other, order_json("s2", "sell", "2700", "10000", "", kIron));
  expect_ack(c, order_json("b3", "buy", "76010", "1000"));
  expect_ack(other, order_json("s3", "sell", "76010", "1000"));
  expect_ack(c, order_json("b4", "buy", "2701", "10000", "", kIron));
  expect_ack(other, order_json("s4", "sell", "2701", "10000", "", kIron));
  std::vector<Json> live;
  for (auto& m : received_so_far(md)) {
    if (m.type() == "trade") live.push_back(std::move(m));
  }
  REQUIRE(live.size() == 4);

  WsClient late(server.port());
  late.login("demo-rexaudit");
  late.request(R"({"op":"subscribe","channel":"trades"})", {"subscribed"});
  auto snap = late.until_type("trades_snapshot");
  REQUIRE(snap);
  INFO(snap->text());
  CHECK_FALSE(snap->has("instrument"));
  REQUIRE_FALSE(snap->root()["trades"].get_array().get(trades));
  REQUIRE(trades.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& expected = live[i + 1];
    std::string_view instrument, trade_id, price;
    REQUIRE_FALSE(trades.at(i)["instrument"].get_string().get(instrument));
    REQUIRE_FALSE(trades.at(i)["trade_id"].get_string().get(trade_id));
    REQUIRE_FALSE(trades.at(i)["price"].get_string().get(price));
    CHECK(instrument == expected.str("instrument"));
    CHECK(trade_id == expected.str("trade_id"));
    CHECK(price == expected.str("price"));
  }
  // HTTP serves the same list.
  auto [status, body] = http_get(server.port(), "/api/v1/trades");
  CHECK(status == 200);
  const std::string snapshot = snap->text();
  CHECK(body.substr(0, body.size() - 1) == snapshot.substr(0, 1) + snapshot.substr(snapshot.find("\"trades\"")));

  // One instrument's snapshot is unchanged: that instrument's trades only, named at the top.
  late.request(R"({"op":"subscribe","channel":"trades","instrument":"CU-BARLEY-XUCHANG"})", {"subscribed"});
  auto copper = late.until_type("trades_snapshot");
  REQUIRE(copper);
  CHECK(copper->str("instrument") == kCopper);
  REQUIRE_FALSE(copper->root()["trades"].get_array().get(trades));
  CHECK(trades.size() == 2);
}
