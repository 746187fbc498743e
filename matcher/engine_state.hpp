// The engine's state and the small operations every part of it shares (events, level bookkeeping,
// order lifetime). Internal to matcher/: engine.cpp runs commands, matching.cpp matches,
// market_data.cpp publishes level and commodity changes, engine_snapshot.cpp saves and restores.
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

#include "matcher/engine.hpp"
#include "matcher/order_book.hpp"
#include "matcher/order_index.hpp"
#include "matcher/order_pool.hpp"

namespace rex::matcher {

struct GtdEntry {
  Timestamp expiry;
  OrderId id;
  // std heap functions build a max-heap; invert so the earliest expiry, then lowest id, is on top.
  bool operator<(const GtdEntry& other) const { return expiry != other.expiry ? expiry > other.expiry : id > other.id; }
};

// A level of an instrument book touched by the current command, with its state before it.
struct LevelChange {
  std::uint64_t sort_key;
  std::int32_t slot;
  Quantity visible_before;
  std::uint32_t count_before;
};

// The best base-equivalent bid and offer prices of a commodity, as last published.
struct CommodityTop {
  Price bid = 0;
  Price ask = 0;
  bool has_bid = false;
  bool has_ask = false;
  bool operator==(const CommodityTop&) const = default;
};

// All instruments of one commodity and its quality bids, on the base-equivalent price ladder.
struct CommodityMarket {
  static constexpr Price kNoBid = std::numeric_limits<Price>::min();
  static constexpr Price kNoAsk = std::numeric_limits<Price>::max();

  CommodityMarket(std::uint32_t commodity_index, Price floor, Price tick, std::int32_t slots)
      : commodity(commodity_index), quality_bids(Side::kBuy, floor, tick, slots) {}

  std::uint32_t commodity;
  std::vector<InstrumentId> instruments;  // ascending
  PriceLadder quality_bids;
  // Each member book's best bid and offer at base-equivalent prices (kNoBid/kNoAsk when empty),
  // by position in `instruments`: the commodity's top is read from these few words instead of
  // from every member's ladders.
  std::vector<Price> best_bid_base;
  std::vector<Price> best_ask_base;
  bool touched = false;  // its top may have changed in this command
  CommodityTop published;
};

// One place an incoming order may meet resting orders: a ladder, and how its prices convert.
struct Source {
  PriceLadder* ladder = nullptr;
  const OrderBook* lot_book = nullptr;  // the instrument the lots of this meeting are on
  Price offset = 0;                     // resting price + offset = price in the incoming order's terms
  bool quality_bids = false;            // the ladder is a commodity's quality-bid ladder
  std::int32_t slot = PriceLadder::kNone;
  Order* order = nullptr;

  void start() {
    slot = ladder->best();
    order = slot == PriceLadder::kNone ? nullptr : ladder->level(slot).head;
  }
  // After the current order's level ran out of candidates.
  void next_level() {
    slot = ladder->next_worse(slot);
    order = slot == PriceLadder::kNone ? nullptr : ladder->level(slot).head;
  }
  Price adjusted_price() const { return ladder->price_of(slot) + offset; }
};

inline constexpr std::size_t kMaxSources = 64 * 64;  // accepted grades x hubs, at most

struct Engine::State {
  State(std::vector<refdata::InstrumentSpec> specs, EngineOptions options);

  // Room for the levels one command usually touches; a sweep through more grows it once.
  static constexpr std::size_t kChangesReserved = 4096;
  // Stale GTD entries (orders gone before expiry) are purged when they outnumber live ones.
  static constexpr std::size_t kGtdCompactionSlack = 1024;

  std::vector<refdata::InstrumentSpec> instruments;
  std::vector<OrderBook> books;
  std::vector<CommodityMarket> markets;
  std::vector<std::uint32_t> market_of_book;  // books[i] belongs to markets[market_of_book[i]]
  std::vector<std::uint32_t> member_of_book;  // ... at position member_of_book[i] of its instruments
  OrderPool pool;
  QualityOrderPool quality_pool;
  OrderIndex index;
  std::vector<GtdEntry> gtd;
  std::size_t live_gtd = 0;
  std::vector<LevelChange> changes;
  std::vector<Source> sources;  // scratch for one merged match; reserved, never shrinks
  std::uint32_t reference_data = 0;
  SequenceNumber reference_data_seq = 0;  // the kReferenceData command that set it (0: none)
  std::vector<refdata::InstrumentSpec>* staged = nullptr;  // process_reference_data's instruments
  SequenceNumber last_seq = 0;
  Timestamp last_timestamp = 0;
  TradeId last_trade = 0;
  std::uint64_t last_priority = 0;  // queue placements so far: entries, priority-losing amends, refills
  std::vector<std::uint16_t> source_heap;  // scratch for SourceQueue
  // Scratch for dry runs: icebergs whose slice an order would use up at one price, in that order.
  struct Refill {
    Quantity hidden;
    Quantity display;
    bool decrement;  // a self-trade the incoming order decrements instead of trading
  };
  std::vector<Refill> refills;
  const Command* command = nullptr;
  EventBuffer* out = nullptr;

