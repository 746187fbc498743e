#include "gateway/message.hpp"

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace rex::gateway {
namespace {

constexpr std::size_t kPooled = 4096;           // texts, holders and control blocks kept per thread
constexpr std::size_t kMaxKeptCapacity = 4096;  // larger texts (snapshots, reference data) are freed
constexpr std::size_t kNewCapacity = 256;       // an ack or a fill with room to spare
constexpr std::size_t kBlockBytes = 64;         // a shared_ptr control block with our deleter fits

struct Pool {
  std::vector<std::string> texts;     // empty, with capacity
  std::vector<std::string*> holders;  // the strings messages point at, without a text
  std::vector<void*> blocks;          // control blocks' memory

  Pool() {
    texts.reserve(kPooled);
    holders.reserve(kPooled);
    blocks.reserve(kPooled);
  }
  ~Pool();
};

// Set as the thread's pool is destroyed: a message dropped after that (by another thread-local's
// destructor) is freed rather than pooled.
thread_local bool pool_gone = false;
thread_local Pool pool;

Pool::~Pool() {
  pool_gone = true;
  for (std::string* h : holders) delete h;
  for (void* b : blocks) ::operator delete(b);
}

// The control block's allocator: fixed-size blocks from the pool.
template <class T>
struct BlockAllocator {
  using value_type = T;
  BlockAllocator() = default;
  template <class U>
  BlockAllocator(const BlockAllocator<U>&) {}

  T* allocate(std::size_t n) {
    if (n * sizeof(T) > kBlockBytes || alignof(T) > alignof(std::max_align_t)) {
      return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    if (!pool_gone && !pool.blocks.empty()) {
      void* b = pool.blocks.back();
      pool.blocks.pop_back();
      return static_cast<T*>(b);
    }
    return static_cast<T*>(::operator new(kBlockBytes));
  }

  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) > kBlockBytes || alignof(T) > alignof(std::max_align_t)) return ::operator delete(p);
    if (!pool_gone && pool.blocks.size() < kPooled) return pool.blocks.push_back(p);
    ::operator delete(p);
  }

  template <class U>
  bool operator==(const BlockAllocator<U>&) const { return true; }
};

// The message's deleter: its text and its holder back to the pool.
struct Recycle {
  void operator()(const std::string* message) const {
    auto* holder = const_cast<std::string*>(message);
    if (pool_gone) return delete holder;
    if (holder->capacity() <= kMaxKeptCapacity && pool.texts.size() < kPooled) {
      pool.texts.push_back(std::move(*holder));
    } else {
      std::string().swap(*holder);
    }
    if (pool.holders.size() < kPooled) {
      holder->clear();  // moved from: empty already, but a moved-from string is only "valid"
      pool.holders.push_back(holder);
    } else {
      delete holder;
    }
  }
};

}  // namespace

std::string message_text() {
  std::string text;
  if (!pool_gone && !pool.texts.empty()) {
    text = std::move(pool.texts.back());
    pool.texts.pop_back();
    text.clear();
  } else {
    text.reserve(kNewCapacity);
  }
  return text;
}

Message make_message(std::string&& text) {
  std::string* holder = nullptr;
  if (!pool_gone && !pool.holders.empty()) {
    holder = pool.holders.back();
    pool.holders.pop_back();
    *holder = std::move(text);
  } else {
    holder = new std::string(std::move(text));
  }
  return Message(holder, Recycle{}, BlockAllocator<std::string>{});
}

}  // namespace rex::gateway
