// The gateway's state and rules, free of sockets: sessions' logins and subscriptions, risk
// checks, client order ids, the order table, market data, and the routing of the exchange's
// results back to sessions as WebSocket messages. Every member function runs on one strand (the
// server's "core" strand; a test calls it directly); nothing here blocks or locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "exchange/exchange.hpp"
#include "gateway/auth.hpp"
#include "gateway/journal_trades.hpp"
#include "gateway/market_data.hpp"
#include "gateway/message.hpp"
#include "gateway/metrics.hpp"
#include "gateway/protocol.hpp"

namespace rex::gateway {

using SessionId = std::uint64_t;

// The exchange's `Origin::gateway` value of this gateway's commands.
inline constexpr std::uint32_t kWebSocketGateway = 1;

// What the gateway needs of the exchange; exchange::Exchange satisfies it (ExchangeAdapter).
class ExchangePort {
 public:
  virtual ~ExchangePort() = default;
  virtual exchange::SubmitStatus submit(const matcher::Command& command, const exchange::Origin& origin) = 0;
  virtual exchange::ExchangeStats stats() const = 0;
  virtual std::uint64_t published_seq() const = 0;
  // Operator: a reference-data reload (Exchange::submit_reference_data); kRefused when the journal
  // cannot take one.
  virtual exchange::SubmitStatus submit_reference_data(std::shared_ptr<const refdata::Catalogue> catalogue,
                                                       matcher::ParticipantId participant,
                                                       const exchange::Origin& origin) = 0;
  // The journaled origins of the commands `seqs`, in that order (a default Origin where none is
  // found). At start-up: the commands that created the recovered open orders (an order's id is the
  // seq of its NEW_ORDER), whose origins carry the clients' order ids.
  virtual std::vector<exchange::Origin> command_origins(std::span<const std::uint64_t> seqs) const {
    return std::vector<exchange::Origin>(seqs.size());
  }
  // Every journaled trade of commands from `first_seq` on, oldest first. At start-up: the fills of
  // the recovered open orders.
  virtual void trades_since(std::uint64_t /*first_seq*/, const std::function<void(const matcher::Event&)>& /*visit*/) const {}
};

template <class Exchange>
class ExchangeAdapter final : public ExchangePort {
 public:
  explicit ExchangeAdapter(Exchange& exchange) : exchange_(exchange) {}
  exchange::SubmitStatus submit(const matcher::Command& c, const exchange::Origin& o) override {
    return exchange_.submit(c, o);
  }
  exchange::ExchangeStats stats() const override { return exchange_.stats(); }
  std::uint64_t published_seq() const override { return exchange_.published_seq(); }
  exchange::SubmitStatus submit_reference_data(std::shared_ptr<const refdata::Catalogue> catalogue,
                                               matcher::ParticipantId participant,
                                               const exchange::Origin& o) override {
    return exchange_.submit_reference_data(std::move(catalogue), participant, o);
  }
  std::vector<exchange::Origin> command_origins(std::span<const std::uint64_t> seqs) const override {
    return load_command_origins(exchange_.journal(), seqs);
  }
  void trades_since(std::uint64_t first_seq, const std::function<void(const matcher::Event&)>& visit) const override {
    for_each_trade_since(exchange_.journal(), first_seq, visit);
  }

 private:
  Exchange& exchange_;
};

// Where the core's messages go. Called at the end of each core call with everything one session
// gets from it, in order. The receiver takes the messages out of `messages` (the core reuses the
// vector, so its capacity is not allocated again for every batch).
class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void deliver(SessionId session, std::vector<Message>& messages) = 0;
};

struct CoreConfig {
  // Limit orders priced more than this many basis points away from the instrument's last trade
  // are refused (PRICE_COLLAR); 0 switches the collar off. The band check always applies.
  std::int64_t price_collar_bp = 0;
  std::size_t recent_trades = 100;            // per instrument, for subscriptions and HTTP
  std::size_t finished_orders_kept = 100'000; // for order status and client order id reuse checks
  bool cancel_on_disconnect_default = true;   // for participants whose key entry does not say
  // The file reload_reference_data re-reads (rexd: its `catalogue`); empty: reloads are refused
  // with NOT_SUPPORTED.
  std::filesystem::path catalogue_file;
  // How logins are checked after a reload adds participants: the key file is read again against
  // the new catalogue (rexd: `auth.key_file`; a file that no longer loads keeps the keys in use),
  // or, with demo keys, the new participants get theirs.
  std::filesystem::path key_file;
  bool demo_keys = false;
};

// A copy of one exchange batch, so it can cross from the exchange's journal writer thread to the core strand.
struct ResultBatch {
  struct Item {
    matcher::Command command;
    exchange::Origin origin;
    std::size_t first_event = 0;
    std::size_t event_count = 0;
    exchange::SubmitStatus status = exchange::SubmitStatus::kQueued;  // kJournalFull: not run
    std::shared_ptr<const refdata::Catalogue> reference_data;  // a reload's catalogue
  };
  std::vector<Item> items;
  std::vector<matcher::Event> events;
  std::uint64_t received_ns = 0;  // steady clock, when the exchange handed it over

  static ResultBatch copy(std::span<const exchange::CommandResult> batch);
  // The same into this batch, reusing what its vectors (and its items' commands) already hold.
  void assign(std::span<const exchange::CommandResult> batch);
};

std::uint64_t steady_ns();
std::uint64_t wall_ns();

class GatewayCore {
 public:
  GatewayCore(const refdata::Catalogue& catalogue, const KeyStore& keys, CoreConfig config, ExchangePort& exchange,
              Outbox& outbox, GatewayMetrics& metrics);
  ~GatewayCore();
  GatewayCore(const GatewayCore&) = delete;
  GatewayCore& operator=(const GatewayCore&) = delete;

  void open_session(SessionId session);
  // The session is gone; its subscriptions end, and the participant's orders are cancelled when
  // this was its last session and its key entry says cancel_on_disconnect.
  void close_session(SessionId session);
  void handle(SessionId session, const Request& request);
  // A reject for a message that did not parse or was refused before the core (rate limit).
  static std::string reject_message(std::string_view req, std::string_view op, std::uint16_t code,
                                    std::string_view detail, std::string_view cl_ord_id = {},
                                    matcher::OrderId order_id = 0);

  void on_recovered(const matcher::EngineSnapshot& state);
  // Trades from before a restart (oldest first), for recent-trade lists and last prices.
  void load_trades(std::span<const matcher::Event> trades);
  // Each batch in order, then each session's messages go out once (one write for all of them).
  void on_results(std::span<const ResultBatch> batches);
  void on_results(const ResultBatch& batch) { on_results(std::span<const ResultBatch>(&batch, 1)); }

  // Read-only JSON for HTTP.
  std::string instruments_json() const;
  // The catalogue in force (after the last reload the engine applied).
  const refdata::Catalogue& catalogue() const;
  std::string book_json(matcher::InstrumentId instrument) const;
  std::string trades_json(matcher::InstrumentId instrument) const;  // kAnyInstrument: all instruments
  bool recovered() const;
  std::size_t live_orders() const;
  std::size_t session_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rex::gateway
