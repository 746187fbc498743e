// GatewayCore's orders: the order table and the participants' open buy value, the risk checks
// (permissions, quantity, price band and collar, open buy value), client order ids, and the
// requests that enter, cancel, amend, mass-cancel and look up orders.
#include "gateway/core_state.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace rex::gateway {

namespace {

using matcher::Event;
using matcher::InstrumentId;
using matcher::OrderId;
using matcher::Price;
using matcher::Quantity;
using matcher::Side;

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

std::string_view status_name(OrderStatus s) {
  switch (s) {
    case OrderStatus::kOpen: return "open";
    case OrderStatus::kFilled: return "filled";
    case OrderStatus::kCancelled: return "cancelled";
    case OrderStatus::kExpired: return "expired";
  }
  return "?";
}

}  // namespace

void GatewayCore::Impl::set_open(OrderRecord& o, Quantity open) {
  o.open = open;
  const std::int64_t v = o.side == Side::kBuy ? buy_value(o.value_price, open) : 0;
  auto& p = participants[o.participant];
  p.open_buy_value = saturating_add(p.open_buy_value, v - o.value);
  o.value = v;
}

void GatewayCore::Impl::finish(OrderRecord& o, OrderStatus status) {
  if (o.status != OrderStatus::kOpen) return;
  set_open(o, 0);
  if (o.side == Side::kBuy && !quality_bids.empty()) quality_bids.erase(o.id);
  o.status = status;
  --live;
  finished.push_back(o.id);
  while (finished.size() > config.finished_orders_kept) {
    const OrderRecord* old = orders.find(finished.front());
    finished.pop_front();
    if (old == nullptr) continue;
    if (!old->cl_ord_id.empty()) cl_ord_ids.release(old->participant, old->cl_ord_id, old->id);
    orders.erase(*old);
  }
}

OrderRecord* GatewayCore::Impl::find_order(OrderId id) {
  return orders.find(id);
}

// The quality terms the engine took for order `id` (a new buy's, or a replace_quality amend's),
// sets of 0 resolved to the instrument's own grade and hub as the engine resolves them. Kept only
// if the engine made a quality bid of it: bounds, or another instrument than its own accepted.
void GatewayCore::Impl::keep_quality_terms(OrderId id, InstrumentId ins, const matcher::QualityTerms& bounds,
                                           std::uint64_t accepted_grades, std::uint64_t accepted_hubs) {
  const auto& instruments = catalogue->instruments();
  if (ins >= instruments.size()) return;
  const refdata::InstrumentSpec& own = instruments[ins];
  const std::uint64_t grades = accepted_grades != 0 ? accepted_grades : std::uint64_t{1} << own.grade;
  const std::uint64_t hubs = accepted_hubs != 0 ? accepted_hubs : std::uint64_t{1} << own.hub;
  bool accepts_another = false;
  for (const auto& spec : instruments) {
    const bool accepted = spec.commodity == own.commodity && ((grades >> spec.grade) & 1u) != 0 &&
                          ((hubs >> spec.hub) & 1u) != 0;
    accepts_another = accepts_another || (accepted && spec.id != own.id);
  }
  if (bounds.count == 0 && !accepts_another) {
    quality_bids.erase(id);
    return;
  }
  quality_bids.insert_or_assign(id, QualityBidTerms{bounds, grades, hubs});
}

// Which of QUALITY_NOT_AMENDABLE's cases an amend of order `id` met: the engine's code covers them all.
std::string_view GatewayCore::Impl::not_amendable_detail(OrderId id) {
  if (quality_bids.count(id) != 0) return "the new terms have no bounds and accept only the order's own instrument";
  const OrderRecord* o = find_order(id);
  if (o != nullptr && o->side == Side::kSell) return "the order is a sell, and its assay stays as entered";
  return "the order is a plain order";
}

void GatewayCore::Impl::order_fields(JsonOut& j, const OrderRecord& o, matcher::InstrumentId instrument) {
  j.field_id("order_id", o.id);
  if (!o.cl_ord_id.empty()) j.field("cl_ord_id", o.cl_ord_id);
  j.field("instrument", instrument_code(instrument)).field("side", side_name(o.side));
}

