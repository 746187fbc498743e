// End to end: reload_reference_data over a real WebSocket, on the real exchange and journal.
#include <fstream>
#include <functional>
#include <sstream>

#include "e2e_support.hpp"
#include "reference-data/sha256.hpp"

using namespace rex::testing;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

constexpr std::string_view kReload = R"({"op":"reload_reference_data","req":"r"})";

// rexd on a copy of the bundled catalogue that a test may rewrite before it reloads; `adjust`
// changes the rest of the configuration (files.path() is the test's to use).
struct ReloadableServer {
  using Adjust = std::function<void(rex::gateway::ServerConfig&, const std::filesystem::path& files)>;

  explicit ReloadableServer(const Adjust& adjust = {}) : server(data.path(), config_for(adjust)) {}

  rex::gateway::ServerConfig config_for(const Adjust& adjust) {
    write_file(catalogue_file, original);
    auto config = test_config();
    config.core.catalogue_file = catalogue_file;
    if (adjust) adjust(config, files.path());
    return config;
  }

  TempDir data;
  TempDir files;
  std::filesystem::path catalogue_file = files.path() / "catalogue.json";
  std::string original = read_file(bundled_catalogue());
  TestServer server;
};

}  // namespace

TEST_CASE("operator: reload_reference_data puts new differentials in force and trades price with them", "[gateway][e2e]") {
  ReloadableServer reloadable;
  TestServer& server = reloadable.server;
  const std::string& original = reloadable.original;
  const auto& catalogue_file = reloadable.catalogue_file;
  WsClient ops(server.port());
  WsClient buyer(server.port());
  WsClient seller(server.port());
  WsClient md(server.port());
  ops.login("demo-rexops");
  buyer.login("demo-zytrade");
  seller.login("demo-dzmetal");
  md.login("demo-rexaudit");
  md.request(R"({"op":"subscribe","channel":"instruments"})", {"subscribed"});
  REQUIRE(md.until_type("instruments"));

  // Barley or Berry at Xuchang, 76,000 on the Barley basis: a Berry lot at 75,550 is 76,050 today.
  expect_ack(buyer, order_json("qb", "buy", "76000", "10000", R"(,"accepted_grades":["BARLEY","BERRY"])"));

  expect_reject(buyer, kReload, 111);  // operators only
  CHECK_THAT(expect_reject(ops, kReload, 126).str("text"), Catch::Contains("no change"));

  // A tick size change is refused, naming the instrument and the field; nothing is journaled.
  write_file(catalogue_file,
             replaced(original, R"("code": "CU-BERRY-XUCHANG", "commodity": "CU", "grade": "BERRY", "hub": "XUCHANG", "currency": "CNY/t", "tick_size_fen": 1000)",
                      R"("code": "CU-BERRY-XUCHANG", "commodity": "CU", "grade": "BERRY", "hub": "XUCHANG", "currency": "CNY/t", "tick_size_fen": 500)"));
  CHECK_THAT(expect_reject(ops, kReload, 126).str("text"), Catch::Contains("instrument CU-BERRY-XUCHANG: tick_size"));

  // Berry's differential from -500 to -400 CNY/t.
  const std::string next = replaced(replaced(original, R"({"grade": "BERRY", "differential_fen": -50000,)",
                                             R"({"grade": "BERRY", "differential_fen": -40000,)"),
                                    R"("version": "2026.05.1")", R"("version": "2026.05.2")");
  write_file(catalogue_file, next);
  const Json ack = ops.request(kReload, {"operator_ack", "reject"});
  INFO(ack.text());
  REQUIRE(ack.type() == "operator_ack");
  CHECK(ack.str("op") == "reload_reference_data");
  CHECK(ack.str("catalogue_version") == "2026.05.2");
  CHECK(ack.str("catalogue_hash") == rex::refdata::load_catalogue_string(next).content_hash());
  const auto list = md.until([](const Json& j) { return j.type() == "instruments" && j.str("catalogue_version") == "2026.05.2"; });
  CHECK(list);
  const auto [health_status, health] = http_get(server.port(), "/health");
  CHECK(health_status == 200);
  CHECK(Json(health).str("catalogue_version") == "2026.05.2");

  // The same lot trades now: the bid is 75,600 in Berry terms.
  expect_ack(seller, order_json("lot", "sell", "75550", "10000", "", "CU-BERRY-XUCHANG"));
  const auto fill = seller.until_type("fill");
  REQUIRE(fill);
  CHECK(fill->str("price") == "75600.00");
  CHECK(fill->str("base_price") == "76000.00");
}

