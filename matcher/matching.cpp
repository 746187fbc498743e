// Matching: price-time priority within one book (the plain path), and across several sources on
// the quality-adjusted price (docs/quality-matching.md). Each has a dry run that says how much an
// order could trade now under exactly the same rules, for FOK, minimum quantity and post-only.
#include <algorithm>

#include "matcher/engine_state.hpp"
#include "matcher/quality.hpp"

namespace rex::matcher {
namespace {

// Does a resting price slot reach the incoming order's limit slot (same ladder geometry)?
bool within_limit(const Order& incoming, std::int32_t resting_slot) {
  return incoming.side() == Side::kBuy ? resting_slot <= incoming.level : resting_slot >= incoming.level;
}

}  // namespace

// Inlined into both match loops: it is the body of the hottest loop of the engine.
[[gnu::always_inline]] inline bool Engine::State::meet(PriceLadder& ladder, Order*& o, Order* in,
                                                       const OrderBook& lot_book, Price price) {
  Order* next = o->next;
  const Quantity x = std::min(in->open, o->visible);
  if ((o->all_or_none && x < o->open) || (in->all_or_none && x < in->open)) {
    o = next;
    return true;
  }
  if (o->participant == in->participant && in->self_trade() != SelfTradePrevention::kNone) {
    switch (in->self_trade()) {
      case SelfTradePrevention::kCancelResting:
        cancel_resting(o, CancelReason::kSelfTradePrevention);
        o = next;
        return true;
      case SelfTradePrevention::kCancelBoth:
        cancel_resting(o, CancelReason::kSelfTradePrevention);
        [[fallthrough]];
      case SelfTradePrevention::kCancelIncoming:
        emit_cancel(*in, CancelReason::kSelfTradePrevention, in->open, 0);
        in->open = 0;
        return false;
      case SelfTradePrevention::kDecrement:
      case SelfTradePrevention::kNone:
        take(ladder, o, in, x);
        emit_cancel(*o, CancelReason::kSelfTradePrevention, x, o->open);
        emit_cancel(*in, CancelReason::kSelfTradePrevention, x, in->open);
        o = settle_resting(ladder, o, next);
        return in->open != 0;
    }
  }
  take(ladder, o, in, x);
  Event& e = emit(EventType::kTrade);
  e.instrument = lot_book.spec.id;
  e.side = in->side();
  e.trade_id = ++last_trade;
  e.order_id = o->id;
  e.taker_order_id = in->id;
  e.participant = o->participant;
  e.taker_participant = in->participant;
  e.price = price;
  e.base_price = price - lot_book.spec.differential;
  e.reference_data = reference_data;
  e.quantity = x;
  e.leaves = o->open;
  e.taker_leaves = in->open;
  o = settle_resting(ladder, o, next);
  return true;
}

// ---- one book ----

bool Engine::State::match(OrderBook& book, Order* in) {
  PriceLadder& ladder = book.side(opposite(in->side()));
  for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone && in->open > 0; slot = ladder.next_worse(slot)) {
    if (!within_limit(*in, slot)) break;
    const Price price = ladder.price_of(slot);
    Order* o = ladder.level(slot).head;
    while (o != nullptr && in->open > 0) {
      if (!meet(ladder, o, in, book, price)) return false;
    }
  }
  return true;
}

// Icebergs: the first pass meets visible slices in queue order; if quantity is left after the
// pass, every iceberg met had its slice used up, and the refills that follow can supply all of
// their hidden quantity. STP decrement never reaches here (FOK and minimum quantity refuse it, and
// post-only, the other dry run, judges its own book by marketability).
Quantity Engine::State::tradable(const OrderBook& book, const Order& in) const {
  const PriceLadder& ladder = book.side(opposite(in.side()));
  Quantity left = in.open;
  for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone && left > 0; slot = ladder.next_worse(slot)) {
    if (!within_limit(in, slot)) break;
    Quantity hidden = 0;
    for (const Order* o = ladder.level(slot).head; o != nullptr && left > 0; o = o->next) {
      const Quantity x = std::min(left, o->visible);
      if ((o->all_or_none && x < o->open) || (in.all_or_none && x < left)) continue;
      if (o->participant == in.participant && in.self_trade() != SelfTradePrevention::kNone) {
        if (in.self_trade() == SelfTradePrevention::kCancelResting) continue;
        return in.open - left;
      }
      left -= x;
      if (o->display != 0 && x == o->visible) hidden += o->open - o->visible;
    }
    if (!in.all_or_none) left -= std::min(left, hidden);
  }
  return in.open - left;
}

