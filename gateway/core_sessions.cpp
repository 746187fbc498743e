// GatewayCore's sessions: each request dispatched by its op (ping and login answered here), the
// messages queued for each session and flushed at the end of a core call, rejects, and closing
// (with cancel on disconnect).
#include "gateway/core_state.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

namespace rex::gateway {

namespace {

using refdata::Role;

}  // namespace

void GatewayCore::Impl::send(SessionId session, Message m) {
  if (session == 0 || !sessions.count(session)) return;
  auto& queue = out[session];
  if (queue.empty()) with_output.push_back(session);
  queue.push_back(std::move(m));
}

void GatewayCore::Impl::send(SessionId session, std::string text) {
  send(session, make_message(std::move(text)));
}

void GatewayCore::Impl::send_all(const std::vector<SessionId>& to, const Message& m) {
  for (SessionId s : to) send(s, m);
}

// To each session on any of the lists once, however many of them it is on. It sorts, so it is for
// rare messages (trading status), not for per-trade or per-book-change ones.
void GatewayCore::Impl::send_once(std::initializer_list<const std::vector<SessionId>*> lists, const Message& m) {
  send_once_scratch.clear();
  for (const auto* list : lists) send_once_scratch.insert(send_once_scratch.end(), list->begin(), list->end());
  std::sort(send_once_scratch.begin(), send_once_scratch.end());
  send_once_scratch.erase(std::unique(send_once_scratch.begin(), send_once_scratch.end()), send_once_scratch.end());
  send_all(send_once_scratch, m);
}

// Entries stay (one per session that ever got a message, until it closes) so their vectors
// keep their capacity from batch to batch; only the sessions given messages since the last flush
// are visited (a flush follows every request).
void GatewayCore::Impl::flush() {
  for (SessionId session : with_output) {
    auto it = out.find(session);
    if (it == out.end() || it->second.empty()) continue;  // closed meanwhile
    metrics.messages_out.fetch_add(it->second.size(), std::memory_order_relaxed);
    outbox.deliver(session, it->second);
    it->second.clear();
  }
  with_output.clear();
}

void GatewayCore::Impl::reject(SessionId session, const Request& r, std::uint16_t code, std::string_view detail,
                               matcher::OrderId order) {
  metrics.count_reject(code);
  if (order == 0 && r.has_order_id) order = r.order_id;
  send(session, reject_message(r.req, op_name(r.op), code, detail, r.cl_ord_id, order));
}

void GatewayCore::Impl::reject(SessionId session, const Request& r, GatewayReject code, std::string_view detail,
                               matcher::OrderId order) {
  reject(session, r, static_cast<std::uint16_t>(code), detail, order);
}

void GatewayCore::Impl::handle(SessionId id, const Request& r) {
  metrics.messages_by_op[static_cast<std::size_t>(r.op)].fetch_add(1, std::memory_order_relaxed);
  auto sit = sessions.find(id);
  if (sit == sessions.end()) return;  // closed while the message was in flight
  SessionState& s = sit->second;
  if (r.op == Op::kPing) {
    std::string m = message_text();
    JsonOut j(m);
    j.begin_object().field("type", "pong");
    if (!r.req.empty()) j.key("req").raw(r.req);
    j.field_id("ts", wall_ns()).end_object();
    send(id, std::move(m));
    return;
  }
  serve(id, s, r);
}

void GatewayCore::Impl::serve(SessionId id, SessionState& s, const Request& r) {
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

void GatewayCore::Impl::login(SessionId id, SessionState& s, const Request& r) {
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

  std::string m = message_text();
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

void GatewayCore::Impl::close_session(SessionId id) {
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

}  // namespace rex::gateway
