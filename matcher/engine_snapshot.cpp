// Reading the engine's state: book dumps, snapshots, and restoring a snapshot.
#include <map>
#include <stdexcept>
#include <string>

#include "matcher/engine_state.hpp"
#include "matcher/order_checks.hpp"
#include "matcher/quality.hpp"

namespace rex::matcher {
namespace {

std::map<OrderId, Timestamp> expiries_of(const std::vector<GtdEntry>& gtd) {
  std::map<OrderId, Timestamp> expiries;  // stale entries name orders that are gone: harmless
  for (const GtdEntry& entry : gtd) expiries.emplace(entry.id, entry.expiry);
  return expiries;
}

template <class Visit>
void walk(const PriceLadder& ladder, Visit&& visit) {
  for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone; slot = ladder.next_worse(slot)) {
    for (const Order* o = ladder.level(slot).head; o != nullptr; o = o->next) visit(*o);
  }
}

}  // namespace

std::vector<OrderView> Engine::orders(InstrumentId instrument, Side side) const {
  std::vector<OrderView> views;
  if (instrument >= state_->books.size()) return views;
  const auto expiries = expiries_of(state_->gtd);
  walk(state_->books[instrument].side(side), [&](const Order& o) {
    const auto expiry = expiries.find(o.id);
    views.push_back(OrderView{o.id, o.participant, o.side(), o.time_in_force(), o.all_or_none != 0, state_->price_of(o),
                              o.open, o.visible, o.display, expiry != expiries.end() ? expiry->second : 0});
  });
  return views;
}

std::vector<OrderView> Engine::quality_bids(std::uint32_t commodity) const {
  std::vector<OrderView> views;
  const auto expiries = expiries_of(state_->gtd);
  for (const CommodityMarket& m : state_->markets) {
    if (m.commodity != commodity) continue;
    walk(m.quality_bids, [&](const Order& o) {
      const auto expiry = expiries.find(o.id);
      views.push_back(OrderView{o.id, o.participant, o.side(), o.time_in_force(), o.all_or_none != 0, state_->price_of(o),
                                o.open, o.visible, o.display, expiry != expiries.end() ? expiry->second : 0});
    });
  }
  return views;
}

EngineSnapshot Engine::snapshot() const {
  const State& st = *state_;
  EngineSnapshot snap;
  snap.last_seq = st.last_seq;
  snap.last_timestamp = st.last_timestamp;
  snap.last_trade = st.last_trade;
  snap.last_priority = st.last_priority;
  snap.reference_data = st.reference_data;
  snap.reference_data_seq = st.reference_data_seq;
  for (const OrderBook& book : st.books) {
    if (book.halted) snap.halted.push_back(book.spec.id);
  }
  snap.orders.reserve(st.index.size());
  const auto expiries = expiries_of(st.gtd);
  auto save = [&](const Order& o) {
    RestingOrder r{o.id, o.participant, o.instrument, o.side(), o.time_in_force(), o.self_trade(), o.all_or_none != 0,
                   o.post_only != 0, st.price_of(o), o.open, o.visible, o.display, 0, o.priority, o.quality_bid != 0,
                   0, 0, {}};
    if (o.time_in_force() == TimeInForce::kGoodTillDate) r.expiry = expiries.at(o.id);
    if (o.extended) {
      const QualityOrder& q = quality_of(o);
      r.quality = q.quality;
      if (o.quality_bid) {
        r.accepted_grades = q.accepted_grades;
        r.accepted_hubs = q.accepted_hubs;
      }
    }
    snap.orders.push_back(r);
  };
  for (const OrderBook& book : st.books) {
    walk(book.bids, save);
    walk(book.asks, save);
  }
  for (const CommodityMarket& m : st.markets) walk(m.quality_bids, save);
  return snap;
}