// ---- several sources, on the adjusted price ----

bool Engine::State::needs_sources(const Order& in) const {
  if (in.quality_bid) return true;
  return in.side() == Side::kSell && !markets[market_of_book[in.instrument]].quality_bids.empty();
}

void Engine::State::build_sources(Order& in, Price limit) {
  sources.clear();
  OrderBook& own = books[in.instrument];
  CommodityMarket& market = market_of(in);
  if (in.quality_bid) {
    const QualityOrder& q = quality_of(in);
    for (InstrumentId id : market.instruments) {
      OrderBook& lots = books[id];
      if (!accepts(q.accepted_grades, q.accepted_hubs, lots.spec) || lots.halted) continue;
      // A limit bid never trades an instrument where its own price falls outside the band.
      const Price in_lot_terms = limit - own.spec.differential + lots.spec.differential;
      if (!in.market && (in_lot_terms < lots.spec.price_floor || in_lot_terms > lots.spec.price_ceiling)) continue;
      sources.push_back(Source{&lots.asks, &lots, own.spec.differential - lots.spec.differential, false});
    }
  } else {
    sources.push_back(Source{&own.bids, &own, 0, false});
    sources.push_back(Source{&market.quality_bids, &own, own.spec.differential, true});
  }
}

bool Engine::State::eligible(const Source& source, const Order& resting, const Order& in) const {
  if (source.quality_bids) {  // a quality bid meeting the incoming lot
    const QualityOrder& bid = quality_of(resting);
    const refdata::InstrumentSpec& lot = source.lot_book->spec;
    if (!accepts(bid.accepted_grades, bid.accepted_hubs, lot)) return false;
    const Price price = source.ladder->price_of(source.slot) + lot.differential;
    if (price < lot.price_floor || price > lot.price_ceiling) return false;
    return bounds_accept(bid.quality, in.extended ? &quality_of(in).quality : nullptr);
  }
  if (in.quality_bid) {  // an incoming quality bid meeting a lot
    return bounds_accept(quality_of(in).quality, resting.extended ? &quality_of(resting).quality : nullptr);
  }
  return true;
}

namespace {

// The sources ordered by their current order: best adjusted price, then earliest placement. Only
// the source at the top moves between steps, so a step costs one sift, O(log k) for k books.
class SourceQueue {
 public:
  SourceQueue(std::vector<Source>& sources, std::vector<std::uint16_t>& heap, bool buying)
      : sources_(sources), heap_(heap), buying_(buying) {
    heap_.clear();
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      sources_[i].start();
      if (sources_[i].order != nullptr) heap_.push_back(static_cast<std::uint16_t>(i));
    }
    for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
  }

  Source* top() { return heap_.empty() ? nullptr : &sources_[heap_[0]]; }

  // The top source's cursor moved (to the next order, or off its level).
  void top_moved() {
    Source& s = sources_[heap_[0]];
    while (s.order == nullptr && s.slot != PriceLadder::kNone) s.next_level();
    if (s.slot == PriceLadder::kNone) {
      heap_[0] = heap_.back();
      heap_.pop_back();
    }
    if (!heap_.empty()) sift_down(0);
  }

 private:
  bool before(std::uint16_t a, std::uint16_t b) const {
    const Source& x = sources_[a];
    const Source& y = sources_[b];
    const Price px = x.adjusted_price();
    const Price py = y.adjusted_price();
    if (px != py) return buying_ ? px < py : px > py;
    return x.order->priority < y.order->priority;
  }

  void sift_down(std::size_t i) {
    for (;;) {
      std::size_t first = i;
      const std::size_t left = 2 * i + 1;
      if (left < heap_.size() && before(heap_[left], heap_[first])) first = left;
      if (left + 1 < heap_.size() && before(heap_[left + 1], heap_[first])) first = left + 1;
      if (first == i) return;
      std::swap(heap_[i], heap_[first]);
      i = first;
    }
  }

  std::vector<Source>& sources_;
  std::vector<std::uint16_t>& heap_;
  bool buying_;
};

bool beyond(Price adjusted, Price limit, bool buying) { return buying ? adjusted > limit : adjusted < limit; }

}  // namespace

bool Engine::State::match_sources(Order* in, Price limit) {
  const bool buying = in->side() == Side::kBuy;
  SourceQueue queue(sources, source_heap, buying);
  while (in->open > 0) {
    Source* s = queue.top();
    if (s == nullptr || beyond(s->adjusted_price(), limit, buying)) break;
    if (!eligible(*s, *s->order, *in)) {
      s->order = s->order->next;
    } else {
      const Price price = s->ladder->price_of(s->slot) + (s->quality_bids ? s->lot_book->spec.differential : 0);
      if (!meet(*s->ladder, s->order, in, *s->lot_book, price)) return false;
    }
    queue.top_moved();
  }
  return true;
}

