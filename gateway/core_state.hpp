// The private state of GatewayCore (its Impl) and the records it keeps: orders, commands in
// flight, participants, sessions and subscribers. Only gateway/core*.cpp include it; each member
// function is defined in the file of its purpose, named beside its declarations.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/client_order_ids.hpp"
#include "gateway/core.hpp"
#include "gateway/fifo_ring.hpp"
#include "gateway/json_out.hpp"
#include "gateway/order_table.hpp"
#include "gateway/reject.hpp"

namespace rex::gateway {

struct Pending {
  std::uint64_t request = 0;  // Origin::request of the command
  SessionId session = 0;
  Op op = Op::kPing;
  std::string req;
  std::string cl_ord_id;
  // new_order: the slot of cl_ord_id in the client order id table, set to the order id at its ack
  // without a second lookup.
  matcher::OrderId* cl_ord_slot = nullptr;
  matcher::ParticipantId participant = 0;
  std::int64_t reserved = 0;  // open buy value held for the command until its results arrive
  matcher::Price value_price = 0;
  std::uint64_t submitted_ns = 0;
};

// An open quality bid's terms as the engine holds them, accepted sets resolved (never 0): what an
// amend that gives only some of them sends for the rest.
struct QualityBidTerms {
  matcher::QualityTerms bounds;
  std::uint64_t accepted_grades = 0;
  std::uint64_t accepted_hubs = 0;
};

struct ParticipantState {
  std::int64_t open_buy_value = 0;
  std::int64_t pending_buy_value = 0;
  std::vector<SessionId> sessions;
  bool cancel_on_disconnect = true;
};

struct SessionState {
  const refdata::Participant* participant = nullptr;
  bool trader = false;
  bool operator_role = false;
  // Subscribed to every instrument's trades: its per-instrument trades subscriptions stay in
  // `subscriptions` but out of the instruments' lists until it unsubscribes (Subscribers::trades).
  bool all_trades = false;
  std::vector<std::pair<Channel, matcher::InstrumentId>> subscriptions;
};

struct Subscribers {
  std::vector<SessionId> top;
  std::vector<SessionId> depth;
  // Never a session of all_trades_subscribers: a trade goes to both lists, and so reaches each
  // session once without a check per trade.
  std::vector<SessionId> trades;
};

struct GatewayCore::Impl {
  static constexpr std::size_t kOpenOrdersExpected = 65'536;

  std::shared_ptr<const refdata::Catalogue> catalogue;  // in force; replaced by a reload
  // Every catalogue ever in force: sessions' participant pointers and parsers point into them.
  std::vector<std::shared_ptr<const refdata::Catalogue>> catalogues;
  bool reload_in_flight = false;
  KeyStore keys;  // a reload may add participants, and with them keys
  CoreConfig config;
  ExchangePort& exchange;
  Outbox& outbox;
  GatewayMetrics& metrics;

  bool recovered = false;
  std::uint64_t next_request = 0;
  std::unordered_map<SessionId, SessionState> sessions;
  std::unordered_map<matcher::ParticipantId, ParticipantState> participants;
  // Both sized at start for the finished orders kept and as many open ones (kOpenOrdersExpected):
  // a table that doubles while the market runs stops the I/O thread for milliseconds.
  OrderTable orders;
  ClientOrderIds cl_ord_ids;
  FifoRing<matcher::OrderId> finished;  // oldest first, bounded by config.finished_orders_kept
  // Open quality bids only, apart from `orders`: they are rare, and their terms (~200 bytes) would
  // otherwise be paid for by every order.
  std::unordered_map<matcher::OrderId, QualityBidTerms> quality_bids;
  std::size_t live = 0;
  // Commands submitted, oldest first. Their results come back in the same order (one strand
  // submits them, the exchange sequences one producer's commands in order), so the oldest is
  // always the one answered next.
  FifoRing<Pending> pending{4096};
  // Requests naming an order by an orig_cl_ord_id whose new_order is still in flight: run again once
  // a batch of results has come back (the order is then known, or was refused). Bounded.
  std::vector<std::pair<SessionId, Request>> waiting_for_order;
  static constexpr std::size_t kMaxWaitingForOrder = 4096;
  std::vector<InstrumentBook> books;
  std::vector<TopOfBook> last_top;
  std::vector<Subscribers> subscribers;
  std::vector<SessionId> all_trades_subscribers;
  std::vector<std::vector<SessionId>> commodity_subscribers;  // per commodity
  std::vector<matcher::Event> commodity_tops;  // the last COMMODITY_TOP of each commodity
  std::vector<SessionId> instruments_subscribers;
  std::vector<SessionId> send_once_scratch;  // send_once's recipients; kept to keep its capacity
  std::unordered_map<SessionId, std::vector<Message>> out;
  std::vector<SessionId> with_output;  // sessions whose `out` entry is not empty, in first-message order
  std::vector<std::pair<matcher::InstrumentId, LevelChange>> level_changes;

