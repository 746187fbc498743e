// End to end over real sockets: login, every order operation and order type, every risk check and
// client-order-id rule, engine rejects passed through, fills to both sides.
#include <thread>

#include "e2e_support.hpp"

using namespace rex::testing;

TEST_CASE("login: unknown key, messages before login, second login", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  expect_reject(c, R"({"op":"login","api_key":"nope"})", 110);
  expect_reject(c, order_json("a", "buy", "76000", "1000"), 108);
  expect_reject(c, R"({"op":"subscribe","channel":"instruments"})", 108);
  Json ack = c.request(R"({"op":"login","api_key":"demo-zytrade","req":7})", {"login_ack"});
  CHECK(ack.str("participant") == "ZYTRADE");
  CHECK(ack.num("participant_id") == 8);
  CHECK(ack.num("req") == 7);
  CHECK(ack.str("max_order_qty") == "2000000");
  expect_reject(c, R"({"op":"login","api_key":"demo-zytrade"})", 109);
  Json pong = c.request(R"({"op":"ping","req":"p1"})", {"pong"});
  CHECK(pong.str("req") == "p1");
}

TEST_CASE("new order, duplicate client order id, status, fills on both sides", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient buyer(server.port());
  WsClient seller(server.port());
  buyer.login("demo-zytrade");
  seller.login("demo-dzmetal");

  Json ack = expect_ack(buyer, order_json("b1", "buy", "76000", "2000", R"(,"req":"r1")"));
  CHECK(ack.str("req") == "r1");
  CHECK(ack.str("cl_ord_id") == "b1");
  CHECK(ack.str("price") == "76000.00");
  CHECK(ack.str("qty") == "2000");
  CHECK(ack.str("side") == "buy");
  CHECK(ack.str("tif") == "gtc");
  const std::string id = ack.str("order_id");
  CHECK(id == ack.str("seq"));

  expect_reject(buyer, order_json("b1", "buy", "75990", "1000"), 117);

  Json st = buyer.request(R"({"op":"order_status","orig_cl_ord_id":"b1"})", {"order_status", "reject"});
  CHECK(st.str("status") == "open");
  CHECK(st.str("open") == "2000");
  // another participant cannot see it
  expect_reject(seller, R"({"op":"order_status","order_id":")" + id + "\"}", 125);

  expect_reject(seller, order_json("s1", "sell", "75900.5", "1000"), 6);  // off tick: the engine decides
  expect_reject(seller, order_json("s1", "sell", "75900.555", "1000"), 105);  // three decimals: never rounded
}

TEST_CASE("a trade reports to maker and taker", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient buyer(server.port());
  WsClient seller(server.port());
  buyer.login("demo-zytrade");
  seller.login("demo-dzmetal");
  const std::string bid = expect_ack(buyer, order_json("b1", "buy", "76000", "2000")).str("order_id");
  const std::string ask = expect_ack(seller, order_json("s1", "sell", "75990", "1500")).str("order_id");
  auto taker_fill = seller.until_type("fill");
  REQUIRE(taker_fill);
  CHECK(taker_fill->str("order_id") == ask);
  CHECK(taker_fill->str("liquidity") == "taker");
  CHECK(taker_fill->str("price") == "76000.00");
  CHECK(taker_fill->str("qty") == "1500");
  CHECK(taker_fill->str("leaves") == "0");
  auto maker_fill = buyer.until_type("fill");
  REQUIRE(maker_fill);
  CHECK(maker_fill->str("order_id") == bid);
  CHECK(maker_fill->str("cl_ord_id") == "b1");
  CHECK(maker_fill->str("liquidity") == "maker");
  CHECK(maker_fill->str("leaves") == "500");
  CHECK(maker_fill->str("trade_id") == taker_fill->str("trade_id"));
  Json st = buyer.request(R"({"op":"order_status","order_id":")" + bid + "\"}", {"order_status"});
  CHECK(st.str("filled") == "1500");
  CHECK(st.str("open") == "500");
  Json st2 = seller.request(R"({"op":"order_status","orig_cl_ord_id":"s1"})", {"order_status"});
  CHECK(st2.str("status") == "filled");
}