  // ---- events ----
  Event& emit(EventType type) {
    Event& e = out->emplace_back();
    e.type = type;
    e.seq = command->seq;
    e.timestamp = command->timestamp;
    return e;
  }

  CommodityMarket& market_of(const Order& o) { return markets[market_of_book[o.instrument]]; }
  PriceLadder& ladder_of(Order& o) {
    return o.quality_bid ? market_of(o).quality_bids : books[o.instrument].side(o.side());
  }

  // The order's price in its own instrument's terms (a quality bid rests at base-equivalent).
  Price price_of(const Order& o) const {
    const OrderBook& book = books[o.instrument];
    if (o.quality_bid) return markets[market_of_book[o.instrument]].quality_bids.price_of(o.level) + book.spec.differential;
    return book.bids.price_of(o.level);
  }

  Event& emit_for(EventType type, const Order& o) {
    Event& e = emit(type);
    e.instrument = o.instrument;
    e.participant = o.participant;
    e.order_id = o.id;
    e.side = o.side();
    e.price = o.market ? 0 : price_of(o);
    return e;
  }

  void reject(RejectCode code, AttributeId attribute = 0) {
    Event& e = emit(EventType::kRejected);
    e.reject = code;
    e.participant = command->participant;
    e.attribute = attribute;
    if (command->type == CommandType::kCancel || command->type == CommandType::kAmend) e.order_id = command->order_id;
  }

  void emit_cancel(const Order& o, CancelReason reason, Quantity quantity, Quantity leaves) {
    Event& e = emit_for(EventType::kCancelled, o);
    e.cancel_reason = reason;
    e.quantity = quantity;
    e.leaves = leaves;
  }

  // ---- level bookkeeping (market_data.cpp publishes) ----
  // Before changing an order's level. Instrument levels are compared with the commodity's top at
  // publication; a quality-bid change always re-reads the top.
  void touch(const Order& o) {
    if (o.quality_bid) {
      touch_market(markets[market_of_book[o.instrument]]);
    } else {
      touch_level(o.instrument, o.side(), o.level);
    }
  }

  void touch_level(InstrumentId instrument, Side side, std::int32_t slot) {
    PriceLevel& level = books[instrument].side(side).level(slot);
    if (level.touched) return;
    level.touched = true;
    const std::uint64_t price_rank =
        side == Side::kBuy ? 0xFFFFFFFFull - static_cast<std::uint64_t>(slot) : static_cast<std::uint64_t>(slot);
    changes.push_back(LevelChange{(std::uint64_t{instrument} << 33) | (std::uint64_t{side == Side::kSell} << 32) | price_rank,
                                  slot, level.visible, level.count});
  }

  // A commodity whose top may have moved in this command.
  void touch_market(CommodityMarket& m) {
    m.touched = true;
    any_market_touched = true;
  }
  bool any_market_touched = false;

  void flush_market_data();
  // Copies one book side's best into its commodity's member tops and marks the commodity touched.
  void note_best(InstrumentId instrument, Side side);
  CommodityTop compute_top(const CommodityMarket& m) const;

  // ---- order lifetime ----
  Order* acquire(bool extended) {
    if (!extended) return pool.acquire();
    Order* o = &quality_pool.acquire()->order;
    o->extended = true;
    return o;
  }

  void release(Order* o) {
    if (o->extended) {
      quality_pool.release(&quality_of(*o));
    } else {
      pool.release(o);
    }
  }

  // Puts `o` at the back of its level. `expiry` matters only the first time a GTD order rests.
  void rest(Order* o, Timestamp expiry) {
    PriceLadder& ladder = ladder_of(*o);
    o->visible = o->display != 0 ? std::min(o->display, o->open) : o->open;
    o->priority = ++last_priority & kMaxSequence;
    touch(*o);
    ladder.push_back(o);
    if (!o->indexed) {
      o->indexed = true;
      index.insert(o);
      if (o->time_in_force() == TimeInForce::kGoodTillDate) {
        gtd.push_back(GtdEntry{expiry, o->id});
        std::push_heap(gtd.begin(), gtd.end());
        ++live_gtd;
      }
    }
  }

