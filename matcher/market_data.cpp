// What a command changed in the books, published after its other events: BOOK_LEVEL for every
// instrument level whose visible quantity or order count changed, then COMMODITY_TOP for every
// commodity whose best base-equivalent bid or offer price changed (quantities are in BOOK_LEVEL;
// publishing them here too would add an event to nearly every command at a busy touch).
#include <algorithm>

#include "matcher/engine_state.hpp"

namespace rex::matcher {
CommodityTop Engine::State::compute_top(const CommodityMarket& m) const {
  CommodityTop top;
  auto better_bid = [&](Price p) { top.bid = top.has_bid ? std::max(top.bid, p) : p; top.has_bid = true; };
  auto better_ask = [&](Price p) { top.ask = top.has_ask ? std::min(top.ask, p) : p; top.has_ask = true; };
  for (InstrumentId id : m.instruments) {
    const OrderBook& book = books[id];
    if (!book.bids.empty()) better_bid(book.bids.price_of(book.bids.best()) - book.spec.differential);
    if (!book.asks.empty()) better_ask(book.asks.price_of(book.asks.best()) - book.spec.differential);
  }
  if (!m.quality_bids.empty()) better_bid(m.quality_bids.price_of(m.quality_bids.best()));
  return top;
}

void Engine::State::flush_market_data() {
  if (changes.size() > 1) {
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
    // Only a level at or inside the published top can move the commodity's top.
    CommodityMarket& market = markets[market_of_book[instrument]];
    const Price base = ladder.price_of(change.slot) - books[instrument].spec.differential;
    const CommodityTop& top = market.published;
    market.touched = market.touched || (side == Side::kBuy ? !top.has_bid || base >= top.bid : !top.has_ask || base <= top.ask);
    Event& e = emit(EventType::kBookLevel);
    e.instrument = instrument;
    e.side = side;
    e.price = ladder.price_of(change.slot);
    e.quantity = level.visible;
    e.order_count = level.count;
  }
  changes.clear();
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
