// End to end with the real rexd binary in its own process: SIGTERM and restart, SIGKILL under a
// stream of orders, a second rexd on one journal, a catalogue file not in force, io_cpus.
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <utility>  // Boost 1.74 asio needs std::exchange declared first under C++20

#include <boost/asio.hpp>

#include "e2e_support.hpp"
#include "gateway/journal_trades.hpp"
#include "persistence/journal.hpp"

using namespace rex::testing;

namespace {

// Runs the real rexd binary until SIGTERM (or SIGKILL).
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
  // SIGKILL: no drain, no commit, no destructor.
  void kill_now() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int exit_code_ = -1;
};

// The status of order `id` as session `c` sees it: "open", "filled", …, or "" when the reply is a
// reject. (One session per check would not do: closing a participant's last session cancels its
// orders.)
std::string status_of(WsClient& c, const std::string& id) {
  return c.request(R"({"op":"order_status","order_id":")" + id + "\"}", {"order_status", "reject"}).str("status");
}

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
  CHECK(status_of(c, id) == "open");
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
  for (const std::string& id : {before, after}) CHECK(status_of(d, id) == "open");
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
  CHECK(status_of(c, id) == "open");
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

TEST_CASE("rexd: killed with SIGKILL while orders stream in, it loses no acknowledged order or fill",
          "[gateway][e2e][crash]") {
  TempDir dir;
  const auto data = dir.path() / "data";
  std::map<std::uint64_t, std::string> acked;  // order id (its command's seq) -> client order id
  std::set<std::uint64_t> filled;               // trade ids of the fills reported
  auto record = [&](const Json& m) {
    if (m.type() == "ack") acked.emplace(std::stoull(m.str("order_id")), m.str("cl_ord_id"));
    if (m.type() == "fill") filled.insert(std::stoull(m.str("trade_id")));
  };
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    const std::string r = std::to_string(round);
    RexdProcess rexd(data, dir.path() / ("port" + r), dir.path() / ("rexd" + r + ".log"));
    REQUIRE(rexd.port() != 0);
    WsClient buyer(rexd.port());
    WsClient seller(rexd.port());
    buyer.login("demo-zytrade");
    seller.login("demo-dzmetal");
    // 270 resting sells on five levels, 30 buys that each take one of the lower ones.
    for (int i = 0; i < 300; ++i) {
      const std::string id = r + "-" + std::to_string(i);
      if (i % 10 == 9) buyer.send(order_json("b" + id, "buy", "77020", "1000"));
      else seller.send(order_json("s" + id, "sell", std::to_string(77000 + 10 * (i % 5)), "1000"));
    }
    // Part of the stream acknowledged, the rest in flight: kill.
    for (int acks = 0; acks < 60;) {
      const auto m = seller.until_type("ack");
      REQUIRE(m);
      record(*m);
      ++acks;
    }
    rexd.kill_now();
    // What reached the clients before the kill was sent by rexd after it was durable.
    for (WsClient* c : {&buyer, &seller}) {
      for (const Json& m : c->drain(std::chrono::milliseconds(300))) record(m);
    }
  }
  REQUIRE(acked.size() >= kRounds * 60);

  // A last restart applies whatever only the write-ahead log held; SIGTERM leaves it all in LMDB.
  {
    RexdProcess rexd(data, dir.path() / "port", dir.path() / "rexd.log");
    REQUIRE(rexd.port() != 0);
    REQUIRE(rexd.terminate() == 0);
  }
  rex::persistence::JournalOptions o;
  o.directory = data;
  o.read_only = true;
  const rex::persistence::Journal journal(o, nullptr);
  std::vector<std::uint64_t> seqs;
  for (const auto& [seq, cl] : acked) seqs.push_back(seq);
  const std::vector<rex::exchange::Origin> origins = rex::gateway::load_command_origins(journal, seqs);
  REQUIRE(origins.size() == seqs.size());
  std::size_t i = 0;
  for (const auto& [seq, cl] : acked) {
    INFO("order " << seq << " (" << cl << ")");
    // The command at that seq is the order acknowledged, not another one sequenced after a restart.
    CHECK(origins[i++].client_order_id() == cl);
  }
  const auto reader = journal.reader();
  for (const std::uint64_t trade : filled) {
    INFO("trade " << trade);
    CHECK(reader.get(rex::persistence::Table::kTrades, trade).has_value());
  }
  CHECK_FALSE(filled.empty());
}

