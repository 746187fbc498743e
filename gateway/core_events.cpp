// GatewayCore's side of the exchange's output: the recovered state at start-up, and each batch
// of command results dispatched event by event to the order table, the requesters and the
// subscribers (acks, rejects, fills, cancels, expiries, trades, trading status, operator acks).
#include "gateway/core_state.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "gateway/log.hpp"

namespace rex::gateway {

namespace {

using matcher::Event;
using matcher::EventType;
using matcher::Quantity;
using matcher::Side;

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

}  // namespace

// The client order ids of the recovered open orders, from the journaled origins of the commands
// that created them (order id = that command's seq): reserved again, and usable by cancel, amend
// and order_status, as before the restart. Ids of orders that finished before it are free.
void GatewayCore::Impl::restore_client_order_ids(const matcher::EngineSnapshot& state) {
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
    cl_ord_ids.set(rec->participant, rec->cl_ord_id, rec->id);
  }
}

// The engine keeps an order's open quantity only; what it has filled comes from the journal's
// trades, so order_status reports the same qty and filled as before the restart.
void GatewayCore::Impl::restore_fills(const matcher::EngineSnapshot& state) {
  if (state.orders.empty()) return;
  matcher::OrderId oldest = state.orders.front().id;
  for (const auto& o : state.orders) oldest = std::min(oldest, o.id);
  exchange.trades_since(oldest, [&](const Event& t) {
    // Trades journaled after the recovered state come to the gateway as results: not counted twice.
    if (t.seq > state.last_seq) return;
    if (OrderRecord* maker = find_order(t.order_id)) maker->filled += t.quantity;
    if (OrderRecord* taker = find_order(t.taker_order_id)) taker->filled += t.quantity;
  });
  for (const auto& o : state.orders) {
    if (OrderRecord* rec = find_order(o.id)) rec->quantity = rec->filled + rec->open;
  }
}

// The recovered quality bids' terms, which an amend giving only some of them keeps.
void GatewayCore::Impl::restore_quality_bids(const matcher::EngineSnapshot& state) {
  for (const auto& o : state.orders) {
    if (o.quality_bid) quality_bids.insert_or_assign(o.id, QualityBidTerms{o.quality, o.accepted_grades, o.accepted_hubs});
  }
}

void GatewayCore::Impl::on_recovered(const matcher::EngineSnapshot& state) {
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
    set_open(rec, o.open);
    orders.put(std::move(rec));
    ++live;
  }
  restore_fills(state);
  restore_client_order_ids(state);
  restore_quality_bids(state);
  for (std::size_t i = 0; i < books.size(); ++i) last_top[i] = books[i].top();
}

void GatewayCore::Impl::on_results(const ResultBatch& batch) {
  const std::uint64_t now = steady_ns();
  const std::uint64_t now_wall = wall_ns();  // one clock read per batch, not per command
  metrics.result_handover.record(now - std::min(now, batch.received_ns));
  for (const auto& item : batch.items) {
    Pending* pend = nullptr;
    if (item.origin.gateway == kWebSocketGateway) {
      // Results come in submission order; an older entry still waiting would be a command whose
      // result never came (none does today): it is dropped rather than block the others.
      while (!pending.empty() && pending.front().request < item.origin.request) {
        const Pending& lost = pending.front();
        metrics.pending_commands.fetch_sub(1, std::memory_order_relaxed);
        auto& ps = participants[lost.participant];
        ps.pending_buy_value -= lost.reserved;
        if (lost.cl_ord_slot) cl_ord_ids.release(lost.participant, lost.cl_ord_id, 0);  // free the id again
        pending.pop_front();
      }
      // Held through process(): nothing is submitted while results are processed, so `pending`
      // does not grow (and move) under it.
      if (!pending.empty() && pending.front().request == item.origin.request) pend = &pending.front();
    }
    if (pend) {
      metrics.pending_commands.fetch_sub(1, std::memory_order_relaxed);
      metrics.submit_to_result.record(batch.received_ns - std::min(batch.received_ns, pend->submitted_ns));
      auto& ps = participants[pend->participant];
      ps.pending_buy_value -= pend->reserved;
    }
    if (item.command.timestamp != 0 && now_wall > item.command.timestamp) {
      metrics.sequenced_to_published.record(now_wall - item.command.timestamp);
    }
    if (item.reference_data) reload_in_flight = false;  // done, whatever its outcome
    if (item.status != exchange::SubmitStatus::kQueued) {
      if (pend) journal_full(*pend);
    } else {
      process(item, std::span<const Event>(batch.events.data() + item.first_event, item.event_count), pend);
    }
    if (pend) pending.pop_front();
  }
  if (!waiting_for_order.empty()) serve_waiting_for_order();
}