  // Frees an order that is no longer in any level queue.
  void discard(Order* o) {
    if (o->indexed) {
      index.erase(o->id);
      if (o->time_in_force() == TimeInForce::kGoodTillDate) --live_gtd;
    }
    release(o);
  }

  void remove_resting(Order* o) {
    touch(*o);
    ladder_of(*o).unlink(o);
    discard(o);
  }

  void cancel_resting(Order* o, CancelReason reason) {
    emit_cancel(*o, reason, o->open, 0);
    remove_resting(o);
  }

  // After a fill or a decrement: a finished order leaves; a used-up iceberg slice refills and goes
  // to the back, with a new time priority. Returns the order to visit next in that queue.
  Order* settle_resting(PriceLadder& ladder, Order* o, Order* next) {
    if (o->open == 0) {
      remove_resting(o);
      return next;
    }
    if (o->visible == 0) {
      o->visible = std::min(o->display, o->open);
      ladder.level(o->level).visible += o->visible;
      o->priority = ++last_priority & kMaxSequence;
      ladder.move_to_back(o);
      return next != nullptr ? next : o;
    }
    return next;
  }

  void take(PriceLadder& ladder, Order* resting, Order* incoming, Quantity x) {
    touch(*resting);
    resting->open -= x;
    resting->visible -= x;
    ladder.level(resting->level).visible -= x;
    incoming->open -= x;
  }

  // ---- matching (matching.cpp) ----
  // `in` meets resting `o` at `price` (the lot's instrument terms); `o` becomes the next order to
  // visit in that queue. False when self-trade prevention cancelled `in`.
  bool meet(PriceLadder& ladder, Order*& o, Order* in, const OrderBook& lot_book, Price price);
  bool match(OrderBook& book, Order* in);
  Quantity tradable(const OrderBook& book, const Order& in) const;
  bool needs_sources(const Order& in) const;
  void build_sources(Order& in, Price limit);
  bool eligible(const Source& source, const Order& resting, const Order& in) const;
  bool match_sources(Order* in, Price limit);
  Quantity tradable_sources(const Order& in, Price limit);
  // Dispatch: the plain single-book path when nothing quality-aware is involved.
  bool run_match(Order* in, Price limit);
  Quantity run_tradable(Order& in, Price limit);
  bool can_trade_with_quality_bids(Order& in, Price limit);
  // Does `o`, limited to `limit`, reach any resting order it is eligible for (quantities, STP and
  // all-or-none aside): for a plain order its book's opposite best or an eligible quality bid.
  bool meets_any(Order& o, Price limit);
  // Fills from the icebergs' refills at one price, in refill order: what trades, and what
  // `left` becomes (decrements take quantity without trading).
  Quantity fill_from_refills(Quantity& left);

  // ---- commands (engine.cpp) ----
  void process(const Command& c, EventBuffer& events);
  void new_order(const Command& c);
  RejectCode check_quality(const Command& c, const OrderBook& book, AttributeId& attribute, bool& quality_bid,
                           std::uint64_t& grades, std::uint64_t& hubs) const;
  void finish_incoming(Order* o, bool alive, Timestamp expiry);
  Order* owned_order(const Command& c);
  void cancel(const Command& c);
  void amend(const Command& c);
  void set_open_in_place(PriceLadder& ladder, Order* o, Quantity open);
  void mass_cancel(const Command& c);
  void set_halted(const Command& c, bool halted);
  void apply_reference_data(const Command& c);  // reference_data.cpp
  void expire(Order* o, ExpiryReason reason);
  void end_of_day();
  void expire_due(Timestamp now);
  Price limit_of(const Order& o) const;

  // Visits resting orders of books [first, last) (buy side then sell side, best price first, then
  // time priority), then the quality bids of their commodities. The visitor may remove the order.
  template <class Visitor>
  void for_each_resting(std::size_t first, std::size_t last, Visitor&& visit) {
    for (std::size_t b = first; b < last; ++b) {
      for_each_in(books[b].bids, visit);
      for_each_in(books[b].asks, visit);
    }
    // Then quality bids by commodity; for a range of books, those named on one of them.
    for (CommodityMarket& m : markets) {
      for_each_in(m.quality_bids, [&](Order* o) {
        if (o->instrument >= first && o->instrument < last) visit(o);
      });
    }
  }

  template <class Visitor>
  static void for_each_in(PriceLadder& ladder, Visitor&& visit) {
    for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone;) {
      const std::int32_t worse = ladder.next_worse(slot);
      for (Order* o = ladder.level(slot).head; o != nullptr;) {
        Order* next = o->next;
        visit(o);
        o = next;
      }
      slot = worse;
    }
  }
};

}  // namespace rex::matcher
