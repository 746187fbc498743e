// The gateway with several network threads (`io_threads`): sessions on strands, the core on its
// own strand, messages built on one thread and dropped on another. Four clients send crossing
// orders at once, each from its own thread without waiting for answers; every order is
// acknowledged once to the session that sent it, and every trade is reported once to each side.
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e_support.hpp"

namespace rex::testing {
namespace {

struct Fill {
  std::string order_id;
  std::string price;
  std::int64_t qty = 0;
};

struct ClientRun {
  std::string name;
  std::string key;
  bool buy = false;
  std::map<std::string, std::string> acked;  // cl_ord_id -> order_id
  std::vector<std::string> problems;          // rejects, duplicates, messages that do not belong
  std::map<std::string, Fill> fills;          // by trade id
};

constexpr int kOrdersPerClient = 200;

// `done` counts the clients that have all their acks: an order's fills go out with the ack of the
// order that traded with it, so once every client has its acks every fill is on its way.
void run_client(std::uint16_t port, ClientRun& run, std::atomic<int>& done, int clients) {
  WsClient c(port);
  c.login(run.key);
  for (int i = 0; i < kOrdersPerClient; ++i) {
    // Crossing prices, one lot each: most orders trade with the other participant's.
    const std::string price = run.buy ? (i % 2 ? "76010" : "76000") : (i % 2 ? "75990" : "76000");
    c.send(order_json(run.name + "-" + std::to_string(i), run.buy ? "buy" : "sell", price, "1000"));
  }
  std::set<std::string> mine;
  for (int i = 0; i < kOrdersPerClient; ++i) mine.insert(run.name + "-" + std::to_string(i));
  auto take = [&](const Json& m) {
    if (m.type() == "ack") {
      const std::string cl = m.str("cl_ord_id");
      if (!mine.count(cl) || run.acked.count(cl)) run.problems.push_back("unexpected ack " + m.text());
      run.acked[cl] = m.str("order_id");
    } else if (m.type() == "fill") {
      Fill& f = run.fills[m.str("trade_id")];
      if (!f.order_id.empty()) run.problems.push_back("second fill for a trade " + m.text());
      f = Fill{m.str("order_id"), m.str("price"), std::stoll(m.str("qty"))};
    } else {
      run.problems.push_back("unexpected " + m.text());
    }
  };
  while (run.acked.size() < kOrdersPerClient) {
    auto m = c.next(std::chrono::seconds(10));
    if (!m) {
      run.problems.push_back("no answer for " + std::to_string(kOrdersPerClient - run.acked.size()) + " orders");
      done.fetch_add(1);  // the others need not wait for this one
      return;
    }
    take(*m);
  }
  // Stay open (and connected) until every client is there: fills for this client's resting orders
  // come with other clients' acks.
  done.fetch_add(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (done.load() < clients && std::chrono::steady_clock::now() < deadline) {
    if (auto m = c.next(std::chrono::milliseconds(10))) take(*m);
  }
  if (done.load() < clients) run.problems.push_back("another client never got all its acks");
  for (const Json& m : c.drain(std::chrono::milliseconds(300))) take(m);
}

TEST_CASE("several network threads: concurrent sessions get their own answers, trades reach both sides",
          "[gateway][e2e]") {
  TempDir dir;
  gateway::ServerConfig config = test_config();
  config.io_threads = 3;
  TestServer server(dir.path(), config);
  std::vector<ClientRun> runs(4);
  runs[0].name = "zy1", runs[0].key = "demo-zytrade", runs[0].buy = true;
  runs[1].name = "zy2", runs[1].key = "demo-zytrade", runs[1].buy = true;
  runs[2].name = "dz1", runs[2].key = "demo-dzmetal";
  runs[3].name = "dz2", runs[3].key = "demo-dzmetal";
  {
    std::vector<std::thread> threads;
    std::atomic<int> done{0};
    for (ClientRun& r : runs) {
      threads.emplace_back([&server, &r, &done, n = static_cast<int>(runs.size())] { run_client(server.port(), r, done, n); });
    }
    for (auto& t : threads) t.join();
  }
  std::map<std::string, std::vector<std::pair<bool, Fill>>> by_trade;  // trade id -> (buy side?, fill)
  std::set<std::string> order_ids;
  for (const ClientRun& r : runs) {
    INFO(r.name);
    for (const std::string& p : r.problems) FAIL_CHECK(p);
    CHECK(r.acked.size() == kOrdersPerClient);
    std::set<std::string> own;
    for (const auto& [cl, id] : r.acked) {
      own.insert(id);
      CHECK(order_ids.insert(id).second);  // order ids are unique across sessions
    }
    for (const auto& [trade, f] : r.fills) {
      CHECK(own.count(f.order_id) == 1);  // a fill goes to the session that entered the order
      by_trade[trade].emplace_back(r.buy, f);
    }
  }
  CHECK(by_trade.size() > 100);  // the books crossed: hundreds of trades
  for (const auto& [trade, sides] : by_trade) {
    INFO("trade " << trade);
    REQUIRE(sides.size() == 2);
    CHECK(sides[0].first != sides[1].first);  // a buyer and a seller
    CHECK(sides[0].second.qty == sides[1].second.qty);
    CHECK(sides[0].second.price == sides[1].second.price);
  }
  CHECK(server.exchange().stats().trades == by_trade.size());
}

}  // namespace
}  // namespace rex::testing
