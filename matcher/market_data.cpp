// What a command changed in the books, published after its other events: BOOK_LEVEL for every
// instrument level whose visible quantity or order count changed, then COMMODITY_TOP for every
// commodity whose best base-equivalent bid or offer price changed (quantities are in BOOK_LEVEL;
// publishing them here too would add an event to nearly every command at a busy touch).
// A commodity's top is recomputed only when a member book's best price or its quality bids moved.
#include <algorithm>

#include "matcher/engine_state.hpp"

namespace rex::matcher {
namespace {
constexpr std::size_t kInsertionSortChanges = 16;
}  // namespace

void Engine::State::note_best(InstrumentId instrument, Side side) {
  OrderBook& book = books[instrument];
  PriceLadder& ladder = book.side(side);
  ladder.note_best();
  CommodityMarket& m = markets[market_of_book[instrument]];
  const bool buy = side == Side::kBuy;
  (buy ? m.best_bid_base : m.best_ask_base)[member_of_book[instrument]] =
      ladder.empty() ? (buy ? CommodityMarket::kNoBid : CommodityMarket::kNoAsk)
                     : ladder.price_of(ladder.best()) - book.spec.differential;
  touch_market(m);
}

CommodityTop Engine::State::compute_top(const CommodityMarket& m) const {
  Price bid = CommodityMarket::kNoBid;
  for (const Price p : m.best_bid_base) bid = std::max(bid, p);
  if (!m.quality_bids.empty()) bid = std::max(bid, m.quality_bids.price_of(m.quality_bids.best()));
  Price ask = CommodityMarket::kNoAsk;
  for (const Price p : m.best_ask_base) ask = std::min(ask, p);
  CommodityTop top;
  top.has_bid = bid != CommodityMarket::kNoBid;
  top.has_ask = ask != CommodityMarket::kNoAsk;
  top.bid = top.has_bid ? bid : 0;
  top.ask = top.has_ask ? ask : 0;
  return top;
}

void Engine::State::flush_market_data() {
  // A command usually changes one to four levels: insertion sort for a few, without std::sort's
  // set-up; a sweep or a mass cancel can change thousands.
  if (changes.size() <= kInsertionSortChanges) {
    for (std::size_t i = 1; i < changes.size(); ++i) {
      const LevelChange change = changes[i];
      std::size_t j = i;
      for (; j > 0 && changes[j - 1].sort_key > change.sort_key; --j) changes[j] = changes[j - 1];
      changes[j] = change;
    }
  } else {
    std::sort(changes.begin(), changes.end(),
              [](const LevelChange& a, const LevelChange& b) { return a.sort_key < b.sort_key; });
  }
  for (const LevelChange& change : changes) {
    const auto instrument = static_cast<InstrumentId>(change.sort_key >> 33);
    const Side side = ((change.sort_key >> 32) & 1) != 0 ? Side::kSell : Side::kBuy;
    PriceLadder& ladder = books[instrument].side(side);
    PriceLevel& level = ladder.level(change.slot);
    level.touched = false;
    if (level.visible == change.visible_before && level.count == change.count_before) continue;
    if (ladder.best_moved()) note_best(instrument, side);
    Event& e = emit(EventType::kBookLevel);
    e.instrument = instrument;
    e.side = side;
    e.price = ladder.price_of(change.slot);
    e.quantity = level.visible;
    e.order_count = level.count;
  }
  changes.clear();
  if (!any_market_touched) return;
  any_market_touched = false;
  for (CommodityMarket& m : markets) {
    if (!m.touched) continue;
    m.touched = false;
    const CommodityTop top = compute_top(m);
    if (top == m.published) continue;
    m.published = top;
    Event& e = emit(EventType::kCommodityTop);
    e.commodity = static_cast<std::uint16_t>(m.commodity);
    e.price = top.bid;
    e.ask = top.ask;
    e.has_bid = top.has_bid;
    e.has_ask = top.has_ask;
  }
}

}  // namespace rex::matcher
