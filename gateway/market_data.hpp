// Market data the gateway derives from engine events: per-instrument price levels (from the
// recovered orders, then BOOK_LEVEL events), a depth sequence number, and recent trades.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "matcher/engine.hpp"
#include "matcher/event.hpp"

namespace rex::gateway {

struct Level {
  matcher::Price price = 0;
  matcher::Quantity quantity = 0;  // visible
  std::uint32_t orders = 0;
  bool operator==(const Level&) const = default;
};

struct TopOfBook {
  std::optional<Level> bid;
  std::optional<Level> ask;
  bool operator==(const TopOfBook&) const = default;
};

struct LevelChange {
  matcher::Side side = matcher::Side::kBuy;
  Level level;  // quantity 0 and orders 0: the level is gone
};

struct TradePrint {
  matcher::TradeId id = 0;
  matcher::Price price = 0;
  matcher::Quantity quantity = 0;
  matcher::Side aggressor = matcher::Side::kBuy;
  matcher::Timestamp timestamp = 0;
};

class InstrumentBook {
 public:
  // Applies one BOOK_LEVEL; true when it changed anything.
  bool apply(matcher::Side side, const Level& level);
  // Counts every update a depth subscriber receives: a snapshot carries the current value, each
  // update the next one.
  std::uint64_t sequence() const { return sequence_; }
  std::uint64_t next_sequence() { return ++sequence_; }

  TopOfBook top() const;
  std::vector<Level> levels(matcher::Side side, std::size_t max_levels) const;  // best first
  std::size_t level_count(matcher::Side side) const;

  void record_trade(const TradePrint& trade, std::size_t keep);
  const std::deque<TradePrint>& recent_trades() const { return trades_; }  // oldest first
  std::optional<matcher::Price> last_price() const;

  bool halted = false;

 private:
  std::map<matcher::Price, Level, std::greater<>> bids_;
  std::map<matcher::Price, Level> asks_;
  std::deque<TradePrint> trades_;
  std::uint64_t sequence_ = 0;
};

// Rebuilds visible levels from resting orders (what a recovered engine holds).
void load_levels(std::vector<InstrumentBook>& books, const matcher::EngineSnapshot& state);

}  // namespace rex::gateway