TEST_CASE("rexd: a key file wins over demo mode even when it holds no keys, and a bad address or a port in use stops it first",
          "[gateway][e2e]") {
  TempDir dir;
  const auto keys = dir.path() / "keys.json";
  std::ofstream(keys) << R"({"format":"rex-api-keys","keys":[]})";
  RexdProcess empty_keys(dir.path() / "data", dir.path() / "port1", dir.path() / "rexd1.log",
                         {"--key-file", keys.string()});
  CHECK(empty_keys.port() == 0);  // no demo key opens it
  CHECK(empty_keys.exit_code() == 1);
  CHECK(read_text(dir.path() / "rexd1.log").find("ERROR rexd: no API keys: " + keys.string() + " lists none") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "data"));  // refused before the journal was made

  RexdProcess bad_address(dir.path() / "data2", dir.path() / "port2", dir.path() / "rexd2.log", {"--listen", "localhost"});
  CHECK(bad_address.port() == 0);
  CHECK(bad_address.exit_code() == 2);
  CHECK(read_text(dir.path() / "rexd2.log").find("'localhost' is not an IP address") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "data2"));  // refused before the journal was made

  // A port another process listens on: refused before the journal is made (or, in demo mode, seeded).
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor taken(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string port = std::to_string(taken.local_endpoint().port());
  RexdProcess in_use(dir.path() / "data3", dir.path() / "port3", dir.path() / "rexd3.log", {"--port", port});
  CHECK(in_use.port() == 0);
  CHECK(in_use.exit_code() == 1);
  CHECK(read_text(dir.path() / "rexd3.log").find("cannot listen on 127.0.0.1 port " + port) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "data3"));
}

TEST_CASE("rexd: without API keys, or with a key file it cannot take, it refuses to start and creates nothing",
          "[gateway][e2e]") {
  TempDir dir;
  auto refused = [&](const std::string& name, const std::vector<std::string>& flags, const std::string& error) {
    INFO(name);
    RexdProcess rexd(dir.path() / name, dir.path() / ("port-" + name), dir.path() / (name + ".log"), flags);
    CHECK(rexd.port() == 0);
    CHECK(rexd.exit_code() == 1);
    const std::string log = read_text(dir.path() / (name + ".log"));
    INFO(log);
    CHECK(log.find("ERROR rexd: " + error) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / name));
  };
  refused("no-keys", {"--no-demo"}, "no API keys: give --key-file (or auth.key_file), or run with --demo");
  const auto file = dir.path() / "keys.json";
  refused("missing-file", {"--key-file", file.string()}, file.string() + ": cannot read the key file");
  const std::string hash(64, 'a');
  std::ofstream(file) << R"({"format":"rex-api-keys","keys":[{"participant":"ZYTRADE","sha256":"ABC"}]})";
  refused("bad-hash", {"--key-file", file.string()}, file.string() + ": keys[0].sha256: expected 64 lower-case hex digits");
  // A new journal would start with the catalogue file in force: a participant it lacks is refused first too.
  std::ofstream(file, std::ios::trunc) << R"({"format":"rex-api-keys","keys":[{"participant":"NOBODY","sha256":")" + hash + "\"}]}";
  refused("unknown-participant", {"--key-file", file.string()},
          file.string() + ": keys[0].participant: no participant NOBODY in the catalogue");
}