// The round robin of refills that follows a first pass at one price: each iceberg shows a new
// slice at the back, in the order its slice was used up, until the incoming order is done.
Quantity Engine::State::fill_from_refills(Quantity& left) {
  Quantity filled = 0;
  const bool any_decrement =
      std::any_of(refills.begin(), refills.end(), [](const Refill& r) { return r.decrement; });
  if (!any_decrement) {  // every slice trades: only the total matters
    Quantity hidden = 0;
    for (const Refill& r : refills) hidden += r.hidden;
    filled = std::min(left, hidden);
    left -= filled;
  } else {
    for (bool more = true; more && left > 0;) {
      more = false;
      for (Refill& r : refills) {
        if (r.hidden == 0 || left == 0) continue;
        const Quantity x = std::min({left, r.display, r.hidden});
        left -= x;
        r.hidden -= x;
        if (!r.decrement) filled += x;
        more = more || r.hidden > 0;
      }
    }
  }
  refills.clear();
  return filled;
}

// As tradable(), across sources, with the refills kept per adjusted price. Returns what would
// trade (a self-trade decrement takes quantity without trading).
Quantity Engine::State::tradable_sources(const Order& in, Price limit) {
  const bool buying = in.side() == Side::kBuy;
  SourceQueue queue(sources, source_heap, buying);
  refills.clear();
  Quantity left = in.open;
  Quantity filled = 0;
  bool started = false;
  Price current = 0;
  while (left > 0) {
    Source* s = queue.top();
    if (s == nullptr || beyond(s->adjusted_price(), limit, buying)) break;
    const Price adjusted = s->adjusted_price();
    if (started && adjusted != current) {
      if (!in.all_or_none) filled += fill_from_refills(left);
      refills.clear();
      if (left == 0) break;
    }
    started = true;
    current = adjusted;
    const Order* o = s->order;
    s->order = o->next;
    const bool is_eligible = eligible(*s, *o, in);
    queue.top_moved();
    if (!is_eligible) continue;
    const Quantity x = std::min(left, o->visible);
    if ((o->all_or_none && x < o->open) || (in.all_or_none && x < left)) continue;
    bool decrement = false;
    if (o->participant == in.participant && in.self_trade() != SelfTradePrevention::kNone) {
      if (in.self_trade() == SelfTradePrevention::kCancelResting) continue;
      if (in.self_trade() != SelfTradePrevention::kDecrement) return filled;  // cancelled here, before any refill
      decrement = true;
    }
    left -= x;
    if (!decrement) filled += x;
    if (o->display != 0 && x == o->visible && o->open > o->visible) {
      refills.push_back(Refill{o->open - o->visible, o->display, decrement});
    }
  }
  if (!in.all_or_none && left > 0) filled += fill_from_refills(left);
  refills.clear();
  return filled;
}

bool Engine::State::run_match(Order* in, Price limit) {
  if (!needs_sources(*in)) return match(books[in->instrument], in);
  build_sources(*in, limit);
  return match_sources(in, limit);
}

Quantity Engine::State::run_tradable(Order& in, Price limit) {
  if (!needs_sources(in)) return tradable(books[in.instrument], in);
  build_sources(in, limit);
  return tradable_sources(in, limit);
}

bool Engine::State::can_trade_with_quality_bids(Order& in, Price limit) {
  if (in.side() != Side::kSell || market_of(in).quality_bids.empty()) return false;
  build_sources(in, limit);
  sources.erase(sources.begin());  // the quality-bid source alone
  return tradable_sources(in, limit) > 0;
}

bool Engine::State::meets_any(Order& o, Price limit) {
  if (!o.quality_bid) {
    if (books[o.instrument].marketable(o.side(), limit)) return true;
    if (o.side() != Side::kSell || market_of(o).quality_bids.empty()) return false;
  }
  build_sources(o, limit);
  if (!o.quality_bid) sources.erase(sources.begin());  // its own book was checked above
  const bool buying = o.side() == Side::kBuy;
  SourceQueue queue(sources, source_heap, buying);
  for (Source* s = queue.top(); s != nullptr && !beyond(s->adjusted_price(), limit, buying); s = queue.top()) {
    if (eligible(*s, *s->order, o)) return true;
    s->order = s->order->next;
    queue.top_moved();
  }
  return false;
}

}  // namespace rex::matcher
