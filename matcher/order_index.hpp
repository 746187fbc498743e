// Live orders by id: open addressing with linear probing and backward-shift deletion (no
// tombstones), so lookup and erase stay O(1) under heavy cancel traffic. Never iterated, so its
// layout cannot leak into event order.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "matcher/order.hpp"

namespace rex::matcher {

class OrderIndex {
 public:
  explicit OrderIndex(std::size_t expected) { rehash(std::bit_ceil(std::max<std::size_t>(expected * 2, 1024))); }

  Order* find(OrderId id) const {
    for (std::size_t i = slot_of(id);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == id) return s.order;
      if (s.id == kEmpty) return nullptr;
    }
  }

  void insert(Order* order) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    place(order->id, order);
    ++size_;
  }

  void erase(OrderId id) {
    std::size_t hole = slot_of(id);
    while (slots_[hole].id != id) {
      if (slots_[hole].id == kEmpty) return;
      hole = (hole + 1) & mask_;
    }
    // Shift later members of the probe run back into the hole so that no run is broken.
    for (std::size_t i = (hole + 1) & mask_; slots_[i].id != kEmpty; i = (i + 1) & mask_) {
      const std::size_t home = slot_of(slots_[i].id);
      const bool movable = ((i - home) & mask_) >= ((i - hole) & mask_);
      if (movable) {
        slots_[hole] = slots_[i];
        hole = i;
      }
    }
    slots_[hole] = Slot{};
    --size_;
  }

  std::size_t size() const { return size_; }

 private:
  static constexpr OrderId kEmpty = 0;  // sequence numbers, and so order ids, start at 1

  struct Slot {
    OrderId id = kEmpty;
    Order* order = nullptr;
  };

  std::size_t slot_of(OrderId id) const {
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void place(OrderId id, Order* order) {
    std::size_t i = slot_of(id);
    while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
    slots_[i] = Slot{id, order};
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    for (const Slot& s : old) {
      if (s.id != kEmpty) place(s.id, s.order);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace rex::matcher
