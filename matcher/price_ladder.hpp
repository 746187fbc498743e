// One side of one book: a slot per tick inside the price band, each a FIFO queue of orders, and a
// two-level bitmap of non-empty slots so the best price and the next one are found in a few word
// operations. The band keeps the ladder small (thousands of slots), which is why an array beats a
// tree here.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "matcher/order.hpp"

namespace rex::matcher {

struct PriceLevel {
  Order* head = nullptr;
  Order* tail = nullptr;
  Quantity visible = 0;
  std::uint32_t count = 0;
  bool touched = false;  // already recorded in this command's level changes
};

class PriceLadder {
 public:
  static constexpr std::int32_t kNone = -1;

  PriceLadder(Side side, Price floor, Price tick, std::int32_t slots)
      : side_(side), floor_(floor), tick_(tick), levels_(static_cast<std::size_t>(slots)),
        words_((static_cast<std::size_t>(slots) + 63) / 64, 0), summary_((words_.size() + 63) / 64, 0) {}

  Side side() const { return side_; }
  std::int32_t slot_of(Price price) const { return static_cast<std::int32_t>((price - floor_) / tick_); }
  Price price_of(std::int32_t slot) const { return floor_ + tick_ * slot; }
  std::int32_t slots() const { return static_cast<std::int32_t>(levels_.size()); }

  PriceLevel& level(std::int32_t slot) { return levels_[static_cast<std::size_t>(slot)]; }
  const PriceLevel& level(std::int32_t slot) const { return levels_[static_cast<std::size_t>(slot)]; }

  std::int32_t best() const { return best_; }
  bool empty() const { return best_ == kNone; }

  // The best slot as market data last saw it: publication compares it with best() to learn
  // whether the best price moved, without leaving this cache line.
  bool best_moved() const { return noted_best_ != best_; }
  void note_best() { noted_best_ = best_; }

  // The next non-empty slot worse than `slot` (lower for bids, higher for asks), or kNone.
  std::int32_t next_worse(std::int32_t slot) const {
    return side_ == Side::kBuy ? find_below(slot - 1) : find_above(slot + 1);
  }
  // True when `a` is a better price slot than `b` for this side.
  bool better(std::int32_t a, std::int32_t b) const { return side_ == Side::kBuy ? a > b : a < b; }

  void push_back(Order* order) {
    PriceLevel& l = level(order->level);
    order->prev = l.tail;
    order->next = nullptr;
    if (l.tail != nullptr) {
      l.tail->next = order;
    } else {
      l.head = order;
      mark(order->level);
    }
    l.tail = order;
    l.visible += order->visible;
    ++l.count;
  }

  void unlink(Order* order) {
    PriceLevel& l = level(order->level);
    (order->prev != nullptr ? order->prev->next : l.head) = order->next;
    (order->next != nullptr ? order->next->prev : l.tail) = order->prev;
    l.visible -= order->visible;
    --l.count;
    if (l.head == nullptr) unmark(order->level);
  }

  void move_to_back(Order* order) {
    PriceLevel& l = level(order->level);
    if (l.tail == order) return;
    (order->prev != nullptr ? order->prev->next : l.head) = order->next;
    order->next->prev = order->prev;
    order->prev = l.tail;
    order->next = nullptr;
    l.tail->next = order;
    l.tail = order;
  }

 private:
  void mark(std::int32_t slot) {
    const auto s = static_cast<std::size_t>(slot);
    words_[s / 64] |= 1ull << (s % 64);
    summary_[s / 4096] |= 1ull << ((s / 64) % 64);
    if (best_ == kNone || better(slot, best_)) best_ = slot;
  }

  void unmark(std::int32_t slot) {
    const auto s = static_cast<std::size_t>(slot);
    words_[s / 64] &= ~(1ull << (s % 64));
    if (words_[s / 64] == 0) summary_[s / 4096] &= ~(1ull << ((s / 64) % 64));
    if (slot == best_) best_ = next_worse(slot);
  }

  // Lowest set slot >= from, or kNone.
  std::int32_t find_above(std::int32_t from) const {
    if (from >= slots()) return kNone;
    auto s = static_cast<std::size_t>(from);
    std::size_t w = s / 64;
    const std::uint64_t bits = words_[w] & (~0ull << (s % 64));
    if (bits != 0) return static_cast<std::int32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
    // Continue with the summary: the words above w.
    std::size_t word = w + 1;
    for (std::size_t g = word / 64; g < summary_.size(); ++g) {
      const std::uint64_t mask = (g == word / 64) ? (word % 64 == 0 ? ~0ull : ~0ull << (word % 64)) : ~0ull;
      const std::uint64_t groups = summary_[g] & mask;
      if (groups != 0) {
        const std::size_t wi = g * 64 + static_cast<std::size_t>(std::countr_zero(groups));
        return static_cast<std::int32_t>(wi * 64 + static_cast<std::size_t>(std::countr_zero(words_[wi])));
      }
    }
    return kNone;
  }

  // Highest set slot <= from, or kNone.
  std::int32_t find_below(std::int32_t from) const {
    if (from < 0) return kNone;
    auto s = static_cast<std::size_t>(from);
    std::size_t w = s / 64;
    const std::uint64_t bits = words_[w] & (~0ull >> (63 - s % 64));
    if (bits != 0) return static_cast<std::int32_t>(w * 64 + 63 - static_cast<std::size_t>(std::countl_zero(bits)));
    if (w == 0) return kNone;
    const std::size_t word = w - 1;  // highest word still to search
    for (std::size_t g = word / 64 + 1; g-- > 0;) {
      const std::uint64_t mask = (g == word / 64) ? (~0ull >> (63 - word % 64)) : ~0ull;
      const std::uint64_t groups = summary_[g] & mask;
      if (groups != 0) {
        const std::size_t wi = g * 64 + 63 - static_cast<std::size_t>(std::countl_zero(groups));
        return static_cast<std::int32_t>(wi * 64 + 63 - static_cast<std::size_t>(std::countl_zero(words_[wi])));
      }
    }
    return kNone;
  }

  Side side_;
  Price floor_;
  Price tick_;
  std::vector<PriceLevel> levels_;
  std::vector<std::uint64_t> words_;    // bit per slot
  std::vector<std::uint64_t> summary_;  // bit per non-zero word
  std::int32_t best_ = kNone;
  std::int32_t noted_best_ = kNone;
};

}  // namespace rex::matcher
