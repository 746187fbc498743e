#include "gateway/core.hpp"

#include <algorithm>
#include <limits>

#include "gateway/json_out.hpp"
#include "gateway/reject.hpp"
#include "reference-data/decimal.hpp"
#include "reference-data/loader.hpp"
#include "reference-data/reload.hpp"

namespace rex::gateway {

namespace {

using matcher::Event;
using matcher::EventType;
using matcher::InstrumentId;
using matcher::OrderId;
using matcher::ParticipantId;
using matcher::Price;
using matcher::Quantity;
using matcher::Side;
using refdata::Role;

static_assert(kMaxClientOrderIdBytes <= exchange::Origin::kMaxClientOrderId, "cl_ord_id must fit the journaled origin");

constexpr std::int64_t kKgPerTonne = 1000;   // prices are per tonne, quantities in kg
constexpr std::int64_t kBasisPoints = 10'000;

__extension__ using Wide = __int128;  // price x quantity products before division

// Open buy value in fen of `quantity` kg at `price` fen/t, rounded up (the limit is never undercounted).
std::int64_t buy_value(Price price, Quantity quantity) {
  if (price <= 0 || quantity <= 0) return 0;
  const Wide v = (static_cast<Wide>(price) * quantity + (kKgPerTonne - 1)) / kKgPerTonne;
  return v > std::numeric_limits<std::int64_t>::max() ? std::numeric_limits<std::int64_t>::max()
                                                      : static_cast<std::int64_t>(v);
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::numeric_limits<std::int64_t>::max();
  return r;
}

enum class OrderStatus : std::uint8_t { kOpen, kFilled, kCancelled, kExpired };

std::string_view status_name(OrderStatus s) {
  switch (s) {
    case OrderStatus::kOpen: return "open";
    case OrderStatus::kFilled: return "filled";
    case OrderStatus::kCancelled: return "cancelled";
    case OrderStatus::kExpired: return "expired";
  }
  return "?";
}

std::string_view cancel_reason_text(matcher::CancelReason r) {
  switch (r) {
    case matcher::CancelReason::kRequested: return "requested";
    case matcher::CancelReason::kMassCancel: return "mass_cancel";
    case matcher::CancelReason::kImmediateRemainder: return "immediate_remainder";
    case matcher::CancelReason::kFillOrKill: return "fill_or_kill";
    case matcher::CancelReason::kMinQuantityNotMet: return "min_quantity_not_met";
    case matcher::CancelReason::kSelfTradePrevention: return "self_trade_prevention";
  }
  return "?";
}

struct OrderRecord {
  OrderId id = 0;
  ParticipantId participant = 0;
  InstrumentId instrument = 0;
  Side side = Side::kBuy;
  matcher::OrderType type = matcher::OrderType::kLimit;
  matcher::TimeInForce tif = matcher::TimeInForce::kGoodTillCancel;
  Price price = 0;
  Price value_price = 0;  // what a buy's open value is counted at: its limit, or the band ceiling
  Quantity quantity = 0;
  Quantity open = 0;
  Quantity filled = 0;
  std::int64_t value = 0;  // counted in the participant's open buy value now
  SessionId session = 0;   // 0: entered elsewhere or before a restart
  std::string cl_ord_id;
  OrderStatus status = OrderStatus::kOpen;
};

struct Pending {
  SessionId session = 0;
  Op op = Op::kPing;
  std::string req;
  std::string cl_ord_id;
  ParticipantId participant = 0;
  std::int64_t reserved = 0;  // open buy value held for the command until its results arrive
  Price value_price = 0;
  std::uint64_t submitted_ns = 0;
};

struct ParticipantState {
  std::int64_t open_buy_value = 0;
  std::int64_t pending_buy_value = 0;
  std::unordered_map<std::string, OrderId> cl_ord_ids;  // 0 while the order is in flight
  std::vector<SessionId> sessions;
  bool cancel_on_disconnect = true;
};

struct SessionState {
  const refdata::Participant* participant = nullptr;
  bool trader = false;
  bool operator_role = false;
  std::vector<std::pair<Channel, InstrumentId>> subscriptions;
};

struct Subscribers {
  std::vector<SessionId> top;
  std::vector<SessionId> depth;
  std::vector<SessionId> trades;
};

bool add_unique(std::vector<SessionId>& v, SessionId s) {
  if (std::find(v.begin(), v.end(), s) != v.end()) return false;
  v.push_back(s);
  return true;
}
void remove_one(std::vector<SessionId>& v, SessionId s) { std::erase(v, s); }

void write_level(JsonOut& j, const Level& l) {
  j.begin_object().field_price("price", l.price).field_quantity("qty", l.quantity).field_uint("orders", l.orders).end_object();
}

}  // namespace

std::uint64_t steady_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
std::uint64_t wall_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

ResultBatch ResultBatch::copy(std::span<const exchange::CommandResult> batch) {
  ResultBatch out;
  out.received_ns = steady_ns();
  out.items.reserve(batch.size());
  std::size_t total = 0;
  for (const auto& r : batch) total += r.events.size();
  out.events.reserve(total);
  for (const auto& r : batch) {
    out.items.push_back({r.command, r.origin, out.events.size(), r.events.size(), r.status, r.reference_data});
    out.events.insert(out.events.end(), r.events.begin(), r.events.end());
  }
  return out;
}

std::string GatewayCore::reject_message(std::string_view req, std::string_view op, std::uint16_t code,
                                        std::string_view detail, std::string_view cl_ord_id) {
  std::string s;
  s.reserve(160);
  JsonOut j(s);
  j.begin_object().field("type", "reject");
  if (!req.empty()) j.key("req").raw(req);
  if (!op.empty()) j.field("op", op);
  if (!cl_ord_id.empty()) j.field("cl_ord_id", cl_ord_id);
  j.field_uint("code", code).field("name", reject_name(code));
  std::string text(reject_text(code));
  if (!detail.empty()) {
    text += ": ";
    text += detail;
  }
  j.field("text", text).end_object();
  return s;
}

struct GatewayCore::Impl {
  std::shared_ptr<const refdata::Catalogue> catalogue;  // in force; replaced by a reload
  // Every catalogue ever in force: sessions' participant pointers and parsers point into them.
  std::vector<std::shared_ptr<const refdata::Catalogue>> catalogues;
  bool reload_in_flight = false;
  const KeyStore& keys;
  CoreConfig config;
  ExchangePort& exchange;
  Outbox& outbox;
  GatewayMetrics& metrics;