TEST_CASE("cancel, amend and mass cancel", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  c.login("demo-zytrade");
  const std::string a = expect_ack(c, order_json("a", "buy", "76000", "3000")).str("order_id");
  expect_ack(c, order_json("b", "buy", "75990", "1000"));
  expect_ack(c, order_json("c", "sell", "76500", "1000"));
  expect_ack(c, order_json("d", "sell", "2700", "10000", "", "FE-HMS8020-ANYANG"));

  Json cut = c.request(R"({"op":"amend","order_id":")" + a + R"(","qty":"2000","req":"m1"})", {"amended", "reject"});
  CHECK(cut.type() == "amended");
  CHECK(cut.str("req") == "m1");
  CHECK(cut.boolean("priority_kept"));
  CHECK(cut.str("open") == "2000");
  Json move = c.request(R"({"op":"amend","orig_cl_ord_id":"a","price":"76010"})", {"amended", "reject"});
  CHECK(move.str("price") == "76010.00");
  CHECK_FALSE(move.boolean("priority_kept"));
  Json nochange = expect_reject(c, R"({"op":"amend","order_id":")" + a + R"(","price":"76010"})", 22);
  CHECK(nochange.str("order_id") == a);

  Json cancelled = c.request(R"({"op":"cancel","orig_cl_ord_id":"b","req":9})", {"cancelled", "reject"});
  CHECK(cancelled.type() == "cancelled");
  CHECK(cancelled.num("req") == 9);
  CHECK(cancelled.str("reason") == "requested");
  CHECK(cancelled.str("qty") == "1000");
  CHECK(cancelled.str("leaves") == "0");
  expect_reject(c, R"({"op":"cancel","orig_cl_ord_id":"b"})", 20);  // finished: the engine says unknown order
  expect_reject(c, R"({"op":"cancel","orig_cl_ord_id":"zz"})", 118);
  expect_reject(c, R"({"op":"cancel","order_id":"999999"})", 20);

  Json one = c.request(R"({"op":"mass_cancel","instrument":"FE-HMS8020-ANYANG"})", {"mass_cancel_ack", "reject"});
  CHECK(one.num("cancelled") == 1);
  Json all = c.request(R"({"op":"mass_cancel"})", {"mass_cancel_ack", "reject"});
  CHECK(all.num("cancelled") == 2);
  Json st = c.request(R"({"op":"order_status","orig_cl_ord_id":"a"})", {"order_status"});
  CHECK(st.str("status") == "cancelled");
  // A cancelled order's client id stays taken while the order is remembered.
  expect_reject(c, order_json("a", "buy", "76000", "1000"), 117);
}

TEST_CASE("every order type and instruction reaches the engine", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  WsClient other(server.port());
  c.login("demo-zytrade");
  other.login("demo-dzmetal");
  expect_ack(other, order_json("o1", "sell", "76000", "5000"));

  // market IOC takes what is there
  Json m = expect_ack(c, order_json("m1", "buy", "", "1000", R"(,"type":"market")"));
  CHECK(m.str("order_type") == "market");
  CHECK(m.str("tif") == "ioc");
  CHECK_FALSE(m.has("price"));
  REQUIRE(c.until_type("fill"));
  // FOK that cannot fill is cancelled
  expect_ack(c, order_json("f1", "buy", "76000", "9000", R"(,"tif":"fok")"));
  auto fok = c.until_type("cancelled");
  REQUIRE(fok);
  CHECK(fok->str("reason") == "fill_or_kill");
  // post-only that would cross is rejected by the engine
  expect_reject(c, order_json("p1", "buy", "76000", "1000", R"(,"post_only":true)"), 11);
  expect_ack(c, order_json("p2", "buy", "75000", "1000", R"(,"post_only":true,"tif":"day")"));
  // iceberg, minimum quantity, all-or-none, self-trade prevention
  expect_ack(c, order_json("i1", "buy", "75000", "5000", R"(,"display_qty":"1000")"));
  expect_reject(c, order_json("i2", "buy", "75000", "5000", R"(,"display_qty":"1000","all_or_none":true)"), 13);
  expect_ack(c, order_json("q1", "buy", "76000", "3000", R"(,"min_qty":"2000","tif":"ioc")"));
  expect_ack(c, order_json("aon", "sell", "77000", "3000", R"(,"all_or_none":true)"));
  expect_ack(c, order_json("own", "sell", "75990", "1000"));
  expect_ack(c, order_json("stp", "buy", "75990", "1000", R"(,"stp":"cancel_incoming","tif":"ioc")"));
  auto stp = c.until([](const Json& j) { return j.type() == "cancelled" && j.str("cl_ord_id") == "stp"; });
  REQUIRE(stp);
  CHECK(stp->str("reason") == "self_trade_prevention");
  // GTD: expires once a later command is stamped after its expiry
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string expiry = std::to_string(now + 300'000'000);
  expect_ack(c, order_json("g1", "buy", "74000", "1000", R"(,"tif":"gtd","expire_ns":")" + expiry + "\""));
  expect_reject(c, order_json("g2", "buy", "74000", "1000", R"(,"tif":"gtd")"), 17);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  expect_ack(c, order_json("later", "buy", "74000", "1000"));
  auto expired = c.until_type("expired");
  REQUIRE(expired);
  CHECK(expired->str("cl_ord_id") == "g1");
  CHECK(expired->str("reason") == "good_till_date");
  // engine checks come back with the engine's codes
  expect_reject(c, order_json("t1", "buy", "76005", "1000"), 6);
  expect_reject(c, order_json("t2", "buy", "76000", "1200"), 5);
  expect_reject(c, order_json("t3", "buy", "76000", "500"), 4);
  expect_reject(c, order_json("t4", "buy", "", "1000", R"(,"type":"market","tif":"gtc")"), 8);
}