void Engine::restore(const EngineSnapshot& snap) {
  State& st = *state_;
  if (st.last_seq != 0 || st.index.size() != 0) throw std::invalid_argument("restore needs an engine that has processed nothing");
  // 0: a snapshot from before reference data was recorded in it (the engine's own is assumed).
  if (snap.reference_data != 0 && snap.reference_data != st.reference_data) {
    throw std::invalid_argument("snapshot taken under reference data " + std::to_string(snap.reference_data) +
                                ", this engine has " + std::to_string(st.reference_data));
  }
  const Command restoring{};  // rest() stamps priority from the current command; overwritten below
  st.command = &restoring;
  for (const RestingOrder& r : snap.orders) {
    auto fail = [&](const char* rule) {
      throw std::invalid_argument("snapshot order " + std::to_string(r.id) + ": " + rule);
    };
    if (r.instrument >= st.books.size()) fail("unknown instrument");
    OrderBook& book = st.books[r.instrument];
    if (r.id == 0 || r.id > snap.last_seq) fail("id not below the snapshot's sequence number");
    if (r.priority == 0 || r.priority > snap.last_priority) fail("priority not within the snapshot's placements");
    if (st.index.find(r.id) != nullptr) fail("duplicate id");
    if (static_cast<unsigned>(r.side) > 1 || static_cast<unsigned>(r.time_in_force) > 2 ||
        static_cast<unsigned>(r.self_trade) > 4) {
      fail("side, time in force (DAY, GTC or GTD) or STP mode out of range");
    }
    if (check_price(r.price, book.spec) != RejectCode::kNone) fail("price off tick or outside the band");
    if (r.open <= 0 || r.open > kMaxOrderQuantity) fail("open quantity out of range");
    if (r.display < 0 || (r.display == 0 ? r.visible != r.open : r.visible <= 0 || r.visible > std::min(r.display, r.open))) {
      fail("visible quantity inconsistent with open and display");
    }
    if ((r.time_in_force == TimeInForce::kGoodTillDate) != (r.expiry != 0)) fail("expiry set without GTD, or GTD without expiry");
    if (check_quality_terms(r.quality, r.side) != RejectCode::kNone) fail("quality terms invalid");
    if (r.quality_bid && (r.side != Side::kBuy || r.accepted_grades == 0 || r.accepted_hubs == 0)) {
      fail("a quality bid is a buy with accepted grades and hubs");
    }
    Order* o = st.acquire(r.quality_bid || r.quality.count > 0);
    o->id = r.id;
    o->open = r.open;
    o->display = r.display;
    o->participant = r.participant;
    o->instrument = static_cast<std::uint16_t>(r.instrument);
    o->set_side(r.side);
    o->set_time_in_force(r.time_in_force);
    o->set_self_trade(r.self_trade);
    o->all_or_none = r.all_or_none;
    o->post_only = r.post_only;
    o->quality_bid = r.quality_bid;
    if (o->extended) {
      QualityOrder& q = quality_of(*o);
      q.quality = r.quality;
      q.accepted_grades = r.accepted_grades;
      q.accepted_hubs = r.accepted_hubs;
    }
    o->level = static_cast<std::int16_t>(r.quality_bid ? st.market_of(*o).quality_bids.slot_of(r.price - book.spec.differential)
                                                       : book.bids.slot_of(r.price));
    st.rest(o, r.expiry);
    o->priority = r.priority & kMaxSequence;
    // rest() shows a fresh slice; a snapshot keeps the slice as it was.
    PriceLevel& level = st.ladder_of(*o).level(o->level);
    level.visible += r.visible - o->visible;
    o->visible = r.visible;
  }
  for (const InstrumentId id : snap.halted) {
    if (id >= st.books.size()) throw std::invalid_argument("snapshot halts unknown instrument " + std::to_string(id));
    st.books[id].halted = true;
  }
  // Nothing was published by the restore itself: the tops and levels now are the ones that stand.
  for (const LevelChange& change : st.changes) {
    const Side side = ((change.sort_key >> 32) & 1) != 0 ? Side::kSell : Side::kBuy;
    st.books[static_cast<InstrumentId>(change.sort_key >> 33)].side(side).level(change.slot).touched = false;
  }
  st.changes.clear();
  for (InstrumentId id = 0; id < st.books.size(); ++id) {
    st.note_best(id, Side::kBuy);
    st.note_best(id, Side::kSell);
  }
  for (CommodityMarket& m : st.markets) {
    m.touched = false;
    m.published = st.compute_top(m);
  }
  st.any_market_touched = false;
  st.command = nullptr;
  st.last_seq = snap.last_seq;
  st.last_timestamp = snap.last_timestamp;
  st.last_trade = snap.last_trade;
  st.last_priority = snap.last_priority;
  st.reference_data_seq = snap.reference_data_seq;
}

}  // namespace rex::matcher