  bool recovered = false;
  std::uint64_t next_request = 0;
  std::unordered_map<SessionId, SessionState> sessions;
  std::unordered_map<ParticipantId, ParticipantState> participants;
  std::unordered_map<OrderId, OrderRecord> orders;
  std::deque<OrderId> finished;  // oldest first, bounded by config.finished_orders_kept
  std::size_t live = 0;
  std::unordered_map<std::uint64_t, Pending> pending;
  std::vector<InstrumentBook> books;
  std::vector<TopOfBook> last_top;
  std::vector<Subscribers> subscribers;
  std::vector<SessionId> all_trades_subscribers;
  std::vector<std::vector<SessionId>> commodity_subscribers;  // per commodity
  std::vector<Event> commodity_tops;  // the last COMMODITY_TOP of each commodity
  std::vector<SessionId> instruments_subscribers;
  std::unordered_map<SessionId, std::vector<Message>> out;
  std::vector<std::pair<InstrumentId, LevelChange>> level_changes;

  Impl(const refdata::Catalogue& c, const KeyStore& k, CoreConfig cfg, ExchangePort& x, Outbox& o, GatewayMetrics& m)
      : catalogue(&c, [](const refdata::Catalogue*) {}), catalogues{catalogue}, keys(k), config(cfg), exchange(x),
        outbox(o), metrics(m) {
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

  // ---- output ----
  void send(SessionId session, Message m) {
    if (session == 0 || !sessions.count(session)) return;
    out[session].push_back(std::move(m));
  }
  void send(SessionId session, std::string text) { send(session, std::make_shared<const std::string>(std::move(text))); }
  void send_all(const std::vector<SessionId>& to, const Message& m) {
    for (SessionId s : to) send(s, m);
  }
  // Entries stay (one per session that ever got a message, until it closes) so their vectors
  // keep their capacity from batch to batch.
  void flush() {
    for (auto& [session, messages] : out) {
      if (messages.empty()) continue;
      metrics.messages_out.fetch_add(messages.size(), std::memory_order_relaxed);
      outbox.deliver(session, messages);
      messages.clear();
    }
  }
  void reject(SessionId session, const Request& r, std::uint16_t code, std::string_view detail = {}) {
    metrics.count_reject(code);
    send(session, reject_message(r.req, op_name(r.op), code, detail, r.cl_ord_id));
  }
  void reject(SessionId session, const Request& r, GatewayReject code, std::string_view detail = {}) {
    reject(session, r, static_cast<std::uint16_t>(code), detail);
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

  // ---- order table ----
  void set_open(OrderRecord& o, Quantity open) {
    o.open = open;
    const std::int64_t v = o.side == Side::kBuy ? buy_value(o.value_price, open) : 0;
    auto& p = participants[o.participant];
    p.open_buy_value = saturating_add(p.open_buy_value, v - o.value);
    o.value = v;
  }
  void finish(OrderRecord& o, OrderStatus status) {
    if (o.status != OrderStatus::kOpen) return;
    set_open(o, 0);
    o.status = status;
    --live;
    finished.push_back(o.id);
    while (finished.size() > config.finished_orders_kept) {
      auto it = orders.find(finished.front());
      finished.pop_front();
      if (it == orders.end()) continue;
      if (!it->second.cl_ord_id.empty()) {
        auto& ids = participants[it->second.participant].cl_ord_ids;
        auto c = ids.find(it->second.cl_ord_id);
        if (c != ids.end() && c->second == it->first) ids.erase(c);
      }
      orders.erase(it);
    }
  }
  OrderRecord* find_order(OrderId id) {
    auto it = orders.find(id);
    return it == orders.end() ? nullptr : &it->second;
  }

  std::string_view instrument_code(InstrumentId id) const {
    return id < catalogue->instruments().size() ? std::string_view(catalogue->instruments()[id].code) : "";
  }

  // ---- messages ----
  void order_fields(JsonOut& j, const OrderRecord& o) {
    j.field_id("order_id", o.id);
    if (!o.cl_ord_id.empty()) j.field("cl_ord_id", o.cl_ord_id);
    j.field("instrument", instrument_code(o.instrument)).field("side", side_name(o.side));
  }

  std::string ack_message(const OrderRecord& o, const Event& e, std::string_view req) {
    std::string s;
    s.reserve(256);
    JsonOut j(s);
    j.begin_object().field("type", "ack");
    if (!req.empty()) j.key("req").raw(req);
    order_fields(j, o);
    j.field("order_type", order_type_name(o.type)).field("tif", time_in_force_name(o.tif));
    if (o.type == matcher::OrderType::kLimit) j.field_price("price", o.price);
    j.field_quantity("qty", o.quantity).field_id("seq", e.seq).field_id("ts", e.timestamp).end_object();
    return s;
  }

  std::string order_status_message(const OrderRecord& o, std::string_view req) {
    std::string s;
    JsonOut j(s);
    j.begin_object().field("type", "order_status");
    if (!req.empty()) j.key("req").raw(req);
    order_fields(j, o);
    j.field("order_type", order_type_name(o.type)).field("tif", time_in_force_name(o.tif));
    if (o.type == matcher::OrderType::kLimit) j.field_price("price", o.price);
    j.field_quantity("qty", o.quantity)
        .field_quantity("open", o.open)
        .field_quantity("filled", o.filled)
        .field("status", status_name(o.status))
        .end_object();
    return s;
  }

  // ---- requests ----
  void handle(SessionId id, const Request& r) {
    metrics.messages_by_op[static_cast<std::size_t>(r.op)].fetch_add(1, std::memory_order_relaxed);
    auto sit = sessions.find(id);
    if (sit == sessions.end()) return;  // closed while the message was in flight
    SessionState& s = sit->second;
    if (r.op == Op::kPing) {
      std::string m;
      JsonOut j(m);
      j.begin_object().field("type", "pong");
      if (!r.req.empty()) j.key("req").raw(r.req);
      j.field_id("ts", wall_ns()).end_object();
      send(id, std::move(m));
      return;
    }
    if (r.op == Op::kLogin) return login(id, s, r);
    if (!s.participant) return reject(id, r, GatewayReject::kNotLoggedIn);
    switch (r.op) {
      case Op::kNewOrder: return new_order(id, s, r);
      case Op::kCancel: return cancel(id, s, r);
      case Op::kAmend: return amend(id, s, r);
      case Op::kMassCancel: return mass_cancel(id, s, r);
      case Op::kOrderStatus: return order_status(id, s, r);
      case Op::kSubscribe: return subscribe(id, s, r);
      case Op::kUnsubscribe: return unsubscribe(id, s, r);
      case Op::kHalt:
      case Op::kResume:
      case Op::kKill:
      case Op::kReloadReferenceData:
      case Op::kEndOfDay: return operator_action(id, s, r);
      case Op::kLogin:
      case Op::kPing: break;
    }
  }

  void login(SessionId id, SessionState& s, const Request& r) {
    if (s.participant) return reject(id, r, GatewayReject::kAlreadyLoggedIn);
    const KeyEntry* key = keys.find(r.api_key);
    const refdata::Participant* p = key ? catalogue->find_participant(key->participant) : nullptr;
    if (!p) return reject(id, r, GatewayReject::kAuthenticationFailed);
    s.participant = p;
    s.trader = p->has_role(Role::kTrader);
    s.operator_role = p->has_role(Role::kOperator);
    auto& ps = participants[p->id];
    ps.sessions.push_back(id);
    ps.cancel_on_disconnect = key->cancel_on_disconnect;

    std::string m;
    JsonOut j(m);
    j.begin_object().field("type", "login_ack");
    if (!r.req.empty()) j.key("req").raw(r.req);
    j.field("participant", p->code).field_uint("participant_id", p->id).field("name", p->name);
    j.key("roles").begin_array();
    for (Role role : p->roles) j.string(refdata::role_name(role));
    j.end_array();
    j.key("permissions").begin_array();
    for (const auto& perm : p->permissions) {
      j.begin_object().field("commodity", catalogue->commodities()[perm.commodity].code);
      j.key("sides").begin_array();
      if (perm.buy) j.string("buy");
      if (perm.sell) j.string("sell");
      j.end_array().end_object();
    }
    j.end_array();
    j.field_quantity("max_order_qty", p->max_order_quantity)
        .field_price("max_open_buy_value", p->max_open_buy_value)
        .field_price("open_buy_value", ps.open_buy_value)
        .field_bool("cancel_on_disconnect", ps.cancel_on_disconnect)
        .field_bool("batch", r.batch)
        .field_id("session", id)
        .end_object();
    send(id, std::move(m));
  }

  static Pending participant_pending(const SessionState& s) {
    Pending p;
    p.participant = s.participant->id;
    return p;
  }

  // `reference_data`: a reload's catalogue (`c` is then ignored: the exchange builds the command).
  bool submit(SessionId id, const Request& r, matcher::Command c, Pending p,
              std::shared_ptr<const refdata::Catalogue> reference_data = nullptr) {
    const std::uint64_t request = ++next_request;
    exchange::Origin origin{kWebSocketGateway, id, request};
    origin.set_client_order_id(p.cl_ord_id);  // journaled, so the id survives a restart (protocol: <= 36)
    const auto status = reference_data ? exchange.submit_reference_data(std::move(reference_data), p.participant, origin)
                                       : exchange.submit(c, origin);
    if (status != exchange::SubmitStatus::kQueued) {
      GatewayReject code = GatewayReject::kBusy;
      if (status == exchange::SubmitStatus::kStopped) code = GatewayReject::kExchangeStopped;
      if (status == exchange::SubmitStatus::kJournalFull) code = GatewayReject::kJournalFull;
      if (status == exchange::SubmitStatus::kRefused) code = GatewayReject::kNotSupported;
      reject(id, r, code, status == exchange::SubmitStatus::kRefused ? "the journal predates reloads (format 1)" : "");
      return false;
    }
    metrics.commands_submitted.fetch_add(1, std::memory_order_relaxed);
    metrics.pending_commands.fetch_add(1, std::memory_order_relaxed);
    p.session = id;
    p.op = r.op;
    p.req = r.req;
    p.submitted_ns = steady_ns();
    pending.emplace(request, std::move(p));
    return true;
  }

  // Price band and collar of a limit price; 0 when it passes, else the wire code.
  std::uint16_t price_check(const refdata::InstrumentSpec& spec, InstrumentId ins, Price price) const {
    if (price < spec.price_floor || price > spec.price_ceiling) {
      return static_cast<std::uint16_t>(matcher::RejectCode::kPriceOutsideBand);
    }
    if (config.price_collar_bp > 0) {
      if (auto last = books[ins].last_price()) {
        const Wide distance = static_cast<Wide>(price > *last ? price - *last : *last - price) * kBasisPoints;
        if (distance > static_cast<Wide>(*last) * config.price_collar_bp) {
          return static_cast<std::uint16_t>(GatewayReject::kPriceCollar);
        }
      }
    }
    return 0;
  }

  void new_order(SessionId id, SessionState& s, const Request& r) {
    if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "new_order needs the trader role");
    const refdata::Participant& p = *s.participant;
    const auto& spec = catalogue->instruments()[r.instrument];
    const bool buy = r.side == Side::kBuy;
    bool commodity_ok = false;
    bool side_ok = false;
    for (const auto& perm : p.permissions) {
      if (perm.commodity != spec.commodity) continue;
      commodity_ok = true;
      side_ok = buy ? perm.buy : perm.sell;
    }
    if (!commodity_ok) return reject(id, r, GatewayReject::kCommodityNotPermitted, catalogue->commodities()[spec.commodity].code);
    if (!side_ok) return reject(id, r, GatewayReject::kSideNotPermitted, side_name(r.side));
    auto& ps = participants[p.id];
    if (ps.cl_ord_ids.count(r.cl_ord_id)) return reject(id, r, GatewayReject::kDuplicateClientOrderId);
    if (r.quantity > p.max_order_quantity) return reject(id, r, GatewayReject::kOrderQuantityLimit);
    const bool limit = r.order_type == matcher::OrderType::kLimit;
    if (limit) {
      if (auto code = price_check(spec, r.instrument, r.price)) return reject(id, r, code);
    }
    Pending pend;
    pend.participant = p.id;
    pend.cl_ord_id = r.cl_ord_id;
    if (buy) {
      pend.value_price = limit ? r.price : spec.price_ceiling;
      pend.reserved = buy_value(pend.value_price, r.quantity);
      if (saturating_add(saturating_add(ps.open_buy_value, ps.pending_buy_value), pend.reserved) > p.max_open_buy_value) {
        return reject(id, r, GatewayReject::kOpenBuyValueLimit);
      }
    }
    matcher::Command c;
    c.type = matcher::CommandType::kNewOrder;
    c.side = r.side;
    c.order_type = r.order_type;
    c.time_in_force = r.time_in_force;
    c.self_trade = r.self_trade;
    c.post_only = r.post_only;
    c.all_or_none = r.all_or_none;
    c.participant = p.id;
    c.instrument = r.instrument;
    c.price = r.price;
    c.quantity = r.quantity;
    c.display_quantity = r.display_quantity;
    c.min_quantity = r.min_quantity;
    c.expiry = r.expiry;
    c.quality = r.quality;
    c.accepted_grades = r.accepted_grades;
    c.accepted_hubs = r.accepted_hubs;
    const std::int64_t reserved = pend.reserved;
    if (submit(id, r, c, std::move(pend))) {
      ps.pending_buy_value += reserved;
      ps.cl_ord_ids.emplace(r.cl_ord_id, 0);
    }
  }

  // The order a cancel, amend or status names; 0 (and a reject sent) when it cannot be resolved.
  OrderId resolve_target(SessionId id, const SessionState& s, const Request& r) {
    if (r.has_order_id) return r.order_id;
    auto& ids = participants[s.participant->id].cl_ord_ids;
    auto it = ids.find(r.orig_cl_ord_id);
    if (it == ids.end() || it->second == 0) {
      reject(id, r, GatewayReject::kUnknownClientOrderId, r.orig_cl_ord_id);
      return 0;
    }
    return it->second;
  }

  void cancel(SessionId id, SessionState& s, const Request& r) {
    if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "cancel needs the trader role");
    const OrderId target = resolve_target(id, s, r);
    if (target == 0) return;
    matcher::Command c;
    c.type = matcher::CommandType::kCancel;
    c.participant = s.participant->id;
    c.order_id = target;
    submit(id, r, c, participant_pending(s));
  }

