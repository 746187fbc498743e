// The client order ids the gateway remembers, for every participant in one table: each maps to
// its order (open, or among the finished orders kept for order_status), or to 0 while the
// new_order that took it is in flight.
//
// One table sized once for all that the gateway keeps, so it does not rehash while the market runs
// (a per-participant table doubling at ~65,000 ids stalled the I/O thread for milliseconds; see
// bench/RESULTS.md) and its size does not grow with the number of participants.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "matcher/types.hpp"

namespace rex::gateway {

class ClientOrderIds {
 public:
  explicit ClientOrderIds(std::size_t expected) { ids_.reserve(expected); }

  // Takes `id` for a new order of `participant` (its slot reads 0 until set); null when the
  // participant uses the id already. The slot stays valid until the id is released.
  matcher::OrderId* claim(matcher::ParticipantId participant, std::string_view id) {
    const auto [it, fresh] = ids_.try_emplace(Key{participant, std::string(id)}, 0);
    return fresh ? &it->second : nullptr;
  }

  // The order the id names; 0 when there is none or its new_order is in flight.
  matcher::OrderId find(matcher::ParticipantId participant, std::string_view id) const {
    const auto it = ids_.find(KeyView{participant, id});
    return it == ids_.end() ? 0 : it->second;
  }

  void set(matcher::ParticipantId participant, std::string_view id, matcher::OrderId order) {
    ids_.insert_or_assign(Key{participant, std::string(id)}, order);
  }

  // Gives the id back if it still names `order` (0: an order in flight that went no further).
  void release(matcher::ParticipantId participant, std::string_view id, matcher::OrderId order) {
    const auto it = ids_.find(KeyView{participant, id});
    if (it != ids_.end() && it->second == order) ids_.erase(it);
  }

  std::size_t size() const { return ids_.size(); }

 private:
  struct Key {
    matcher::ParticipantId participant;
    std::string id;
  };
  struct KeyView {
    matcher::ParticipantId participant;
    std::string_view id;
  };
  // Transparent: a lookup by a request's id builds no string.
  struct Hash {
    using is_transparent = void;
    static std::size_t of(matcher::ParticipantId p, std::string_view id) {
      return std::hash<std::string_view>{}(id) ^ (static_cast<std::size_t>(p) * 0x9E3779B97F4A7C15ULL);
    }
    std::size_t operator()(const Key& k) const { return of(k.participant, k.id); }
    std::size_t operator()(const KeyView& k) const { return of(k.participant, k.id); }
  };
  struct Equal {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return a.participant == b.participant && std::string_view(a.id) == std::string_view(b.id);
    }
  };
  std::unordered_map<Key, matcher::OrderId, Hash, Equal> ids_;
};

}  // namespace rex::gateway