TEST_CASE("risk checks: permissions, limits, band and collar", "[gateway][e2e]") {
  TempDir dir;
  auto config = test_config();
  config.core.price_collar_bp = 500;  // 5 %
  TestServer server(dir.path(), config);
  WsClient recycler(server.port());
  WsClient trader(server.port());
  WsClient mill(server.port());
  WsClient auditor(server.port());
  recycler.login("demo-zzgreen");   // sells FE, AL, WP
  trader.login("demo-dzmetal");     // CU both sides, max 200 t per order, 20,000,000 CNY open buys
  mill.login("demo-xcrod");         // CU buys only
  auditor.login("demo-rexaudit");
  expect_reject(recycler, order_json("x", "buy", "76000", "1000"), 112);
  expect_reject(recycler, order_json("x", "buy", "2700", "10000", "", "FE-HMS8020-ANYANG"), 113);
  expect_reject(mill, order_json("x", "sell", "76000", "1000"), 113);
  expect_reject(auditor, order_json("x", "buy", "76000", "1000"), 111);
  expect_reject(trader, order_json("x", "buy", "76000", "200500"), 114);
  // 150 t at 76,000 = 11.4 M CNY; a second would pass 20 M
  expect_ack(trader, order_json("v1", "buy", "76000", "150000"));
  expect_reject(trader, order_json("v2", "buy", "76000", "150000"), 115);
  // an amend that raises the value is checked too: 11.4 M + 7.6 M fits, 15.2 M + 7.6 M does not
  expect_ack(trader, order_json("v3", "buy", "76000", "100000"));
  expect_reject(trader, R"({"op":"amend","orig_cl_ord_id":"v1","qty":"200000"})", 115);
  // sells do not count
  expect_ack(trader, order_json("s1", "sell", "80000", "150000"));
  // outside the band: refused before the engine with the engine's code
  expect_reject(trader, order_json("x", "sell", "99000", "1000"), 7);
  // collar: no trade yet, so only the band applies; after a trade at 80,000, 5 % either way
  expect_ack(mill, order_json("m1", "buy", "80000", "1000"));
  REQUIRE(mill.until_type("fill"));
  expect_reject(trader, order_json("c1", "buy", "75990", "1000"), 116);
  expect_ack(trader, order_json("c2", "buy", "76000", "1000"));
}

