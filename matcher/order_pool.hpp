// Fixed-size nodes handed out from chunks through a free list: no allocation per order once the
// pool is warm; a new chunk only when every node is in use. Reuse order is LIFO, which is
// deterministic, and nothing observable depends on node addresses.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

#include "matcher/order.hpp"

namespace rex::matcher {

template <class Node>
class NodePool {
 public:
  explicit NodePool(std::size_t initial_capacity) { grow(std::max(initial_capacity, kMinimumChunk)); }

  Node* acquire() {
    if (free_ == nullptr) grow(std::max(kMinimumChunk, capacity_ / 2));
    Node* node = free_;
    free_ = next_free(node);
    *node = Node{};
    return node;
  }

  void release(Node* node) {
    set_next_free(node, free_);
    free_ = node;
  }

 private:
  // Growth by half the capacity keeps chunk allocations rare without doubling memory at once.
  static constexpr std::size_t kMinimumChunk = 1024;

  // The free list threads through Order::next (first member of every node type).
  static Order& links(Node* node) { return reinterpret_cast<Order&>(*node); }
  static Node* next_free(Node* node) { return reinterpret_cast<Node*>(links(node).next); }
  static void set_next_free(Node* node, Node* next) { links(node).next = reinterpret_cast<Order*>(next); }

  void grow(std::size_t count) {
    auto chunk = std::make_unique<Node[]>(count);
    for (std::size_t i = 0; i < count; ++i) set_next_free(&chunk[i], i + 1 < count ? &chunk[i + 1] : free_);
    free_ = &chunk[0];
    capacity_ += count;
    chunks_.push_back(std::move(chunk));
  }

  std::vector<std::unique_ptr<Node[]>> chunks_;
  Node* free_ = nullptr;
  std::size_t capacity_ = 0;
};

using OrderPool = NodePool<Order>;
using QualityOrderPool = NodePool<QualityOrder>;

}  // namespace rex::matcher