  void amend(SessionId id, SessionState& s, const Request& r) {
    if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "amend needs the trader role");
    const OrderId target = resolve_target(id, s, r);
    if (target == 0) return;
    const refdata::Participant& p = *s.participant;
    auto& ps = participants[p.id];
    if (r.has_quantity && r.quantity > p.max_order_quantity) return reject(id, r, GatewayReject::kOrderQuantityLimit);
    Pending pend;
    pend.participant = p.id;
    const OrderRecord* o = find_order(target);
    if (o && o->participant == p.id && o->status == OrderStatus::kOpen) {
      const auto& spec = catalogue->instruments()[o->instrument];
      if (r.has_price && r.price != o->price) {
        if (auto code = price_check(spec, o->instrument, r.price)) return reject(id, r, code);
      }
      if (o->side == Side::kBuy) {
        const Price new_price = r.has_price ? r.price : o->value_price;
        const Quantity new_open = r.has_quantity ? r.quantity : o->open;
        const std::int64_t after = buy_value(new_price, new_open);
        if (after > o->value) {
          pend.reserved = after - o->value;
          if (saturating_add(saturating_add(ps.open_buy_value, ps.pending_buy_value), pend.reserved) >
              p.max_open_buy_value) {
            return reject(id, r, GatewayReject::kOpenBuyValueLimit);
          }
        }
      }
    }
    matcher::Command c;
    c.type = matcher::CommandType::kAmend;
    c.participant = p.id;
    c.order_id = target;
    c.price = r.has_price ? r.price : 0;
    c.quantity = r.has_quantity ? r.quantity : 0;
    if (r.has_bounds || r.has_acceptance) {
      c.replace_quality = true;
      c.quality = r.quality;
      c.accepted_grades = r.accepted_grades;
      c.accepted_hubs = r.accepted_hubs;
    }
    const std::int64_t reserved = pend.reserved;
    if (submit(id, r, c, std::move(pend))) ps.pending_buy_value += reserved;
  }

