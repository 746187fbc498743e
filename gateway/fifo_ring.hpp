// A first-in first-out queue in one ring of slots that are reused: unlike std::deque, which takes
// and frees a block every few elements as the queue moves along, it allocates only when it grows
// past its largest size so far. Single-threaded. Growing moves the elements: hold no reference to
// one across a push_back.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace rex::gateway {

template <class T>
class FifoRing {
 public:
  explicit FifoRing(std::size_t capacity = 64) {
    std::size_t c = 1;
    while (c < capacity) c <<= 1;
    slots_.resize(c);
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& front() { return slots_[head_]; }

  void push_back(const T& value) { push_back(T(value)); }
  void push_back(T&& value) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = std::move(value);
    ++size_;
  }

  void pop_front() {
    slots_[head_] = T{};  // what it holds (strings, say) is let go now, not when the slot is reused
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
  }

 private:
  void grow() {
    std::vector<T> bigger(slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace rex::gateway
