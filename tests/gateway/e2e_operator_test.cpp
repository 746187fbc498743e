// End to end: the operator's actions (halt, resume, kill switch, reload), their journaling, and
// restarts of rexd (in process and the real binary with SIGTERM) keeping orders and trades.
#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <sched.h>
#include <unistd.h>

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
    open_id = expect_ack(c, order_json("rest", "buy", "76000", "3000")).str("order_id");
    expect_ack(other, order_json("hit", "sell", "76000", "1000"));
    REQUIRE(other.until_type("fill"));
    server.stop();
  }
  TestServer server(dir.path(), test_config(), true);
  WsClient c(server.port());
  c.login("demo-zytrade");
  Json st = c.request(R"({"op":"order_status","order_id":")" + open_id + "\"}", {"order_status", "reject"});
  CHECK(st.str("status") == "open");
  CHECK(st.str("open") == "2000");
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

namespace {

// Runs the real rexd binary until SIGTERM.
class RexdProcess {
 public:
  RexdProcess(const std::filesystem::path& data, const std::filesystem::path& port_file,
              const std::filesystem::path& log, const std::vector<std::string>& extra = {}) {
    std::filesystem::remove(port_file);
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string data_s = data.string();
      const std::string port_s = port_file.string();
      std::FILE* out = std::freopen(log.c_str(), "w", stderr);
      (void)out;
      ::chdir(REX_SOURCE_DIR);
      std::vector<std::string> args{"rexd", "--port", "0", "--port-file", port_s, "--data-dir", data_s,
                                    "--no-seed", "--clock-interval-ms", "100"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(REXD_PATH, argv.data());
      std::_Exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::ifstream in(port_file);
      int p = 0;
      if (in >> p) {
        port_ = static_cast<std::uint16_t>(p);
      } else if (int status = 0; ::waitpid(pid_, &status, WNOHANG) == pid_) {  // it refused to start
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  ~RexdProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::uint16_t port() const { return port_; }
  // The exit code of a rexd that stopped before it listened; -1 while it runs.
  int exit_code() const { return exit_code_; }
  // SIGTERM, then the exit status (or -1 if it did not exit within the grace time).
  int terminate() {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int exit_code_ = -1;
};

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("rexd: SIGTERM drains and exits cleanly, and a restart recovers the market", "[gateway][e2e]") {
  TempDir dir;
  const auto data = dir.path() / "data";
  const auto port_file = dir.path() / "port";
  const auto log = dir.path() / "rexd.log";
  std::string id;
  {
    RexdProcess rexd(data, port_file, log);
    REQUIRE(rexd.port() != 0);
    WsClient c(rexd.port());
    c.login("demo-zytrade");
    id = expect_ack(c, order_json("keep", "sell", "77000", "1000")).str("order_id");
    CHECK(rexd.terminate() == 0);
  }
  const std::string text = read_text(log);
  INFO(text);
  CHECK(text.find("received SIGTERM") != std::string::npos);
  CHECK(text.find("stopped") != std::string::npos);

  RexdProcess again(data, port_file, dir.path() / "rexd2.log");
  REQUIRE(again.port() != 0);
  WsClient c(again.port());
  c.login("demo-zytrade");
  Json st = c.request(R"({"op":"order_status","order_id":")" + id + "\"}", {"order_status", "reject"});
  CHECK(st.str("status") == "open");
  CHECK(again.terminate() == 0);
}

TEST_CASE("rexd: a second rexd on the same data directory refuses to start and the first goes on", "[gateway][e2e]") {
  TempDir dir;
  const auto data = dir.path() / "data";
  RexdProcess first(data, dir.path() / "port1", dir.path() / "rexd1.log");
  REQUIRE(first.port() != 0);
  WsClient c(first.port());
  c.login("demo-zytrade");
  const std::string before = expect_ack(c, order_json("before", "sell", "77000", "1000")).str("order_id");

  RexdProcess second(data, dir.path() / "port2", dir.path() / "rexd2.log");
  CHECK(second.port() == 0);
  CHECK(second.exit_code() == 1);
  const std::string refusal = read_text(dir.path() / "rexd2.log");
  INFO(refusal);
  CHECK(refusal.find("open for writing already") != std::string::npos);
  CHECK(refusal.find("one writer at a time") != std::string::npos);

  // The first was not disturbed: it takes orders, and a restart has both.
  const std::string after = expect_ack(c, order_json("after", "sell", "77100", "1000")).str("order_id");
  CHECK(first.terminate() == 0);
  RexdProcess again(data, dir.path() / "port3", dir.path() / "rexd3.log");
  REQUIRE(again.port() != 0);
  WsClient d(again.port());
  d.login("demo-zytrade");
  for (const std::string& id : {before, after}) {
    Json st = d.request(R"({"op":"order_status","order_id":")" + id + "\"}", {"order_status", "reject"});
    CHECK(st.str("status") == "open");
  }
  CHECK(again.terminate() == 0);
}

TEST_CASE("rexd: a catalogue file that is not the one in force does not stop a restart", "[gateway][e2e]") {
  TempDir dir;
  const auto data = dir.path() / "data";
  const auto file = dir.path() / "catalogue.json";
  std::filesystem::copy_file(bundled_catalogue(), file);
  std::string id;
  {
    RexdProcess rexd(data, dir.path() / "port1", dir.path() / "rexd1.log", {"--catalogue", file.string()});
    REQUIRE(rexd.port() != 0);
    WsClient c(rexd.port());
    c.login("demo-zytrade");
    id = expect_ack(c, order_json("kept", "sell", "77000", "1000")).str("order_id");
    CHECK(rexd.terminate() == 0);
  }
  // Edited while rexd was down (or edited for a reload the engine refused): not in force.
  std::string text = read_text(file);
  const auto at = text.find("\"version\": \"2026.05.1\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 22, "\"version\": \"2026.05.9\"");
  std::ofstream(file, std::ios::trunc) << text;

  RexdProcess again(data, dir.path() / "port2", dir.path() / "rexd2.log", {"--catalogue", file.string()});
  REQUIRE(again.port() != 0);
  const std::string log = read_text(dir.path() / "rexd2.log");
  INFO(log);
  CHECK(log.find("running with the catalogue in force (version 2026.05.1)") != std::string::npos);
  const auto [status, health] = http_get(again.port(), "/health");
  CHECK(status == 200);
  CHECK(health.find("\"catalogue_version\":\"2026.05.1\"") != std::string::npos);
  WsClient c(again.port());
  c.login("demo-zytrade");
  Json st = c.request(R"({"op":"order_status","order_id":")" + id + "\"}", {"order_status", "reject"});
  CHECK(st.str("status") == "open");
  CHECK(again.terminate() == 0);
}

TEST_CASE("rexd: io_cpus keeps its network threads on the CPUs given", "[gateway][e2e]") {
  TempDir dir;
  const std::string cpu = std::to_string(::sched_getcpu());  // one this process may run on
  RexdProcess rexd(dir.path() / "data", dir.path() / "port", dir.path() / "rexd.log", {"--io-cpus", cpu});
  REQUIRE(rexd.port() != 0);
  WsClient c(rexd.port());  // it serves
  c.login("demo-zytrade");
  int io_threads = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(rexd.pid()) + "/task")) {
    if (read_text(task.path() / "comm") != "rex-io\n") continue;
    ++io_threads;
    const std::string status = read_text(task.path() / "status");
    INFO(status);
    CHECK(status.find("Cpus_allowed_list:\t" + cpu + "\n") != std::string::npos);
  }
  CHECK(io_threads == 1);
  CHECK(rexd.terminate() == 0);
}