// The exchange could not journal the command, so it never ran.
void GatewayCore::Impl::journal_full(const Pending& p) {
  const auto code = static_cast<std::uint16_t>(GatewayReject::kJournalFull);
  metrics.count_reject(code);
  send(p.session, reject_message(p.req, op_name(p.op), code, {}, p.cl_ord_id));
  if (!p.cl_ord_id.empty()) cl_ord_ids.release(p.participant, p.cl_ord_id, 0);
}

void GatewayCore::Impl::process(const ResultBatch::Item& item, std::span<const Event> events, Pending* pend) {
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
          if (pend->cl_ord_slot) {
            *pend->cl_ord_slot = rec.id;
          } else if (!rec.cl_ord_id.empty()) {
            cl_ord_ids.set(rec.participant, rec.cl_ord_id, rec.id);
          }
        }
        if (e.side == Side::kBuy && (c.quality->count != 0 || c.accepted_grades != 0 || c.accepted_hubs != 0)) {
          keep_quality_terms(e.order_id, e.instrument, c.quality, c.accepted_grades, c.accepted_hubs);
        }
        set_open(rec, e.quantity);
        ++live;
        const OrderRecord& stored = orders.put(std::move(rec));
        if (requester) send(requester, ack_message(stored, e, pend->req));
        break;
      }
      case EventType::kRejected:
        rejected = true;
        if (pend) {
          metrics.count_reject(static_cast<std::uint16_t>(e.reject));
          std::string detail;
          if (e.reject == matcher::RejectCode::kAssayOutOfSpec && e.attribute < catalogue->attributes().size()) {
            detail = "attribute " + catalogue->attributes()[e.attribute].code;
          } else if (e.reject == matcher::RejectCode::kQualityNotAmendable && pend->op == Op::kAmend) {
            detail = not_amendable_detail(e.order_id);
          }
          if (pend->op == Op::kReloadReferenceData) {
            log_warn("gateway",
                     "reload refused by the engine: " + std::string(reject_text(static_cast<std::uint16_t>(e.reject))));
          }
          send(requester, reject_message(pend->req, op_name(pend->op), static_cast<std::uint16_t>(e.reject), detail,
                                         pend->cl_ord_id, e.order_id));
          if (!pend->cl_ord_id.empty()) cl_ord_ids.release(pend->participant, pend->cl_ord_id, 0);
        }
        break;
      case EventType::kTrade:
        trade(e);
        break;
      case EventType::kAmended:
        if (c.type == matcher::CommandType::kAmend && c.replace_quality) {
          keep_quality_terms(e.order_id, e.instrument, c.quality, c.accepted_grades, c.accepted_hubs);
        }
        if (OrderRecord* o = find_order(e.order_id)) {
          o->price = e.price;
          if (o->side == Side::kBuy) o->value_price = e.price;
          o->quantity = o->filled + e.quantity;
          set_open(*o, e.quantity);
          std::string m = message_text();
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
          auto msg = make_message(std::move(m));
          for_route(*o, requester, [&](SessionId s) { send(s, msg); });
        }
        break;
      case EventType::kCancelled:
        ++cancels;
        if (OrderRecord* o = find_order(e.order_id)) {
          set_open(*o, e.leaves);
          if (e.leaves == 0) finish(*o, OrderStatus::kCancelled);
          std::string m = message_text();
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
          auto msg = make_message(std::move(m));
          // The requester hears of the order it cancelled, or of its own new order's cancel (an IOC
          // remainder, STP on the incoming side); a resting order STP cancelled goes to its owner only.
          const bool tell_requester =
              pend && (pend->op == Op::kCancel || (pend->op == Op::kNewOrder && e.order_id == c.seq));
          for_route(*o, tell_requester ? requester : 0, [&](SessionId s) { send(s, msg); });
        }
        break;
      case EventType::kExpired:
        ++expiries;
        if (OrderRecord* o = find_order(e.order_id)) {
          finish(*o, OrderStatus::kExpired);
          std::string m = message_text();
          JsonOut j(m);
          j.begin_object().field("type", "expired");
          order_fields(j, *o);
          j.field("reason", e.expiry_reason == matcher::ExpiryReason::kEndOfDay ? "end_of_day" : "good_till_date")
              .field_quantity("qty", e.quantity)
              .field_id("seq", e.seq)
              .field_id("ts", e.timestamp)
              .end_object();
          auto msg = make_message(std::move(m));
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
          std::string m = message_text();
          JsonOut j(m);
          j.begin_object()
              .field("type", "trading_status")
              .field("instrument", instrument_code(e.instrument))
              .field_bool("halted", e.halted)
              .field_id("seq", e.seq)
              .field_id("ts", e.timestamp)
              .end_object();
          send_once({&instruments_subscribers, &subscribers[e.instrument].top, &subscribers[e.instrument].depth},
                    make_message(std::move(m)));
        }
        break;
      case EventType::kReferenceData: apply_reference_data(item.reference_data); break;
    }
  }
  publish_levels();
  if (pend && !rejected && pend->op == Op::kReloadReferenceData) {
    std::string m = message_text();
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
      std::string m = message_text();
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

void GatewayCore::Impl::fill(OrderRecord& o, const Event& e, Quantity leaves, bool maker) {
  o.filled += e.quantity;
  set_open(o, leaves);
  if (leaves == 0) finish(o, OrderStatus::kFilled);
  std::string m = message_text();
  JsonOut j(m);
  j.begin_object().field("type", "fill");
  order_fields(j, o, e.instrument);
  j.field_id("trade_id", e.trade_id)
      .field_price("price", e.price)
      .field_price("base_price", e.base_price)
      .field_quantity("qty", e.quantity)
      .field_quantity("leaves", leaves)
      .field("liquidity", maker ? "maker" : "taker")
      .field_id("seq", e.seq)
      .field_id("ts", e.timestamp)
      .end_object();
  auto msg = make_message(std::move(m));
  for_route(o, 0, [&](SessionId s) { send(s, msg); });
}

void GatewayCore::Impl::trade(const Event& e) {
  metrics.trades.fetch_add(1, std::memory_order_relaxed);
  if (OrderRecord* maker = find_order(e.order_id)) fill(*maker, e, e.leaves, true);
  if (OrderRecord* taker = find_order(e.taker_order_id)) fill(*taker, e, e.taker_leaves, false);
  if (e.instrument >= books.size()) return;
  const TradePrint t{e.trade_id, e.price, e.quantity, e.side, e.timestamp};
  books[e.instrument].record_trade(t, config.recent_trades);
  const auto& subs = subscribers[e.instrument].trades;
  if (subs.empty() && all_trades_subscribers.empty()) return;
  std::string m = message_text();
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
  auto msg = make_message(std::move(m));
  send_all(subs, msg);  // no session is on both lists (Subscribers::trades)
  send_all(all_trades_subscribers, msg);
}

}  // namespace rex::gateway
