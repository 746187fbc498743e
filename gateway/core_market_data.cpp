// GatewayCore's market data: subscriptions and their snapshots, the instrument list, book and
// trade JSON (also served over HTTP), commodity tops, and the depth and top updates a command's
// BOOK_LEVEL events make.
#include "gateway/core_state.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "reference-data/decimal.hpp"

namespace rex::gateway {

namespace {

using matcher::Event;
using matcher::InstrumentId;
using matcher::Side;

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

void GatewayCore::Impl::subscribed(SessionId id, const Request& r, std::string_view type) {
  std::string m = message_text();
  JsonOut j(m);
  j.begin_object().field("type", type);
  if (!r.req.empty()) j.key("req").raw(r.req);
  j.field("channel", channel_name(r.channel));
  if (r.instrument != matcher::kAnyInstrument) j.field("instrument", instrument_code(r.instrument));
  if (r.channel == Channel::kCommodityTop) j.field("commodity", catalogue->commodities()[r.commodity].code);
  j.end_object();
  send(id, std::move(m));
}

void GatewayCore::Impl::subscribe(SessionId id, SessionState& s, const Request& r) {
  const InstrumentId ins = r.instrument;
  bool added = false;
  switch (r.channel) {
    case Channel::kInstruments: added = add_unique(instruments_subscribers, id); break;
    case Channel::kTop: added = add_unique(subscribers[ins].top, id); break;
    case Channel::kDepth: added = add_unique(subscribers[ins].depth, id); break;
    case Channel::kTrades:
      if (ins == matcher::kAnyInstrument) {
        added = add_unique(all_trades_subscribers, id);
        if (added) {
          s.all_trades = true;
          // Its instruments' trades come through the all-instruments list from now on.
          for (const auto& [channel, i] : s.subscriptions) {
            if (channel == Channel::kTrades) remove_one(subscribers[i].trades, id);
          }
        }
      } else if (s.all_trades) {
        added = std::find(s.subscriptions.begin(), s.subscriptions.end(), std::make_pair(Channel::kTrades, ins)) ==
                s.subscriptions.end();
      } else {
        added = add_unique(subscribers[ins].trades, id);
      }
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
      send(id, trades_snapshot(ins));
      break;
    case Channel::kCommodityTop: send(id, commodity_top_message(r.commodity)); break;
  }
}

// A commodity's best base-equivalent bid and offer across all its instruments and quality bids.
Message GatewayCore::Impl::commodity_top_message(std::uint32_t commodity) const {
  const Event& e = commodity_tops[commodity];
  std::string m = message_text();
  JsonOut j(m);
  j.begin_object().field("type", "commodity_top").field("commodity", catalogue->commodities()[commodity].code);
  j.key("bid");
  e.has_bid ? void(j.price(e.price)) : void(j.null());
  j.key("ask");
  e.has_ask ? void(j.price(e.ask)) : void(j.null());
  if (e.seq != 0) j.field_id("seq", e.seq);
  j.end_object();
  return make_message(std::move(m));
}

void GatewayCore::Impl::remove_subscription(SessionId id, Channel channel, InstrumentId ins) {
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

void GatewayCore::Impl::unsubscribe(SessionId id, SessionState& s, const Request& r) {
  const InstrumentId key = r.channel == Channel::kCommodityTop ? r.commodity : r.instrument;
  remove_subscription(id, r.channel, key);
  std::erase(s.subscriptions, std::make_pair(r.channel, key));
  if (r.channel == Channel::kTrades && key == matcher::kAnyInstrument && s.all_trades) {
    s.all_trades = false;
    // Its instruments' trades come through their own lists again.
    for (const auto& [channel, ins] : s.subscriptions) {
      if (channel == Channel::kTrades) add_unique(subscribers[ins].trades, id);
    }
  }
  subscribed(id, r, "unsubscribed");
}

void GatewayCore::Impl::instrument_json(JsonOut& j, const refdata::InstrumentSpec& spec) const {
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

std::string GatewayCore::Impl::instruments_json() const {
  std::string m = message_text();
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

Message GatewayCore::Impl::instruments_message() const {
  std::string m = R"({"type":"instruments",)";
  std::string body = instruments_json();
  m.append(body, 1, std::string::npos);
  return make_message(std::move(m));
}

Message GatewayCore::Impl::top_message(InstrumentId ins) const {
  std::string m = message_text();
  JsonOut j(m);
  const InstrumentBook& b = books[ins];
  const TopOfBook t = b.top();
  j.begin_object().field("type", "top").field("instrument", instrument_code(ins)).field_uint("book_seq", b.sequence());
  j.key("bid");
  t.bid ? write_level(j, *t.bid) : void(j.null());
  j.key("ask");
  t.ask ? write_level(j, *t.ask) : void(j.null());
  j.field_bool("halted", b.halted).end_object();
  return make_message(std::move(m));
}

std::string GatewayCore::Impl::book_json(InstrumentId ins, std::string_view type) const {
  std::string m = message_text();
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

Message GatewayCore::Impl::depth_snapshot(InstrumentId ins) const {
  return make_message(book_json(ins, "depth_snapshot"));
}

void GatewayCore::Impl::trade_json(JsonOut& j, InstrumentId ins, const TradePrint& t) const {
  j.begin_object()
      .field("instrument", instrument_code(ins))
      .field_id("trade_id", t.id)
      .field_price("price", t.price)
      .field_quantity("qty", t.quantity)
      .field("aggressor", side_name(t.aggressor))
      .field_id("ts", t.timestamp)
      .end_object();
}

// One instrument's recent trades; for kAnyInstrument the most recent config.recent_trades of all
// instruments, oldest first (trade ids count trades across instruments; each book's own most
// recent ones are enough to find them: no more than that many of them can be of one instrument).
std::string GatewayCore::Impl::trades_json(InstrumentId ins, std::string_view type) const {
  std::string m = message_text();
  JsonOut j(m);
  j.begin_object();
  if (!type.empty()) j.field("type", type);
  if (ins != matcher::kAnyInstrument) {
    j.field("instrument", instrument_code(ins)).key("trades").begin_array();
    for (const auto& t : books[ins].recent_trades()) trade_json(j, ins, t);
    j.end_array().end_object();
    return m;
  }
  std::vector<std::pair<InstrumentId, const TradePrint*>> recent;
  for (InstrumentId i = 0; i < books.size(); ++i) {
    for (const auto& t : books[i].recent_trades()) recent.emplace_back(i, &t);
  }
  const auto older = [](const auto& a, const auto& b) { return a.second->id < b.second->id; };
  if (recent.size() > config.recent_trades) {
    const auto first_kept = recent.end() - static_cast<std::ptrdiff_t>(config.recent_trades);
    std::nth_element(recent.begin(), first_kept, recent.end(), older);
    recent.erase(recent.begin(), first_kept);
  }
  std::sort(recent.begin(), recent.end(), older);
  j.key("trades").begin_array();
  for (const auto& [i, t] : recent) trade_json(j, i, *t);
  j.end_array().end_object();
  return m;
}

Message GatewayCore::Impl::trades_snapshot(InstrumentId ins) const {
  return make_message(trades_json(ins, "trades_snapshot"));
}

// BOOK_LEVELs of one command come ordered by instrument: one depth update (and perhaps one top
// update) per instrument the command changed.
void GatewayCore::Impl::publish_levels() {
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
        std::string m = message_text();
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
        send_all(depth, make_message(std::move(m)));
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

}  // namespace rex::gateway