  Impl(const refdata::Catalogue& c, const KeyStore& k, CoreConfig cfg, ExchangePort& x, Outbox& o, GatewayMetrics& m)
      : catalogue(&c, [](const refdata::Catalogue*) {}), catalogues{catalogue}, keys(k), config(cfg), exchange(x),
        outbox(o), metrics(m), orders(config.finished_orders_kept + kOpenOrdersExpected),
        cl_ord_ids(config.finished_orders_kept + kOpenOrdersExpected),
        finished(config.finished_orders_kept + 1) {
    const std::size_t n = catalogue->instruments().size();
    books.resize(n);
    last_top.resize(n);
    subscribers.resize(n);
    commodity_subscribers.resize(catalogue->commodities().size());
    commodity_tops.resize(catalogue->commodities().size());
    for (const auto& p : catalogue->participants()) {
      participants[p.id].cancel_on_disconnect = keys.cancel_on_disconnect(p.id, config.cancel_on_disconnect_default);
    }
  }

  // Who hears about an order: the session that entered it, or, when that session is gone, every
  // session of the participant.
  template <class F>
  void for_route(const OrderRecord& o, SessionId requester, F&& f) {
    bool requester_done = false;
    if (o.session != 0 && sessions.count(o.session)) {
      f(o.session);
      requester_done = o.session == requester;
    } else {
      auto it = participants.find(o.participant);
      if (it != participants.end()) {
        for (SessionId s : it->second.sessions) {
          f(s);
          requester_done = requester_done || s == requester;
        }
      }
    }
    if (requester != 0 && !requester_done && sessions.count(requester)) f(requester);
  }

  std::string_view instrument_code(matcher::InstrumentId id) const {
    return id < catalogue->instruments().size() ? std::string_view(catalogue->instruments()[id].code) : "";
  }

  // core_sessions.cpp: requests by op, login, close; messages queued per session and flushed.
  void send(SessionId session, Message m);
  void send(SessionId session, std::string text);
  void send_all(const std::vector<SessionId>& to, const Message& m);
  void send_once(std::initializer_list<const std::vector<SessionId>*> lists, const Message& m);
  void flush();
  // `order`: the order it is about when the request named it by orig_cl_ord_id (an order_id given
  // is echoed anyway).
  void reject(SessionId session, const Request& r, std::uint16_t code, std::string_view detail = {},
              matcher::OrderId order = 0);
  void reject(SessionId session, const Request& r, GatewayReject code, std::string_view detail = {},
              matcher::OrderId order = 0);
  void handle(SessionId id, const Request& r);
  void serve(SessionId id, SessionState& s, const Request& r);
  void serve_waiting_for_order();
  void login(SessionId id, SessionState& s, const Request& r);
  void close_session(SessionId id);

