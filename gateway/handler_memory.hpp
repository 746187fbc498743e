// Memory for a session's socket operations, so that reading a request and writing its answer
// allocate nothing.
//
// Asio allocates each asynchronous operation (with Beast's WebSocket state inside it) through
// the completion handler's associated allocator; by default that is a per-thread cache of one
// block per kind, which a busy I/O thread with many sessions misses nearly every time (measured:
// four allocations per order on the I/O thread, bench/RESULTS.md). A session keeps a few blocks of
// its own instead, one per operation it has in flight (a read, a write, a control frame Beast
// sends from inside a read); anything larger or beyond them falls back to the heap.
// The blocks are taken on the session's strand, but Asio frees an operation's memory on whichever
// thread completes it, hence the atomic flags.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <new>
#include <utility>

namespace rex::gateway {

class HandlerMemory {
 public:
  HandlerMemory() = default;
  HandlerMemory(const HandlerMemory&) = delete;
  HandlerMemory& operator=(const HandlerMemory&) = delete;

  void* allocate(std::size_t bytes) {
    if (bytes <= kBlockBytes) {
      for (Block& b : blocks_) {
        if (!b.used.load(std::memory_order_relaxed) && !b.used.exchange(true, std::memory_order_acquire)) return b.bytes;
      }
    }
    return ::operator new(bytes);
  }

  void deallocate(void* p) {
    for (Block& b : blocks_) {
      if (p == b.bytes) return b.used.store(false, std::memory_order_release);
    }
    ::operator delete(p);
  }

 private:
  static constexpr std::size_t kBlockBytes = 1024;  // a WebSocket read or write with its socket operation
  struct Block {
    alignas(std::max_align_t) unsigned char bytes[kBlockBytes];
    std::atomic<bool> used{false};
  };
  std::array<Block, 3> blocks_;
};

template <class T>
class HandlerAllocator {
 public:
  using value_type = T;
  explicit HandlerAllocator(HandlerMemory& memory) : memory_(&memory) {}
  template <class U>
  HandlerAllocator(const HandlerAllocator<U>& other) noexcept : memory_(other.memory_) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) { memory_->deallocate(p); }

  template <class U>
  bool operator==(const HandlerAllocator<U>& other) const noexcept { return memory_ == other.memory_; }
  template <class U>
  bool operator!=(const HandlerAllocator<U>& other) const noexcept { return memory_ != other.memory_; }

 private:
  template <class>
  friend class HandlerAllocator;
  HandlerMemory* memory_;
};

// `handler`, with its operations' memory taken from `memory` (which must outlive them: the
// session that owns it is kept alive by the handler it wraps).
template <class Handler>
class WithMemory {
 public:
  using allocator_type = HandlerAllocator<void>;

  WithMemory(HandlerMemory& memory, Handler handler) : memory_(&memory), handler_(std::move(handler)) {}

  allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }

  template <class... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  HandlerMemory* memory_;
  Handler handler_;
};

}  // namespace rex::gateway
