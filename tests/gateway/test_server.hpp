// An in-process rexd for end-to-end tests: the real Exchange (LMDB journal in a temporary folder)
// and the real Server on 127.0.0.1, port 0. Stops by itself in its destructor.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

#include "exchange/exchange.hpp"
#include "gateway/auth.hpp"
#include "gateway/config.hpp"
#include "gateway/journal_trades.hpp"
#include "gateway/server.hpp"
#include "gateway/session_clock.hpp"
#include "reference-data/loader.hpp"

namespace rex::testing {

inline std::filesystem::path bundled_catalogue() {
  return std::filesystem::path(REX_SOURCE_DIR) / "reference-data/catalogue/rex-catalogue.json";
}

inline const refdata::Catalogue& test_catalogue() {
  static const refdata::Catalogue c = refdata::load_catalogue_file(bundled_catalogue());
  return c;
}

// A fresh folder under the system temp folder, removed with the object.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("rex-gateway-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline gateway::ServerConfig test_config() {
  gateway::ServerConfig c;
  c.port = 0;
  c.rate_limit_per_second = 0;  // tests that need a limit set one
  return c;
}

class TestServer {
 public:
  // `session`: also run rexd's session clock (CLOCK, END_OF_DAY) with this config, started as rexd
  // starts it: after the exchange, before the server listens.
  explicit TestServer(const std::filesystem::path& data, gateway::ServerConfig config = test_config(),
                      bool sync = false, std::optional<gateway::SessionClockConfig> session = std::nullopt)
      : keys_(gateway::KeyStore::demo(test_catalogue(), true)) {
    exchange::ExchangeConfig xc;
    xc.data_directory = data;
    xc.sync_commits = sync;
    xc.journal_initial_map_bytes = std::size_t{8} << 20;  // small tests, small files
    xc.journal_write_ahead_log_bytes = std::size_t{1} << 20;  // as rexd: durable runs log ahead
    xc.group_linger_us = gateway::RexdConfig::kSyncedGroupLingerUs;  // and groups linger under load, synced or not
    exchange_ = std::make_unique<exchange::Exchange>(xc, test_catalogue());
    const auto recent = gateway::load_recent_trades(exchange_->journal(), 1000);
    port_ = std::make_unique<gateway::ExchangeAdapter<exchange::Exchange>>(*exchange_);
    server_ = std::make_unique<gateway::Server>(config, exchange_->catalogue(), keys_, *port_);
    server_->load_trades(recent);
    exchange_->add_listener(server_.get());
    if (session) {
      clock_ = std::make_unique<gateway::SessionClock>(std::move(*session), *port_);
      exchange_->add_listener(clock_.get());
    }
    exchange_->start();
    if (clock_) caught_up_ = clock_->start();
    server_->start();
  }
  ~TestServer() { stop(); }

  std::uint16_t port() const { return server_->port(); }
  gateway::Server& server() { return *server_; }
  exchange::Exchange& exchange() { return *exchange_; }
  gateway::SessionClock& session_clock() { return *clock_; }
  bool caught_up() const { return caught_up_; }  // the session clock's start-up END_OF_DAY

  void stop() {
    if (!server_) return;
    if (clock_) clock_->stop();
    server_->stop_intake();
    exchange_->stop();
    server_->stop();
    server_.reset();
    clock_.reset();
    port_.reset();
    exchange_.reset();
  }

 private:
  gateway::KeyStore keys_;
  std::unique_ptr<exchange::Exchange> exchange_;
  std::unique_ptr<gateway::ExchangeAdapter<exchange::Exchange>> port_;
  std::unique_ptr<gateway::Server> server_;
  std::unique_ptr<gateway::SessionClock> clock_;
  bool caught_up_ = false;
};

}  // namespace rex::testing