TEST_CASE("operator: a reload the engine refuses (a resting quality bid would leave its band) changes nothing",
          "[gateway][e2e]") {
  ReloadableServer reloadable;
  TestServer& server = reloadable.server;
  const std::string& original = reloadable.original;
  const auto& catalogue_file = reloadable.catalogue_file;
  WsClient ops(server.port());
  WsClient buyer(server.port());
  ops.login("demo-rexops");
  buyer.login("demo-zytrade");

  // A quality bid at CU-BERRY-XUCHANG's band ceiling (83,050): 83,550 on the Barley basis.
  constexpr std::string_view kBerry = "CU-BERRY-XUCHANG";
  expect_ack(buyer, order_json("top", "buy", "83050", "10000", R"(,"accepted_grades":["BARLEY","BERRY"])", kBerry));

  // Berry's differential from -500 to -400 CNY/t would price that bid at 83,150 in Berry terms,
  // above the band. The file passes the gateway's checks; the engine refuses it.
  const std::string next = replaced(replaced(original, R"({"grade": "BERRY", "differential_fen": -50000,)",
                                             R"({"grade": "BERRY", "differential_fen": -40000,)"),
                                    R"("version": "2026.05.1")", R"("version": "2026.05.2")");
  write_file(catalogue_file, next);
  expect_reject(ops, kReload, 35);

  const Json status = buyer.request(R"({"op":"order_status","orig_cl_ord_id":"top"})", {"order_status", "reject"});
  INFO(status.text());
  CHECK(status.str("type") == "order_status");
  CHECK(status.str("status") == "open");
  CHECK(status.str("price") == "83050.00");
  const auto [health_status, health] = http_get(server.port(), "/health");
  CHECK(health_status == 200);
  CHECK(Json(health).str("catalogue_version") == "2026.05.1");
}

TEST_CASE("operator: a participant added by a reload logs in with its key at once", "[gateway][e2e]") {
  const bool with_key_file = GENERATE(false, true);
  INFO((with_key_file ? "key file" : "demo keys"));
  ReloadableServer reloadable([&](rex::gateway::ServerConfig& config, const std::filesystem::path& files) {
    if (with_key_file) {  // as rexd with auth.key_file: the file is read again against the new catalogue
      config.core.key_file = files / "keys.json";
      write_file(config.core.key_file, R"({"format":"rex-api-keys","keys":[{"participant":"NYSCRAP","sha256":")" +
                                           rex::refdata::sha256_hex("demo-nyscrap") + R"("}]})");
    } else {
      config.core.demo_keys = true;  // as rexd in demo mode: a new participant gets its demo key
    }
  });
  TestServer& server = reloadable.server;
  const std::string& original = reloadable.original;
  const auto& catalogue_file = reloadable.catalogue_file;
  WsClient ops(server.port());
  ops.login("demo-rexops");
  WsClient newcomer(server.port());
  newcomer.send(R"({"op":"login","api_key":"demo-nyscrap"})");
  const auto refused = newcomer.until_type("reject");
  REQUIRE(refused);
  CHECK(refused->num("code") == 110);  // not a key yet

  const std::string next = replaced(
      replaced(original, R"({"id": 100, "code": "REXOPS")",
               R"j({"id": 9, "code": "NYSCRAP", "name": "Nanyang Scrap Metals (demo)", "name_zh": "NY", )j"
               R"j("group": "Nanyang (demo)", "kind": "recycler", "roles": ["trader"], )j"
               R"j("permissions": [{"commodity": "CU", "sides": ["sell"]}], )j"
               R"j("limits": {"max_order_quantity_kg": 100000, "max_open_buy_value_fen": 1}},)j"
               "\n    "
               R"({"id": 100, "code": "REXOPS")"),
      R"("version": "2026.05.1")", R"("version": "2026.05.2")");
  write_file(catalogue_file, next);
  const Json ack = ops.request(kReload, {"operator_ack", "reject"});
  INFO(ack.text());
  REQUIRE(ack.type() == "operator_ack");

  WsClient trader(server.port());
  trader.login("demo-nyscrap");
  expect_ack(trader, order_json("n1", "sell", "76000", "1000"));
  expect_reject(trader, order_json("n2", "buy", "75000", "1000"), 113);  // sells only
  WsClient other(server.port());
  other.send(R"({"op":"login","api_key":"demo-zytrade"})");
  if (with_key_file) {  // the keys are the file's now: ZYTRADE has none in it
    const auto no = other.until_type("reject");
    REQUIRE(no);
    CHECK(no->num("code") == 110);
  } else {
    CHECK(other.until_type("login_ack"));
  }
}
