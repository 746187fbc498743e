// GatewayCore's public face: construction, and each public call handed to its Impl (declared
// in gateway/core_state.hpp, its work split across gateway/core_*.cpp by purpose); the clocks,
// the copy of an exchange batch, and the reject message shared with the server.
#include "gateway/core.hpp"

#include <chrono>
#include <string>

#include "gateway/core_state.hpp"
#include "gateway/json_out.hpp"
#include "gateway/reject.hpp"

namespace rex::gateway {

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
  out.assign(batch);
  return out;
}

void ResultBatch::assign(std::span<const exchange::CommandResult> batch) {
  received_ns = steady_ns();
  items.resize(batch.size());
  events.clear();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const exchange::CommandResult& r = batch[i];
    Item& item = items[i];
    item.command = r.command;
    item.origin = r.origin;
    item.first_event = events.size();
    item.event_count = r.events.size();
    item.status = r.status;
    item.reference_data = r.reference_data;
    events.insert(events.end(), r.events.begin(), r.events.end());
  }
}

std::string GatewayCore::reject_message(std::string_view req, std::string_view op, std::uint16_t code,
                                        std::string_view detail, std::string_view cl_ord_id,
                                        matcher::OrderId order_id) {
  std::string s = message_text();
  JsonOut j(s);
  j.begin_object().field("type", "reject");
  if (!req.empty()) j.key("req").raw(req);
  if (!op.empty()) j.field("op", op);
  if (!cl_ord_id.empty()) j.field("cl_ord_id", cl_ord_id);
  if (order_id != 0) j.field_id("order_id", order_id);
  j.field_uint("code", code).field("name", reject_name(code));
  std::string text(reject_text(code));
  if (!detail.empty()) {
    text += ": ";
    text += detail;
  }
  j.field("text", text).end_object();
  return s;
}

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
void GatewayCore::on_results(std::span<const ResultBatch> batches) {
  for (const auto& batch : batches) impl_->on_results(batch);
  impl_->flush();
}
void GatewayCore::load_trades(std::span<const matcher::Event> trades) {
  for (const auto& e : trades) {
    if (e.type != matcher::EventType::kTrade || e.instrument >= impl_->books.size()) continue;
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