  void mass_cancel(SessionId id, SessionState& s, const Request& r) {
    if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "mass_cancel needs the trader role");
    matcher::Command c;
    c.type = matcher::CommandType::kMassCancel;
    c.participant = s.participant->id;
    c.instrument = r.instrument;  // kAnyInstrument when absent
    submit(id, r, c, participant_pending(s));
  }

  void order_status(SessionId id, SessionState& s, const Request& r) {
    const OrderId target = resolve_target(id, s, r);
    if (target == 0) return;
    const OrderRecord* o = find_order(target);
    if (!o || (o->participant != s.participant->id && !s.operator_role)) {
      return reject(id, r, GatewayReject::kNotFound);
    }
    send(id, order_status_message(*o, r.req));
  }

  void operator_action(SessionId id, SessionState& s, const Request& r) {
    if (!s.operator_role) return reject(id, r, GatewayReject::kRoleNotPermitted, "needs the operator role");
    matcher::Command c;
    c.participant = s.participant->id;
    switch (r.op) {
      case Op::kHalt:
      case Op::kResume:
        c.type = r.op == Op::kHalt ? matcher::CommandType::kHalt : matcher::CommandType::kResume;
        c.instrument = r.instrument;
        c.commodity = r.commodity;
        break;
      case Op::kKill:
        c.type = matcher::CommandType::kMassCancel;
        c.participant = r.participant;
        c.instrument = matcher::kAnyInstrument;
        break;
      case Op::kEndOfDay:
        c.type = matcher::CommandType::kEndOfDay;
        break;
      default:
        return reload_reference_data(id, s, r);
    }
    submit(id, r, c, participant_pending(s));
  }

  // Re-reads the configured catalogue file, checks it may replace the one in force, and submits it
  // (docs/reference-data.md "Reloading"). The switch happens when its result comes back.
  void reload_reference_data(SessionId id, SessionState& s, const Request& r) {
    if (config.catalogue_file.empty()) return reject(id, r, GatewayReject::kNotSupported, "no catalogue file configured");
    if (reload_in_flight) return reject(id, r, GatewayReject::kBusy, "a reload is in flight");
    std::shared_ptr<const refdata::Catalogue> next;
    try {
      next = std::make_shared<const refdata::Catalogue>(refdata::load_catalogue_file(config.catalogue_file));
    } catch (const std::exception& e) {
      return reject(id, r, GatewayReject::kReferenceDataRefused, e.what());
    }
    if (const std::string problem = refdata::check_reload(*catalogue, *next); !problem.empty()) {
      return reject(id, r, GatewayReject::kReferenceDataRefused, problem);
    }
    reload_in_flight = submit(id, r, {}, participant_pending(s), std::move(next));
  }

  // The engine applied a reload: the gateway's catalogue-derived state follows, and subscribers of
  // the instrument list get the new list.
  void apply_reference_data(const std::shared_ptr<const refdata::Catalogue>& next) {
    if (!next) return;
    catalogue = next;
    catalogues.push_back(next);
    for (const auto& p : catalogue->participants()) {
      if (!participants.count(p.id)) {
        participants[p.id].cancel_on_disconnect = keys.cancel_on_disconnect(p.id, config.cancel_on_disconnect_default);
      }
    }
    for (auto& [session, state] : sessions) {  // names, roles, permissions and limits as now published
      if (!state.participant) continue;
      state.participant = catalogue->find_participant(state.participant->id);
      state.trader = state.participant->has_role(Role::kTrader);
      state.operator_role = state.participant->has_role(Role::kOperator);
    }
    send_all(instruments_subscribers, instruments_message());
  }

  // ---- subscriptions ----
  void subscribed(SessionId id, const Request& r, std::string_view type) {
    std::string m;
    JsonOut j(m);
    j.begin_object().field("type", type);
    if (!r.req.empty()) j.key("req").raw(r.req);
    j.field("channel", channel_name(r.channel));
    if (r.instrument != matcher::kAnyInstrument) j.field("instrument", instrument_code(r.instrument));
    if (r.channel == Channel::kCommodityTop) j.field("commodity", catalogue->commodities()[r.commodity].code);
    j.end_object();
    send(id, std::move(m));
  }

  void subscribe(SessionId id, SessionState& s, const Request& r) {
    const InstrumentId ins = r.instrument;
    bool added = false;
    switch (r.channel) {
      case Channel::kInstruments: added = add_unique(instruments_subscribers, id); break;
      case Channel::kTop: added = add_unique(subscribers[ins].top, id); break;
      case Channel::kDepth: added = add_unique(subscribers[ins].depth, id); break;
      case Channel::kTrades:
        added = add_unique(ins == matcher::kAnyInstrument ? all_trades_subscribers : subscribers[ins].trades, id);
        break;
      case Channel::kCommodityTop: added = add_unique(commodity_subscribers[r.commodity], id); break;
    }
    const InstrumentId key = r.channel == Channel::kCommodityTop ? r.commodity : ins;
    if (added) s.subscriptions.emplace_back(r.channel, key);
    subscribed(id, r, "subscribed");
    switch (r.channel) {
      case Channel::kInstruments: send(id, instruments_message()); break;
      case Channel::kTop: send(id, top_message(ins)); break;
      case Channel::kDepth: send(id, depth_snapshot(ins)); break;
      case Channel::kTrades:
        if (ins != matcher::kAnyInstrument) send(id, trades_snapshot(ins));
        break;
      case Channel::kCommodityTop: send(id, commodity_top_message(r.commodity)); break;
    }
  }

  // A commodity's best base-equivalent bid and offer across all its instruments and quality bids.
  Message commodity_top_message(std::uint32_t commodity) const {
    const Event& e = commodity_tops[commodity];
    std::string m;
    JsonOut j(m);
    j.begin_object().field("type", "commodity_top").field("commodity", catalogue->commodities()[commodity].code);
    j.key("bid");
    e.has_bid ? void(j.price(e.price)) : void(j.null());
    j.key("ask");
    e.has_ask ? void(j.price(e.ask)) : void(j.null());
    if (e.seq != 0) j.field_id("seq", e.seq);
    j.end_object();
    return std::make_shared<const std::string>(std::move(m));
  }

  void remove_subscription(SessionId id, Channel channel, InstrumentId ins) {
    switch (channel) {
      case Channel::kInstruments: remove_one(instruments_subscribers, id); break;
      case Channel::kTop: remove_one(subscribers[ins].top, id); break;
      case Channel::kDepth: remove_one(subscribers[ins].depth, id); break;
      case Channel::kTrades:
        remove_one(ins == matcher::kAnyInstrument ? all_trades_subscribers : subscribers[ins].trades, id);
        break;
      case Channel::kCommodityTop:
        if (ins < commodity_subscribers.size()) remove_one(commodity_subscribers[ins], id);
        break;
    }
  }

  void unsubscribe(SessionId id, SessionState& s, const Request& r) {
    const InstrumentId key = r.channel == Channel::kCommodityTop ? r.commodity : r.instrument;
    remove_subscription(id, r.channel, key);
    std::erase(s.subscriptions, std::make_pair(r.channel, key));
    subscribed(id, r, "unsubscribed");
  }

  // ---- market data messages ----
  void instrument_json(JsonOut& j, const refdata::InstrumentSpec& spec) const {
    const auto& grade = catalogue->grades()[spec.grade];
    const auto& hub = catalogue->hubs()[spec.hub];
    j.begin_object()
        .field_uint("id", spec.id)
        .field("code", spec.code)
        .field("commodity", catalogue->commodities()[spec.commodity].code)
        .field("grade", grade.code)
        .field("grade_name", grade.name)
        .field("standard", grade.standard)
        .field("hub", hub.code)
        .field("hub_name", hub.name)
        .field("currency", "CNY/t")
        .field_price("tick_size", spec.tick_size)
        .field_quantity("lot_minimum", spec.lot_minimum)
        .field_quantity("lot_increment", spec.lot_increment)
        .field_price("price_floor", spec.price_floor)
        .field_price("price_ceiling", spec.price_ceiling)
        .field_price("differential_to_base", catalogue->differential_to_base(spec))
        .field_bool("halted", books[spec.id].halted);
    // The grade's quality limits: what an assay must meet, and the attributes bounds may name.
    j.key("quality").begin_array();
    for (const auto& range : spec.quality) {
      if (range.attribute >= catalogue->attributes().size()) continue;
      const auto& a = catalogue->attributes()[range.attribute];
      j.begin_object().field("attribute", a.code).field("unit", a.unit);
      if (range.min != refdata::kNoLowerLimit) j.field("min", refdata::format_decimal(range.min, a.scale));
      if (range.max != refdata::kNoUpperLimit) j.field("max", refdata::format_decimal(range.max, a.scale));
      j.end_object();
    }
    j.end_array();
    j.key("last_price");
    if (auto last = books[spec.id].last_price()) {
      j.price(*last);
    } else {
      j.null();
    }
    j.end_object();
  }

  std::string instruments_json() const {
    std::string m;
    JsonOut j(m);
    j.begin_object()
        .field("catalogue_version", catalogue->version())
        .field("catalogue_hash", catalogue->content_hash())
        .key("instruments")
        .begin_array();
    for (const auto& spec : catalogue->instruments()) instrument_json(j, spec);
    j.end_array().end_object();
    return m;
  }

  Message instruments_message() const {
    std::string m = R"({"type":"instruments",)";
    std::string body = instruments_json();
    m.append(body, 1, std::string::npos);
    return std::make_shared<const std::string>(std::move(m));
  }

  Message top_message(InstrumentId ins) const {
    std::string m;
    JsonOut j(m);
    const InstrumentBook& b = books[ins];
    const TopOfBook t = b.top();
    j.begin_object().field("type", "top").field("instrument", instrument_code(ins)).field_uint("book_seq", b.sequence());
    j.key("bid");
    t.bid ? write_level(j, *t.bid) : void(j.null());
    j.key("ask");
    t.ask ? write_level(j, *t.ask) : void(j.null());
    j.field_bool("halted", b.halted).end_object();
    return std::make_shared<const std::string>(std::move(m));
  }

  std::string book_json(InstrumentId ins, std::string_view type) const {
    std::string m;
    JsonOut j(m);
    const InstrumentBook& b = books[ins];
    j.begin_object();
    if (!type.empty()) j.field("type", type);
    j.field("instrument", instrument_code(ins)).field_uint("book_seq", b.sequence()).field_bool("halted", b.halted);
    j.key("bids").begin_array();
    for (const auto& l : b.levels(Side::kBuy, SIZE_MAX)) write_level(j, l);
    j.end_array().key("asks").begin_array();
    for (const auto& l : b.levels(Side::kSell, SIZE_MAX)) write_level(j, l);
    j.end_array().end_object();
    return m;
  }

  Message depth_snapshot(InstrumentId ins) const {
    return std::make_shared<const std::string>(book_json(ins, "depth_snapshot"));
  }

  void trade_json(JsonOut& j, InstrumentId ins, const TradePrint& t) const {
    j.begin_object()
        .field("instrument", instrument_code(ins))
        .field_id("trade_id", t.id)
        .field_price("price", t.price)
        .field_quantity("qty", t.quantity)
        .field("aggressor", side_name(t.aggressor))
        .field_id("ts", t.timestamp)
        .end_object();
  }

  std::string trades_json(InstrumentId ins, std::string_view type) const {
    std::string m;
    JsonOut j(m);
    j.begin_object();
    if (!type.empty()) j.field("type", type);
    j.field("instrument", instrument_code(ins)).key("trades").begin_array();
    for (const auto& t : books[ins].recent_trades()) trade_json(j, ins, t);
    j.end_array().end_object();
    return m;
  }

  Message trades_snapshot(InstrumentId ins) const {
    return std::make_shared<const std::string>(trades_json(ins, "trades_snapshot"));
  }

  // ---- results ----
  // The client order ids of the recovered open orders, from the journaled origins of the commands
  // that created them (order id = that command's seq): reserved again, and usable by cancel, amend
  // and order_status, as before the restart. Ids of orders that finished before it are free.
  void restore_client_order_ids(const matcher::EngineSnapshot& state) {
    std::vector<std::uint64_t> seqs;
    seqs.reserve(state.orders.size());
    for (const auto& o : state.orders) seqs.push_back(o.id);
    const std::vector<exchange::Origin> origins = exchange.command_origins(seqs);
    for (std::size_t i = 0; i < origins.size() && i < seqs.size(); ++i) {
      const std::string_view cl_ord_id = origins[i].client_order_id();
      if (origins[i].gateway != kWebSocketGateway || cl_ord_id.empty()) continue;
      OrderRecord* rec = find_order(seqs[i]);
      if (!rec) continue;
      rec->cl_ord_id = cl_ord_id;
      participants[rec->participant].cl_ord_ids[rec->cl_ord_id] = rec->id;
    }
  }

  void on_recovered(const matcher::EngineSnapshot& state) {
    recovered = true;
    load_levels(books, state);
    for (const auto& o : state.orders) {
      OrderRecord rec;
      rec.id = o.id;
      rec.participant = o.participant;
      rec.instrument = o.instrument;
      rec.side = o.side;
      rec.tif = o.time_in_force;
      rec.price = o.price;
      rec.value_price = o.price;
      rec.quantity = o.open;
      set_open(rec, o.open);
      orders.emplace(rec.id, std::move(rec));
      ++live;
    }
    restore_client_order_ids(state);
    for (std::size_t i = 0; i < books.size(); ++i) last_top[i] = books[i].top();
  }

  void on_results(const ResultBatch& batch) {
    const std::uint64_t now = steady_ns();
    metrics.result_handover.record(now - std::min(now, batch.received_ns));
    for (const auto& item : batch.items) {
      Pending* pend = nullptr;
      auto pit = pending.end();
      if (item.origin.gateway == kWebSocketGateway) {
        pit = pending.find(item.origin.request);
        if (pit != pending.end()) pend = &pit->second;
      }
      if (pend) {
        metrics.pending_commands.fetch_sub(1, std::memory_order_relaxed);
        metrics.submit_to_result.record(batch.received_ns - std::min(batch.received_ns, pend->submitted_ns));
        auto& ps = participants[pend->participant];
        ps.pending_buy_value -= pend->reserved;
      }
      const std::uint64_t now_wall = wall_ns();
      if (item.command.timestamp != 0 && now_wall > item.command.timestamp) {
        metrics.sequenced_to_published.record(now_wall - item.command.timestamp);
      }
      if (item.reference_data) reload_in_flight = false;  // done, whatever its outcome
      if (item.status != exchange::SubmitStatus::kQueued) {
        if (pend) journal_full(*pend);
      } else {
        process(item, std::span<const Event>(batch.events.data() + item.first_event, item.event_count), pend);
      }
      if (pit != pending.end()) pending.erase(pit);
    }
    flush();
  }

  // The exchange could not journal the command, so it never ran.
  void journal_full(const Pending& p) {
    const auto code = static_cast<std::uint16_t>(GatewayReject::kJournalFull);
    metrics.count_reject(code);
    send(p.session, reject_message(p.req, op_name(p.op), code, {}, p.cl_ord_id));
    if (!p.cl_ord_id.empty()) {
      auto& ids = participants[p.participant].cl_ord_ids;
      auto it = ids.find(p.cl_ord_id);
      if (it != ids.end() && it->second == 0) ids.erase(it);
    }
  }

  void process(const ResultBatch::Item& item, std::span<const Event> events, Pending* pend) {
    const matcher::Command& c = item.command;
    const SessionId requester = pend ? pend->session : 0;
    std::uint32_t cancels = 0;
    std::uint32_t status_changes = 0;
    std::uint32_t expiries = 0;
    bool rejected = false;
    level_changes.clear();
    for (const Event& e : events) {
      switch (e.type) {
        case EventType::kAccepted: {
          OrderRecord rec;
          rec.id = e.order_id;
          rec.participant = e.participant;
          rec.instrument = e.instrument;
          rec.side = e.side;
          rec.type = c.order_type;
          rec.tif = c.time_in_force;
          rec.price = e.price;
          rec.value_price = pend ? pend->value_price : e.price;
          if (rec.value_price == 0 && e.side == Side::kBuy && e.instrument < catalogue->instruments().size()) {
            rec.value_price = catalogue->instruments()[e.instrument].price_ceiling;
          }
          rec.quantity = e.quantity;
          rec.session = requester;
          if (pend) {
            rec.cl_ord_id = pend->cl_ord_id;
            if (!rec.cl_ord_id.empty()) participants[rec.participant].cl_ord_ids[rec.cl_ord_id] = rec.id;
          }
          set_open(rec, e.quantity);
          ++live;
          auto [it, inserted] = orders.insert_or_assign(rec.id, std::move(rec));
          if (requester) send(requester, ack_message(it->second, e, pend->req));
          break;
        }
        case EventType::kRejected:
          rejected = true;
          if (pend) {
            metrics.count_reject(static_cast<std::uint16_t>(e.reject));
            std::string detail;
            if (e.reject == matcher::RejectCode::kAssayOutOfSpec && e.attribute < catalogue->attributes().size()) {
              detail = "attribute " + catalogue->attributes()[e.attribute].code;
            }
            std::string m = reject_message(pend->req, op_name(pend->op), static_cast<std::uint16_t>(e.reject),
                                           detail, pend->cl_ord_id);
            if (e.order_id != 0) {
              m.pop_back();
              m += ",\"order_id\":\"";
              append_uint(m, e.order_id);
              m += "\"}";
            }
            send(requester, std::move(m));
            if (!pend->cl_ord_id.empty()) {
              auto& ids = participants[pend->participant].cl_ord_ids;
              auto it = ids.find(pend->cl_ord_id);
              if (it != ids.end() && it->second == 0) ids.erase(it);
            }
          }
          break;
        case EventType::kTrade:
          trade(e);
          break;
        case EventType::kAmended:
          if (OrderRecord* o = find_order(e.order_id)) {
            o->price = e.price;
            if (o->side == Side::kBuy) o->value_price = e.price;
            o->quantity = o->filled + e.quantity;
            set_open(*o, e.quantity);
            std::string m;
            JsonOut j(m);
            j.begin_object().field("type", "amended");
            if (pend && pend->op == Op::kAmend) {
              if (!pend->req.empty()) j.key("req").raw(pend->req);
            }
            order_fields(j, *o);
            j.field_price("price", e.price)
                .field_quantity("open", e.quantity)
                .field_bool("priority_kept", e.priority_kept)
                .field_id("seq", e.seq)
                .field_id("ts", e.timestamp)
                .end_object();
            auto msg = std::make_shared<const std::string>(std::move(m));
            for_route(*o, requester, [&](SessionId s) { send(s, msg); });
          }
          break;
        case EventType::kCancelled:
          ++cancels;
          if (OrderRecord* o = find_order(e.order_id)) {
            set_open(*o, e.leaves);
            if (e.leaves == 0) finish(*o, OrderStatus::kCancelled);
            std::string m;
            JsonOut j(m);
            j.begin_object().field("type", "cancelled");
            if (pend && pend->op == Op::kCancel && !pend->req.empty()) j.key("req").raw(pend->req);
            order_fields(j, *o);
            j.field("reason", cancel_reason_text(e.cancel_reason))
                .field_quantity("qty", e.quantity)
                .field_quantity("leaves", e.leaves)
                .field_id("seq", e.seq)
                .field_id("ts", e.timestamp)
                .end_object();
            auto msg = std::make_shared<const std::string>(std::move(m));
            const bool tell_requester = pend && (pend->op == Op::kCancel || pend->op == Op::kNewOrder);
            for_route(*o, tell_requester ? requester : 0, [&](SessionId s) { send(s, msg); });
          }
          break;
        case EventType::kExpired:
          ++expiries;
          if (OrderRecord* o = find_order(e.order_id)) {
            finish(*o, OrderStatus::kExpired);
            std::string m;
            JsonOut j(m);
            j.begin_object().field("type", "expired");
            order_fields(j, *o);
            j.field("reason", e.expiry_reason == matcher::ExpiryReason::kEndOfDay ? "end_of_day" : "good_till_date")
                .field_quantity("qty", e.quantity)
                .field_id("seq", e.seq)
                .field_id("ts", e.timestamp)
                .end_object();
            auto msg = std::make_shared<const std::string>(std::move(m));
            for_route(*o, 0, [&](SessionId s) { send(s, msg); });
          }
          break;
        case EventType::kBookLevel:
          level_changes.push_back({e.instrument, {e.side, {e.price, e.quantity, e.order_count}}});
          break;
        case EventType::kCommodityTop:
          if (e.commodity < commodity_tops.size()) {
            commodity_tops[e.commodity] = e;
            if (!commodity_subscribers[e.commodity].empty()) {
              send_all(commodity_subscribers[e.commodity], commodity_top_message(e.commodity));
            }
          }
          break;
        case EventType::kTradingStatus:
          ++status_changes;
          if (e.instrument < books.size()) {
            books[e.instrument].halted = e.halted;
            std::string m;
            JsonOut j(m);
            j.begin_object()
                .field("type", "trading_status")
                .field("instrument", instrument_code(e.instrument))
                .field_bool("halted", e.halted)
                .field_id("seq", e.seq)
                .field_id("ts", e.timestamp)
                .end_object();
            auto msg = std::make_shared<const std::string>(std::move(m));
            send_all(instruments_subscribers, msg);
            send_all(subscribers[e.instrument].top, msg);
            send_all(subscribers[e.instrument].depth, msg);
          }
          break;
        case EventType::kReferenceData: apply_reference_data(item.reference_data); break;
      }
    }
    publish_levels();
    if (pend && !rejected && pend->op == Op::kReloadReferenceData) {
      std::string m;
      JsonOut j(m);
      j.begin_object().field("type", "operator_ack");
      if (!pend->req.empty()) j.key("req").raw(pend->req);
      j.field("op", op_name(pend->op))
          .field("catalogue_version", catalogue->version())
          .field("catalogue_hash", catalogue->content_hash())
          .field_id("seq", c.seq)
          .field_id("ts", c.timestamp)
          .end_object();
      send(requester, std::move(m));
    } else if (pend && !rejected) {
      const char* type = nullptr;
      std::uint32_t count = 0;
      switch (pend->op) {
        case Op::kMassCancel: type = "mass_cancel_ack"; count = cancels; break;
        case Op::kKill: type = "operator_ack"; count = cancels; break;
        case Op::kHalt:
        case Op::kResume: type = "operator_ack"; count = status_changes; break;
        case Op::kEndOfDay: type = "operator_ack"; count = expiries; break;
        default: break;
      }
      if (type) {
        std::string m;
        JsonOut j(m);
        j.begin_object().field("type", type);
        if (!pend->req.empty()) j.key("req").raw(pend->req);
        j.field("op", op_name(pend->op))
            .field_uint(pend->op == Op::kHalt || pend->op == Op::kResume ? "instruments_changed"
                        : pend->op == Op::kEndOfDay                       ? "expired"
                                                                          : "cancelled",
                        count)
            .field_id("seq", c.seq)
            .field_id("ts", c.timestamp)
            .end_object();
        send(requester, std::move(m));
      }
    }
  }

  void fill(OrderRecord& o, const Event& e, Quantity leaves, bool maker) {
    o.filled += e.quantity;
    set_open(o, leaves);
    if (leaves == 0) finish(o, OrderStatus::kFilled);
    std::string m;
    m.reserve(300);
    JsonOut j(m);
    j.begin_object().field("type", "fill");
    order_fields(j, o);
    j.field_id("trade_id", e.trade_id)
        .field_price("price", e.price)
        .field_price("base_price", e.base_price)
        .field_quantity("qty", e.quantity)
        .field_quantity("leaves", leaves)
        .field("liquidity", maker ? "maker" : "taker")
        .field_id("seq", e.seq)
        .field_id("ts", e.timestamp)
        .end_object();
    auto msg = std::make_shared<const std::string>(std::move(m));
    for_route(o, 0, [&](SessionId s) { send(s, msg); });
  }

  void trade(const Event& e) {
    metrics.trades.fetch_add(1, std::memory_order_relaxed);
    if (OrderRecord* maker = find_order(e.order_id)) fill(*maker, e, e.leaves, true);
    if (OrderRecord* taker = find_order(e.taker_order_id)) fill(*taker, e, e.taker_leaves, false);
    if (e.instrument >= books.size()) return;
    const TradePrint t{e.trade_id, e.price, e.quantity, e.side, e.timestamp};
    books[e.instrument].record_trade(t, config.recent_trades);
    const auto& subs = subscribers[e.instrument].trades;
    if (subs.empty() && all_trades_subscribers.empty()) return;
    std::string m;
    JsonOut j(m);
    j.begin_object()
        .field("type", "trade")
        .field("instrument", instrument_code(e.instrument))
        .field_id("trade_id", e.trade_id)
        .field_price("price", e.price)
        .field_price("base_price", e.base_price)
        .field_quantity("qty", e.quantity)
        .field("aggressor", side_name(e.side))
        .field_id("seq", e.seq)
        .field_id("ts", e.timestamp)
        .end_object();
    auto msg = std::make_shared<const std::string>(std::move(m));
    send_all(subs, msg);
    send_all(all_trades_subscribers, msg);
  }

  // BOOK_LEVELs of one command come ordered by instrument: one depth update (and perhaps one top
  // update) per instrument the command changed.
  void publish_levels() {
    std::size_t i = 0;
    while (i < level_changes.size()) {
      const InstrumentId ins = level_changes[i].first;
      std::size_t end = i;
      while (end < level_changes.size() && level_changes[end].first == ins) ++end;
      if (ins >= books.size()) {
        i = end;
        continue;
      }
      InstrumentBook& book = books[ins];
      bool changed = false;
      for (std::size_t k = i; k < end; ++k) changed |= book.apply(level_changes[k].second.side, level_changes[k].second.level);
      if (changed) {
        const std::uint64_t seq = book.next_sequence();
        const auto& depth = subscribers[ins].depth;
        if (!depth.empty()) {
          std::string m;
          JsonOut j(m);
          j.begin_object().field("type", "depth_update").field("instrument", instrument_code(ins)).field_uint("book_seq", seq);
          j.key("changes").begin_array();
          for (std::size_t k = i; k < end; ++k) {
            const auto& ch = level_changes[k].second;
            j.begin_object()
                .field("side", side_name(ch.side))
                .field_price("price", ch.level.price)
                .field_quantity("qty", ch.level.quantity)
                .field_uint("orders", ch.level.orders)
                .end_object();
          }
          j.end_array().end_object();
          send_all(depth, std::make_shared<const std::string>(std::move(m)));
        }
        const TopOfBook top = book.top();
        if (!(top == last_top[ins])) {
          last_top[ins] = top;
          if (!subscribers[ins].top.empty()) send_all(subscribers[ins].top, top_message(ins));
        }
      }
      i = end;
    }
  }

  // ---- sessions ----
  void close_session(SessionId id) {
    auto it = sessions.find(id);
    if (it == sessions.end()) return;
    SessionState s = std::move(it->second);
    sessions.erase(it);
    out.erase(id);
    for (const auto& [channel, ins] : s.subscriptions) remove_subscription(id, channel, ins);
    if (!s.participant) return;
    auto& ps = participants[s.participant->id];
    std::erase(ps.sessions, id);
    if (ps.sessions.empty() && ps.cancel_on_disconnect && s.trader) {
      matcher::Command c;
      c.type = matcher::CommandType::kMassCancel;
      c.participant = s.participant->id;
      c.instrument = matcher::kAnyInstrument;
      if (exchange.submit(c, {kWebSocketGateway, id, ++next_request}) == exchange::SubmitStatus::kQueued) {
        metrics.commands_submitted.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
};

GatewayCore::GatewayCore(const refdata::Catalogue& catalogue, const KeyStore& keys, CoreConfig config,
                         ExchangePort& exchange, Outbox& outbox, GatewayMetrics& metrics)
    : impl_(std::make_unique<Impl>(catalogue, keys, config, exchange, outbox, metrics)) {}
GatewayCore::~GatewayCore() = default;

void GatewayCore::open_session(SessionId session) { impl_->sessions.try_emplace(session); }
void GatewayCore::close_session(SessionId session) {
  impl_->close_session(session);
  impl_->flush();
}
void GatewayCore::handle(SessionId session, const Request& request) {
  impl_->handle(session, request);
  impl_->flush();
}
void GatewayCore::on_recovered(const matcher::EngineSnapshot& state) { impl_->on_recovered(state); }
void GatewayCore::on_results(const ResultBatch& batch) { impl_->on_results(batch); }
void GatewayCore::load_trades(std::span<const matcher::Event> trades) {
  for (const auto& e : trades) {
    if (e.type != EventType::kTrade || e.instrument >= impl_->books.size()) continue;
    impl_->books[e.instrument].record_trade({e.trade_id, e.price, e.quantity, e.side, e.timestamp},
                                            impl_->config.recent_trades);
  }
}
std::string GatewayCore::instruments_json() const { return impl_->instruments_json(); }
const refdata::Catalogue& GatewayCore::catalogue() const { return *impl_->catalogue; }
std::string GatewayCore::book_json(matcher::InstrumentId instrument) const { return impl_->book_json(instrument, {}); }
std::string GatewayCore::trades_json(matcher::InstrumentId instrument) const { return impl_->trades_json(instrument, {}); }
bool GatewayCore::recovered() const { return impl_->recovered; }
std::size_t GatewayCore::live_orders() const { return impl_->live; }
std::size_t GatewayCore::session_count() const { return impl_->sessions.size(); }

}  // namespace rex::gateway
