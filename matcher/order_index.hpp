// Live orders by id: open addressing with linear probing and backward-shift deletion (no
// tombstones), so lookup and erase stay O(1) under heavy cancel traffic. Never iterated, so its
// layout cannot leak into event order.
// Ids are sequence numbers, assigned by the sequencer and never chosen by a client, so the slot is
// the id's low bits: consecutive orders land in consecutive slots, and inserting a new order
// touches memory that is already in cache instead of a random line of a large table. Such keys
// fill long runs of occupied slots, so probes stop after the largest displacement any member has
// had (`reach_`) instead of at the next empty slot.
#pragma once

#include <algorithm>
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
    std::size_t i = slot_of(id);
    for (std::size_t probe = 0; probe <= reach_; ++probe, i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == id) return s.order;
      if (s.id == kEmpty) return nullptr;
    }
    return nullptr;
  }

  void insert(Order* order) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    place(order->id, order);
    ++size_;
  }

  void erase(OrderId id) {
    std::size_t hole = slot_of(id);
    for (std::size_t probe = 0; slots_[hole].id != id; ++probe, hole = (hole + 1) & mask_) {
      if (slots_[hole].id == kEmpty || probe == reach_) return;
    }
    // Shift later members of the probe run back into the hole so that no run is broken. Only a
    // member displaced at least as far as its distance to the hole may move, so the scan ends
    // `reach_` slots past the (moving) hole.
    for (std::size_t i = (hole + 1) & mask_; slots_[i].id != kEmpty && ((i - hole) & mask_) <= reach_;
         i = (i + 1) & mask_) {
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

  std::size_t slot_of(OrderId id) const { return static_cast<std::size_t>(id) & mask_; }

  void place(OrderId id, Order* order) {
    std::size_t i = slot_of(id);
    std::size_t displacement = 0;
    while (slots_[i].id != kEmpty) {
      i = (i + 1) & mask_;
      ++displacement;
    }
    slots_[i] = Slot{id, order};
    reach_ = std::max(reach_, displacement);
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    reach_ = 0;
    for (const Slot& s : old) {
      if (s.id != kEmpty) place(s.id, s.order);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  std::size_t reach_ = 0;  // largest displacement from home of any member since the last rehash
};

}  // namespace rex::matcher