std::string GatewayCore::Impl::ack_message(const OrderRecord& o, const Event& e, std::string_view req) {
  std::string s = message_text();
  JsonOut j(s);
  j.begin_object().field("type", "ack");
  if (!req.empty()) j.key("req").raw(req);
  order_fields(j, o);
  j.field("order_type", order_type_name(o.type)).field("tif", time_in_force_name(o.tif));
  if (o.type == matcher::OrderType::kLimit) j.field_price("price", o.price);
  j.field_quantity("qty", o.quantity).field_id("seq", e.seq).field_id("ts", e.timestamp).end_object();
  return s;
}

std::string GatewayCore::Impl::order_status_message(const OrderRecord& o, std::string_view req) {
  std::string s = message_text();
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

Pending GatewayCore::Impl::participant_pending(const SessionState& s) {
  Pending p;
  p.participant = s.participant->id;
  return p;
}

// `reference_data`: a reload's catalogue (`c` is then ignored: the exchange builds the command).
bool GatewayCore::Impl::submit(SessionId id, const Request& r, matcher::Command c, Pending p,
                               std::shared_ptr<const refdata::Catalogue> reference_data) {
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
  p.request = request;
  pending.push_back(std::move(p));
  return true;
}

// Price band and collar of a limit price; 0 when it passes, else the wire code.
std::uint16_t GatewayCore::Impl::price_check(const refdata::InstrumentSpec& spec, InstrumentId ins, Price price) const {
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

void GatewayCore::Impl::new_order(SessionId id, SessionState& s, const Request& r) {
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
  // The id is taken now (0: in flight) and given back if the order goes no further: one lookup in
  // the id table instead of a check now and an insert later.
  OrderId* slot = cl_ord_ids.claim(p.id, r.cl_ord_id);
  if (slot == nullptr) return reject(id, r, GatewayReject::kDuplicateClientOrderId);
  if (!enter_order(id, r, p, spec, ps, slot)) cl_ord_ids.release(p.id, r.cl_ord_id, 0);
}

// new_order past its permission and id checks: limits, then the exchange. True once submitted.
bool GatewayCore::Impl::enter_order(SessionId id, const Request& r, const refdata::Participant& p,
                                    const refdata::InstrumentSpec& spec, ParticipantState& ps, OrderId* cl_ord_slot) {
  const bool buy = r.side == Side::kBuy;
  if (r.quantity > p.max_order_quantity) {
    reject(id, r, GatewayReject::kOrderQuantityLimit);
    return false;
  }
  const bool limit = r.order_type == matcher::OrderType::kLimit;
  if (limit) {
    if (auto code = price_check(spec, r.instrument, r.price)) {
      reject(id, r, code);
      return false;
    }
  }
  Pending pend;
  pend.participant = p.id;
  pend.cl_ord_id = r.cl_ord_id;
  pend.cl_ord_slot = cl_ord_slot;
  if (buy) {
    pend.value_price = limit ? r.price : spec.price_ceiling;
    pend.reserved = buy_value(pend.value_price, r.quantity);
    if (saturating_add(saturating_add(ps.open_buy_value, ps.pending_buy_value), pend.reserved) > p.max_open_buy_value) {
      reject(id, r, GatewayReject::kOpenBuyValueLimit);
      return false;
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
  if (!submit(id, r, c, std::move(pend))) return false;
  ps.pending_buy_value += reserved;
  return true;
}

// The order a cancel, amend or status names; 0 (and a reject sent) when it cannot be resolved.
OrderId GatewayCore::Impl::resolve_target(SessionId id, const SessionState& s, const Request& r) {
  if (r.has_order_id) return r.order_id;
  const OrderId order = cl_ord_ids.find(s.participant->id, r.orig_cl_ord_id);
  if (order != 0) return order;
  // Its new_order was sent before this and is still in flight: answer once it is known, as if the
  // two had been served one after the other.
  if (cl_ord_ids.in_flight(s.participant->id, r.orig_cl_ord_id) && waiting_for_order.size() < kMaxWaitingForOrder) {
    waiting_for_order.emplace_back(id, r);
    return 0;
  }
  reject(id, r, GatewayReject::kUnknownClientOrderId, r.orig_cl_ord_id);
  return 0;
}

void GatewayCore::Impl::serve_waiting_for_order() {
  std::vector<std::pair<SessionId, Request>> waiting;
  waiting.swap(waiting_for_order);
  for (auto& [id, r] : waiting) {
    auto sit = sessions.find(id);
    if (sit == sessions.end()) continue;  // its session closed meanwhile
    if (cl_ord_ids.in_flight(sit->second.participant->id, r.orig_cl_ord_id)) {
      waiting_for_order.emplace_back(id, std::move(r));
    } else {
      serve(id, sit->second, r);
    }
  }
}

void GatewayCore::Impl::cancel(SessionId id, SessionState& s, const Request& r) {
  if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "cancel needs the trader role");
  const OrderId target = resolve_target(id, s, r);
  if (target == 0) return;
  matcher::Command c;
  c.type = matcher::CommandType::kCancel;
  c.participant = s.participant->id;
  c.order_id = target;
  submit(id, r, c, participant_pending(s));
}

void GatewayCore::Impl::amend(SessionId id, SessionState& s, const Request& r) {
  if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "amend needs the trader role");
  const OrderId target = resolve_target(id, s, r);
  if (target == 0) return;
  const refdata::Participant& p = *s.participant;
  auto& ps = participants[p.id];
  if (r.has_quantity && r.quantity > p.max_order_quantity) {
    return reject(id, r, GatewayReject::kOrderQuantityLimit, {}, target);
  }
  Pending pend;
  pend.participant = p.id;
  const QualityBidTerms* terms = nullptr;  // in force, when the order is one of the participant's quality bids
  const OrderRecord* o = find_order(target);
  if (o && o->participant == p.id && o->status == OrderStatus::kOpen) {
    if (auto it = quality_bids.find(target); it != quality_bids.end()) terms = &it->second;
    const auto& spec = catalogue->instruments()[o->instrument];
    if (r.has_price && r.price != o->price) {
      if (auto code = price_check(spec, o->instrument, r.price)) return reject(id, r, code, {}, target);
    }
    if (o->side == Side::kBuy) {
      const Price new_price = r.has_price ? r.price : o->value_price;
      const Quantity new_open = r.has_quantity ? r.quantity : o->open;
      const std::int64_t after = buy_value(new_price, new_open);
      if (after > o->value) {
        pend.reserved = after - o->value;
        if (saturating_add(saturating_add(ps.open_buy_value, ps.pending_buy_value), pend.reserved) >
            p.max_open_buy_value) {
          return reject(id, r, GatewayReject::kOpenBuyValueLimit, {}, target);
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
  if (r.has_bounds || r.has_accepted_grades || r.has_accepted_hubs) {
    // The terms not given stay as they are; the command carries the whole new set, so the journal
    // holds the terms in force. An order not known as a quality bid gets just what was given, and
    // the engine's reject says why it cannot take it.
    c.replace_quality = true;
    c.quality = r.has_bounds || terms == nullptr ? r.quality : terms->bounds;
    c.accepted_grades = r.has_accepted_grades || terms == nullptr ? r.accepted_grades : terms->accepted_grades;
    c.accepted_hubs = r.has_accepted_hubs || terms == nullptr ? r.accepted_hubs : terms->accepted_hubs;
  }
  const std::int64_t reserved = pend.reserved;
  if (submit(id, r, c, std::move(pend))) ps.pending_buy_value += reserved;
}

void GatewayCore::Impl::mass_cancel(SessionId id, SessionState& s, const Request& r) {
  if (!s.trader) return reject(id, r, GatewayReject::kRoleNotPermitted, "mass_cancel needs the trader role");
  matcher::Command c;
  c.type = matcher::CommandType::kMassCancel;
  c.participant = s.participant->id;
  c.instrument = r.instrument;  // kAnyInstrument when absent
  submit(id, r, c, participant_pending(s));
}

void GatewayCore::Impl::order_status(SessionId id, SessionState& s, const Request& r) {
  const OrderId target = resolve_target(id, s, r);
  if (target == 0) return;
  const OrderRecord* o = find_order(target);
  if (!o || (o->participant != s.participant->id && !s.operator_role)) {
    return reject(id, r, GatewayReject::kNotFound);
  }
  send(id, order_status_message(*o, r.req));
}

}  // namespace rex::gateway