  // core_orders.cpp: the order table, risk checks, client order ids, order entry and status.
  void set_open(OrderRecord& o, matcher::Quantity open);
  void finish(OrderRecord& o, OrderStatus status);
  OrderRecord* find_order(matcher::OrderId id);
  void order_fields(JsonOut& j, const OrderRecord& o) { order_fields(j, o, o.instrument); }
  // `instrument`: what the message is about; a quality bid's fill names the lot's instrument.
  void order_fields(JsonOut& j, const OrderRecord& o, matcher::InstrumentId instrument);
  void keep_quality_terms(matcher::OrderId id, matcher::InstrumentId ins, const matcher::QualityTerms& bounds,
                          std::uint64_t accepted_grades, std::uint64_t accepted_hubs);
  std::string_view not_amendable_detail(matcher::OrderId id);
  std::string ack_message(const OrderRecord& o, const matcher::Event& e, std::string_view req);
  std::string order_status_message(const OrderRecord& o, std::string_view req);
  static Pending participant_pending(const SessionState& s);
  bool submit(SessionId id, const Request& r, matcher::Command c, Pending p,
              std::shared_ptr<const refdata::Catalogue> reference_data = nullptr);
  std::uint16_t price_check(const refdata::InstrumentSpec& spec, matcher::InstrumentId ins, matcher::Price price) const;
  void new_order(SessionId id, SessionState& s, const Request& r);
  bool enter_order(SessionId id, const Request& r, const refdata::Participant& p, const refdata::InstrumentSpec& spec,
                   ParticipantState& ps, matcher::OrderId* cl_ord_slot);
  matcher::OrderId resolve_target(SessionId id, const SessionState& s, const Request& r);
  void cancel(SessionId id, SessionState& s, const Request& r);
  void amend(SessionId id, SessionState& s, const Request& r);
  void mass_cancel(SessionId id, SessionState& s, const Request& r);
  void order_status(SessionId id, SessionState& s, const Request& r);

  // core_market_data.cpp: subscriptions, snapshots and book updates.
  void subscribed(SessionId id, const Request& r, std::string_view type);
  void subscribe(SessionId id, SessionState& s, const Request& r);
  Message commodity_top_message(std::uint32_t commodity) const;
  void remove_subscription(SessionId id, Channel channel, matcher::InstrumentId ins);
  void unsubscribe(SessionId id, SessionState& s, const Request& r);
  void instrument_json(JsonOut& j, const refdata::InstrumentSpec& spec) const;
  std::string instruments_json() const;
  Message instruments_message() const;
  Message top_message(matcher::InstrumentId ins) const;
  std::string book_json(matcher::InstrumentId ins, std::string_view type) const;
  Message depth_snapshot(matcher::InstrumentId ins) const;
  void trade_json(JsonOut& j, matcher::InstrumentId ins, const TradePrint& t) const;
  std::string trades_json(matcher::InstrumentId ins, std::string_view type) const;
  Message trades_snapshot(matcher::InstrumentId ins) const;
  void publish_levels();

  // core_operator.cpp: halt, resume, kill, end of day, reference-data reloads.
  void operator_action(SessionId id, SessionState& s, const Request& r);
  void reload_reference_data(SessionId id, SessionState& s, const Request& r);
  void apply_reference_data(const std::shared_ptr<const refdata::Catalogue>& next);

  // core_events.cpp: the recovered state, and each batch of the exchange's results.
  void restore_client_order_ids(const matcher::EngineSnapshot& state);
  void restore_fills(const matcher::EngineSnapshot& state);
  void restore_quality_bids(const matcher::EngineSnapshot& state);
  void on_recovered(const matcher::EngineSnapshot& state);
  void on_results(const ResultBatch& batch);  // the caller flushes
  void journal_full(const Pending& p);
  void process(const ResultBatch::Item& item, std::span<const matcher::Event> events, Pending* pend);
  void fill(OrderRecord& o, const matcher::Event& e, matcher::Quantity leaves, bool maker);
  void trade(const matcher::Event& e);
};

}  // namespace rex::gateway