TEST_CASE("quality: assays, bounds, accepted grades and hubs reach the engine", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient seller(server.port());
  WsClient mill(server.port());
  WsClient md(server.port());
  seller.login("demo-dzmetal");
  mill.login("demo-xcrod");
  md.login("demo-rexaudit");
  md.request(R"({"op":"subscribe","channel":"commodity_top","commodity":"CU"})", {"subscribed"});
  auto top0 = md.until_type("commodity_top");
  REQUIRE(top0);
  CHECK(top0->root()["bid"].is_null());
  // an assay outside the grade's limit (Barley: Cu >= 99.90 %) is refused, naming the attribute
  Json out = expect_reject(seller, order_json("bad", "sell", "76000", "1000", R"(,"assay":{"CU_PCT":"99.50"})"), 32);
  CHECK(out.str("text").find("CU_PCT") != std::string::npos);
  expect_ack(seller, order_json("lot", "sell", "76000", "1000", R"(,"assay":{"CU_PCT":"99.95"})"));
  // a mill bidding on the Barley basis, for Barley or Berry at Xuchang, Cu >= 99.93 %
  expect_ack(mill, order_json("q", "buy", "76000", "1000",
                              R"(,"bounds":{"CU_PCT":{"min":"99.93"}},"accepted_grades":["BARLEY","BERRY"],"accepted_hubs":["XUCHANG"])"));
  auto fill = mill.until_type("fill");
  REQUIRE(fill);
  CHECK(fill->str("price") == "76000.00");
  CHECK(fill->str("base_price") == "76000.00");
  auto top = md.until_type("commodity_top");
  REQUIRE(top);
  CHECK(top->str("commodity") == "CU");
}

TEST_CASE("a quality bid filled on another accepted instrument: its fill names the lot's", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient mill(server.port());
  WsClient seller(server.port());
  mill.login("demo-xcrod");
  seller.login("demo-dzmetal");
  // Barley basis, Berry accepted (differential -500.00): a Berry lot at 75,400 is 75,900 on the basis.
  const std::string bid =
      expect_ack(mill, order_json("qb", "buy", "76000", "2000",
                                  R"(,"bounds":{"CU_PCT":{"min":"99.5"}},"accepted_grades":["BARLEY","BERRY"],"accepted_hubs":["XUCHANG"])"))
          .str("order_id");
  expect_ack(seller, order_json("berry", "sell", "75400", "1000", R"(,"assay":{"CU_PCT":"99.60"})", "CU-BERRY-XUCHANG"));
  auto mill_fill = mill.until_type("fill");
  REQUIRE(mill_fill);
  CHECK(mill_fill->str("order_id") == bid);
  CHECK(mill_fill->str("instrument") == "CU-BERRY-XUCHANG");
  CHECK(mill_fill->str("price") == "75500.00");
  CHECK(mill_fill->str("base_price") == "76000.00");
  auto seller_fill = seller.until_type("fill");
  REQUIRE(seller_fill);
  CHECK(seller_fill->str("instrument") == "CU-BERRY-XUCHANG");
  CHECK(seller_fill->str("trade_id") == mill_fill->str("trade_id"));
  // The order itself is still the Barley-basis bid.
  Json st = mill.request(R"({"op":"order_status","orig_cl_ord_id":"qb"})", {"order_status"});
  CHECK(st.str("instrument") == "CU-BARLEY-XUCHANG");
  CHECK(st.str("filled") == "1000");
}

TEST_CASE("self-trade prevention: a cancelled resting order is reported to its own session only", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient a(server.port());
  WsClient b(server.port());
  a.login("demo-zytrade");
  b.login("demo-zytrade");
  const std::string resting = expect_ack(b, order_json("rest", "sell", "76000", "1000")).str("order_id");
  const std::string incoming =
      expect_ack(a, order_json("in", "buy", "76000", "1000", R"(,"stp":"cancel_resting")")).str("order_id");
  auto cancelled = b.until_type("cancelled");
  REQUIRE(cancelled);
  CHECK(cancelled->str("order_id") == resting);
  CHECK(cancelled->str("reason") == "self_trade_prevention");
  for (const Json& m : a.drain()) {
    INFO(m.text());
    CHECK_FALSE((m.type() == "cancelled" && m.str("order_id") == resting));
  }
  Json st = a.request(R"({"op":"order_status","order_id":")" + incoming + "\"}", {"order_status"});
  CHECK(st.str("status") == "open");
  // cancel_both: the incoming order's cancel goes to the session that sent it, the resting one's to its own.
  const std::string resting2 = expect_ack(b, order_json("rest2", "sell", "77000", "1000")).str("order_id");
  const std::string incoming2 =
      expect_ack(a, order_json("in2", "buy", "77000", "1000", R"(,"stp":"cancel_both")")).str("order_id");
  auto own = a.until([&](const Json& j) { return j.type() == "cancelled" && j.str("order_id") == incoming2; });
  REQUIRE(own);
  auto theirs = b.until([&](const Json& j) { return j.type() == "cancelled" && j.str("order_id") == resting2; });
  REQUIRE(theirs);
  for (const Json& m : a.drain()) {
    INFO(m.text());
    CHECK_FALSE((m.type() == "cancelled" && m.str("order_id") == resting2));
  }
}

