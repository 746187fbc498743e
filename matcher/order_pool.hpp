// Fixed-size Order nodes handed out from chunks through a free list: no allocation per order once
// the pool is warm; a new chunk only when every node is in use. Reuse order is LIFO, which is
// deterministic, and nothing observable depends on node addresses.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

#include "matcher/order.hpp"

namespace rex::matcher {

class OrderPool {
 public:
  explicit OrderPool(std::size_t initial_capacity) { grow(initial_capacity == 0 ? kMinimumChunk : initial_capacity); }

  Order* acquire() {
    if (free_ == nullptr) grow(std::max(kMinimumChunk, capacity_ / 2));
    Order* order = free_;
    free_ = order->next;
    *order = Order{};
    return order;
  }

  void release(Order* order) {
    order->next = free_;
    free_ = order;
  }

 private:
  // Growth by half the capacity keeps chunk allocations rare without doubling memory at once.
  static constexpr std::size_t kMinimumChunk = 4096;

  void grow(std::size_t count) {
    auto chunk = std::make_unique<Order[]>(count);
    for (std::size_t i = 0; i < count; ++i) {
      chunk[i].next = (i + 1 < count) ? &chunk[i + 1] : free_;
    }
    free_ = &chunk[0];
    capacity_ += count;
    chunks_.push_back(std::move(chunk));
  }

  std::vector<std::unique_ptr<Order[]>> chunks_;
  Order* free_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace rex::matcher
