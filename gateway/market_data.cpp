#include "gateway/market_data.hpp"

namespace rex::gateway {

namespace {

template <class Map>
bool apply_to(Map& map, const Level& level) {
  auto it = map.find(level.price);
  if (level.quantity == 0 && level.orders == 0) {
    if (it == map.end()) return false;
    map.erase(it);
    return true;
  }
  if (it == map.end()) {
    map.emplace(level.price, level);
    return true;
  }
  if (it->second == level) return false;
  it->second = level;
  return true;
}

template <class Map>
std::vector<Level> first_levels(const Map& map, std::size_t max_levels) {
  std::vector<Level> out;
  out.reserve(std::min(map.size(), max_levels));
  for (const auto& [price, level] : map) {
    if (out.size() >= max_levels) break;
    out.push_back(level);
  }
  return out;
}

}  // namespace

bool InstrumentBook::apply(matcher::Side side, const Level& level) {
  return side == matcher::Side::kBuy ? apply_to(bids_, level) : apply_to(asks_, level);
}

TopOfBook InstrumentBook::top() const {
  TopOfBook t;
  if (!bids_.empty()) t.bid = bids_.begin()->second;
  if (!asks_.empty()) t.ask = asks_.begin()->second;
  return t;
}

std::vector<Level> InstrumentBook::levels(matcher::Side side, std::size_t max_levels) const {
  return side == matcher::Side::kBuy ? first_levels(bids_, max_levels) : first_levels(asks_, max_levels);
}

std::size_t InstrumentBook::level_count(matcher::Side side) const {
  return side == matcher::Side::kBuy ? bids_.size() : asks_.size();
}

void InstrumentBook::record_trade(const TradePrint& trade, std::size_t keep) {
  if (keep == 0) return;
  trades_.push_back(trade);
  while (trades_.size() > keep) trades_.pop_front();
}

std::optional<matcher::Price> InstrumentBook::last_price() const {
  if (trades_.empty()) return std::nullopt;
  return trades_.back().price;
}

void load_levels(std::vector<InstrumentBook>& books, const matcher::EngineSnapshot& state) {
  // Orders come grouped by instrument and side in price order, so equal prices are adjacent.
  std::size_t i = 0;
  const auto& orders = state.orders;
  while (i < orders.size()) {
    const auto& first = orders[i];
    Level level{first.price, 0, 0};
    std::size_t j = i;
    while (j < orders.size() && orders[j].instrument == first.instrument && orders[j].side == first.side &&
           orders[j].price == first.price) {
      level.quantity += orders[j].visible;
      ++level.orders;
      ++j;
    }
    if (first.instrument < books.size()) books[first.instrument].apply(first.side, level);
    i = j;
  }
  for (auto id : state.halted) {
    if (id < books.size()) books[id].halted = true;
  }
}

}  // namespace rex::gateway