TEST_CASE("status, amend and cancel by client order id sent right behind the new order wait for it", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  c.login("demo-zytrade");
  // Nothing waits for an answer: the four go out together.
  c.send(order_json("fast", "buy", "75000", "2000"));
  c.send(R"({"op":"order_status","orig_cl_ord_id":"fast","req":"st"})");
  c.send(R"({"op":"amend","orig_cl_ord_id":"fast","qty":"1000","req":"am"})");
  c.send(R"({"op":"cancel","orig_cl_ord_id":"fast","req":"cx"})");
  // An order the engine refuses (off tick): what names it afterwards finds no order.
  c.send(order_json("bad", "buy", "75005", "1000"));
  c.send(R"({"op":"cancel","orig_cl_ord_id":"bad","req":"cx-bad"})");
  std::vector<Json> got;
  while (got.size() < 6) {
    auto m = c.next();
    REQUIRE(m);
    got.push_back(*m);
  }
  // The refused order's answers may come in between (it was sequenced before the waiting ones).
  auto at = [&](std::string_view type, std::string_view req) {
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i].type() == type && (req.empty() || got[i].str("req") == req)) return i;
    }
    FAIL("no " << type << " " << req);
    return got.size();
  };
  const std::size_t ack = at("ack", ""), status = at("order_status", "st"), amended = at("amended", "am"),
                    cancelled = at("cancelled", "cx"), refused = at("reject", ""), unknown = at("reject", "cx-bad");
  CHECK(got[ack].str("cl_ord_id") == "fast");
  CHECK(got[status].str("status") == "open");
  CHECK(got[status].str("open") == "2000");
  CHECK(got[amended].str("open") == "1000");
  CHECK(ack < status);
  CHECK(status < amended);
  CHECK(amended < cancelled);
  CHECK(got[refused].num("code") == 6);
  CHECK(got[unknown].num("code") == 118);
  CHECK(refused < unknown);
}

TEST_CASE("rejects name the client order id and the order they are about", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient c(server.port());
  c.login("demo-zytrade");
  // refused by the request parser, after the id was read
  Json missing = expect_reject(c, R"({"op":"new_order","req":"r9","cl_ord_id":"x"})", 103);
  CHECK(missing.str("cl_ord_id") == "x");
  Json typed = expect_reject(c, order_json("y", "buy", "", "1000", R"(,"price":76000)"), 104);
  CHECK(typed.str("cl_ord_id") == "y");
  // refused by the gateway's checks of an amend named by client order id: the order's id comes back
  const std::string id = expect_ack(c, order_json("am", "buy", "76000", "1000")).str("order_id");
  Json band = expect_reject(c, R"({"op":"amend","orig_cl_ord_id":"am","price":"99999"})", 7);
  CHECK(band.str("order_id") == id);
  // and by the engine
  Json engine = expect_reject(c, R"({"op":"amend","orig_cl_ord_id":"am","price":"76000"})", 22);
  CHECK(engine.str("order_id") == id);
}

// docs/websocket-api.md, amend: the quality terms an amend does not give stay as they were.
namespace {

constexpr std::string_view kMillBid =
    R"(,"bounds":{"CU_PCT":{"min":"99.9"}},"accepted_grades":["BARLEY","BERRY"])";  // hubs: Xuchang only

// The trade's price on the mill's fill, and the lot the seller hears was filled: `lot`.
void expect_filled_with(WsClient& mill, WsClient& seller, const std::string& lot, std::string_view price) {
  auto bought = mill.until_type("fill");
  REQUIRE(bought);
  CHECK(bought->str("price") == price);
  auto sold = seller.until_type("fill");
  REQUIRE(sold);
  CHECK(sold->str("order_id") == lot);
}

}  // namespace

