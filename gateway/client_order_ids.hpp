// The client order ids the gateway remembers, for every participant in one table: each maps to
// its order (open, or among the finished orders kept for order_status), or to 0 while the
// new_order that took it is in flight.
//
// One table sized once for all that the gateway keeps, so it does not rehash while the market runs
// (a per-participant table doubling at ~65,000 ids stalled the I/O thread for milliseconds; see
// bench/RESULTS.md) and its size does not grow with the number of participants. The ids are
// stored in the entries themselves (at most kMaxClientOrderIdBytes): taking and giving back an id
// allocates nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string_view>

#include "gateway/protocol.hpp"
#include "gateway/record_table.hpp"
#include "matcher/types.hpp"

namespace rex::gateway {

class ClientOrderIds {
 public:
  explicit ClientOrderIds(std::size_t expected) : ids_(expected) {}

  // Takes `id` for a new order of `participant` (its slot reads 0 until set); null when the
  // participant uses the id already. The slot stays valid until the id is released.
  matcher::OrderId* claim(matcher::ParticipantId participant, std::string_view id) {
    const std::uint64_t h = hash(participant, id);
    if (ids_.find(h, Matches{participant, id}) != nullptr) return nullptr;
    return &add(h, participant, id).order;
  }

  // The order the id names; 0 when there is none or its new_order is in flight.
  matcher::OrderId find(matcher::ParticipantId participant, std::string_view id) {
    const Entry* e = ids_.find(hash(participant, id), Matches{participant, id});
    return e == nullptr ? 0 : e->order;
  }

  // The id names a new order still in flight (claimed, its ack or reject not yet back).
  bool in_flight(matcher::ParticipantId participant, std::string_view id) {
    const Entry* e = ids_.find(hash(participant, id), Matches{participant, id});
    return e != nullptr && e->order == 0;
  }

  void set(matcher::ParticipantId participant, std::string_view id, matcher::OrderId order) {
    const std::uint64_t h = hash(participant, id);
    Entry* e = ids_.find(h, Matches{participant, id});
    (e != nullptr ? *e : add(h, participant, id)).order = order;
  }

  // Gives the id back if it still names `order` (0: an order in flight that went no further).
  void release(matcher::ParticipantId participant, std::string_view id, matcher::OrderId order) {
    const std::uint64_t h = hash(participant, id);
    const Entry* e = ids_.find(h, Matches{participant, id});
    if (e != nullptr && e->order == order) ids_.erase(h, e);
  }

  std::size_t size() const { return ids_.size(); }

 private:
  struct Entry {
    matcher::OrderId order = 0;
    matcher::ParticipantId participant = 0;
    std::uint8_t length = 0;
    char id[kMaxClientOrderIdBytes];
    std::string_view view() const { return {id, length}; }
  };
  struct Matches {
    matcher::ParticipantId participant;
    std::string_view id;
    bool operator()(const Entry& e) const { return e.participant == participant && e.view() == id; }
  };

  static std::uint64_t hash(matcher::ParticipantId p, std::string_view id) {
    return mix_hash(std::hash<std::string_view>{}(id) ^ (static_cast<std::uint64_t>(p) * 0x9E3779B97F4A7C15ULL));
  }

  Entry& add(std::uint64_t h, matcher::ParticipantId participant, std::string_view id) {
    // The request parser refuses longer ids; one reaching here is a gateway bug, not a client's.
    if (id.size() > kMaxClientOrderIdBytes) throw std::length_error("client order id longer than kMaxClientOrderIdBytes");
    Entry& e = ids_.insert(h);
    e.participant = participant;
    e.length = static_cast<std::uint8_t>(id.size());
    std::copy(id.begin(), id.end(), e.id);
    return e;
  }

  RecordTable<Entry> ids_;
};

}  // namespace rex::gateway
