// The gateway's per-order tables (orders, client order ids) as one structure: records that never
// move, found through an open-addressing index.
//
// Records live in chunks taken at start for the expected count and reused through a free list, so
// entering and forgetting orders allocates nothing while the market runs, and a pointer to a
// record stays valid until it is erased. The index holds 8 bytes per slot (the hash's low 32 bits
// and the record's number), at most half full when sized as expected: a lookup reads one slot,
// and the record only when its hash bits match (std::unordered_map read a bucket, a node before
// it and the node: three cache misses, and allocated a node per insert; measured in
// bench/RESULTS.md). Deletion shifts the cluster back (no tombstones), so probes stay short
// whatever the churn. Past 3/4 full the index doubles (records stay put), as rarely as a table
// sized for the day's orders allows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace rex::gateway {

// A 64-bit mix of a key's hash, so that low bits of sequential ids spread over the index.
inline std::uint64_t mix_hash(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

template <class Record>
class RecordTable {
 public:
  explicit RecordTable(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < 2 * expected) capacity <<= 1;
    slots_.assign(capacity, Slot{});
    free_.reserve((expected + kChunk - 1) / kChunk * kChunk);
    while (chunks_.size() * kChunk < expected) add_chunk();
  }

  // The record of `hash` that `match` accepts, or null.
  template <class Match>
  Record* find(std::uint64_t hash, Match&& match) {
    const auto bits = static_cast<std::uint32_t>(hash);
    for (std::size_t i = bits & mask();; i = (i + 1) & mask()) {
      const Slot s = slots_[i];
      if (s.record == 0) return nullptr;
      if (s.bits == bits && match(record(s.record))) return &record(s.record);
    }
  }

  // A record in its default state, found under `hash` once the caller has filled it in so that
  // its match accepts it. The caller checks first that no record matches.
  Record& insert(std::uint64_t hash) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    if (free_.empty()) add_chunk();
    const std::uint32_t number = free_.back();
    free_.pop_back();
    place(static_cast<std::uint32_t>(hash), number);
    ++size_;
    return record(number);
  }

  // Forgets `r`, found under `hash`, and resets it for reuse.
  void erase(std::uint64_t hash, const Record* r) {
    const auto bits = static_cast<std::uint32_t>(hash);
    std::size_t i = bits & mask();
    while (slots_[i].record != 0 && &record(slots_[i].record) != r) i = (i + 1) & mask();
    if (slots_[i].record == 0) return;
    const std::uint32_t number = slots_[i].record;
    // Backward shift: pull later members of the cluster into the hole when the hole lies on their
    // probe path (between their home slot and where they sit), so no lookup meets a gap early.
    for (std::size_t j = (i + 1) & mask();; j = (j + 1) & mask()) {
      if (slots_[j].record == 0) break;
      const std::size_t home = slots_[j].bits & mask();
      if (((j - home) & mask()) >= ((j - i) & mask())) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{};
    record(number) = Record{};
    free_.push_back(number);
    --size_;
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint32_t bits = 0;    // the hash's low 32 bits: home slot, and a filter before the record
    std::uint32_t record = 0;  // 1-based record number; 0: empty
  };
  static constexpr std::size_t kChunk = 1024;

  std::size_t mask() const { return slots_.size() - 1; }
  Record& record(std::uint32_t number) { return chunks_[(number - 1) / kChunk][(number - 1) % kChunk]; }

  void place(std::uint32_t bits, std::uint32_t number) {
    std::size_t i = bits & mask();
    while (slots_[i].record != 0) i = (i + 1) & mask();
    slots_[i] = Slot{bits, number};
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.record != 0) place(s.bits, s.record);
    }
  }

  void add_chunk() {
    const auto first = static_cast<std::uint32_t>(chunks_.size() * kChunk) + 1;
    chunks_.push_back(std::make_unique<Record[]>(kChunk));
    free_.reserve(chunks_.size() * kChunk);  // room for every record to be free again: erase() never allocates
    for (std::uint32_t n = first + kChunk; n-- > first;) free_.push_back(n);  // lowest numbers first out
  }

  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Record[]>> chunks_;
  std::vector<std::uint32_t> free_;  // record numbers not in use
  std::size_t size_ = 0;
};

}  // namespace rex::gateway