TEST_CASE("quality: an amend of accepted grades keeps the bid's bounds and hubs", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient seller(server.port());
  WsClient mill(server.port());
  seller.login("demo-dzmetal");
  mill.login("demo-xcrod");
  expect_ack(mill, order_json("q", "buy", "76000", "1000", kMillBid));
  expect_amended(mill, R"({"op":"amend","orig_cl_ord_id":"q","accepted_grades":["BARLEY","BERRY","CANDY"]})");
  // Candy is accepted now, but not below the untouched bound, nor at another hub
  expect_ack(seller, copper_lot_json("low", "CU-CANDY-XUCHANG", "99.00"));
  expect_ack(seller, copper_lot_json("far", "CU-BARLEY-SANMENXIA", "99.95"));
  expect_open(mill, "q", "1000");
  // a Candy lot within the bound at Xuchang trades, at the bid's price in Candy's terms (-900.00)
  const std::string good = expect_ack(seller, copper_lot_json("good", "CU-CANDY-XUCHANG", "99.95")).str("order_id");
  expect_filled_with(mill, seller, good, "75100.00");
  expect_open(seller, "low", "1000");
}

TEST_CASE("quality: an amend of bounds keeps the bid's accepted grades", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient seller(server.port());
  WsClient mill(server.port());
  seller.login("demo-dzmetal");
  mill.login("demo-xcrod");
  expect_ack(mill, order_json("q", "buy", "76000", "1000", kMillBid));
  expect_amended(mill, R"({"op":"amend","orig_cl_ord_id":"q","bounds":{"CU_PCT":{"min":"99.95"}}})");
  // below the new bound, or of a grade never accepted: no trade
  expect_ack(seller, copper_lot_json("low", "CU-BARLEY-XUCHANG", "99.93"));
  expect_ack(seller, copper_lot_json("candy", "CU-CANDY-XUCHANG", "99.99"));
  expect_open(mill, "q", "1000");
  // Berry, still accepted, within the new bound: a trade at the bid's price in Berry's terms (-500.00)
  const std::string good = expect_ack(seller, copper_lot_json("berry", "CU-BERRY-XUCHANG", "99.97")).str("order_id");
  expect_filled_with(mill, seller, good, "75500.00");
}

TEST_CASE("quality: an amend of accepted hubs keeps the bid's bounds and grades", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient seller(server.port());
  WsClient mill(server.port());
  seller.login("demo-dzmetal");
  mill.login("demo-xcrod");
  // bounds above Barley's own limit (Cu >= 99.90 %), so that a Barley lot can fail them
  expect_ack(mill, order_json("q", "buy", "76000", "2000",
                              R"(,"bounds":{"CU_PCT":{"min":"99.95"}},"accepted_grades":["BARLEY","BERRY"])"));
  expect_amended(mill, R"({"op":"amend","orig_cl_ord_id":"q","accepted_hubs":["XUCHANG","SANMENXIA"]})");
  expect_ack(seller, copper_lot_json("low", "CU-BARLEY-SANMENXIA", "99.92"));
  expect_open(mill, "q", "2000");
  // Berry, accepted before the amend, at Xuchang; then Barley at the hub just added (-150.00)
  const std::string berry = expect_ack(seller, copper_lot_json("berry", "CU-BERRY-XUCHANG", "99.97")).str("order_id");
  expect_filled_with(mill, seller, berry, "75500.00");
  const std::string far = expect_ack(seller, copper_lot_json("far", "CU-BARLEY-SANMENXIA", "99.97")).str("order_id");
  expect_filled_with(mill, seller, far, "75850.00");
}

TEST_CASE("quality: an amend that would leave a plain order is refused, saying so", "[gateway][e2e]") {
  TempDir dir;
  TestServer server(dir.path());
  WsClient mill(server.port());
  mill.login("demo-xcrod");
  // with its bounds kept, a bid accepting only its own grade is still a quality bid
  expect_ack(mill, order_json("q", "buy", "76000", "1000", kMillBid));
  expect_amended(mill, R"({"op":"amend","orig_cl_ord_id":"q","accepted_grades":["BARLEY"]})");
  // and dropping its bounds (its grade kept) would leave a plain order
  Json unbounded = expect_reject(mill, R"({"op":"amend","orig_cl_ord_id":"q","bounds":{}})", 34);
  CHECK(unbounded.str("text").find("accept only the order's own instrument") != std::string::npos);
  // without bounds, it would be a plain order: refused, and the text says why
  expect_ack(mill, order_json("g", "buy", "76000", "1000", R"(,"accepted_grades":["BARLEY","BERRY"])"));
  Json refused = expect_reject(mill, R"({"op":"amend","orig_cl_ord_id":"g","accepted_grades":["BARLEY"]})", 34);
  CHECK(refused.str("text").find("plain order") != std::string::npos);
  CHECK(refused.str("text").find("placed without") == std::string::npos);
}
