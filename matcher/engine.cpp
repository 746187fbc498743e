#include "matcher/engine.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "matcher/order_book.hpp"
#include "matcher/order_checks.hpp"
#include "matcher/order_index.hpp"
#include "matcher/order_pool.hpp"

namespace rex::matcher {
namespace {

bool immediate(const Order& o) {
  return o.market || o.time_in_force == TimeInForce::kImmediateOrCancel || o.time_in_force == TimeInForce::kFillOrKill;
}

// Does a resting price slot reach the incoming order's limit slot?
bool within_limit(const Order& incoming, std::int32_t resting_slot) {
  return incoming.side == Side::kBuy ? resting_slot <= incoming.level : resting_slot >= incoming.level;
}

struct GtdEntry {
  Timestamp expiry;
  OrderId id;
  // std heap functions build a max-heap; invert so the earliest expiry, then lowest id, is on top.
  bool operator<(const GtdEntry& other) const {
    return expiry != other.expiry ? expiry > other.expiry : id > other.id;
  }
};

// A level touched by the current command, with its state before the command.
struct LevelChange {
  std::uint64_t sort_key;
  std::int32_t slot;
  Quantity visible_before;
  std::uint32_t count_before;
};

}  // namespace

struct Engine::State {
  State(std::vector<refdata::InstrumentSpec> specs, EngineCapacity capacity)
      : instruments(std::move(specs)), pool(capacity.initial_orders), index(capacity.initial_orders) {
    books.reserve(instruments.size());
    for (const auto& spec : instruments) books.emplace_back(spec);
    changes.reserve(kChangesReserved);
  }

  // Room for the levels one command usually touches; a sweep through more grows it once.
  static constexpr std::size_t kChangesReserved = 4096;
  // Stale GTD entries (orders gone before expiry) are purged when they outnumber live ones.
  static constexpr std::size_t kGtdCompactionSlack = 1024;

  std::vector<refdata::InstrumentSpec> instruments;
  std::vector<OrderBook> books;
  OrderPool pool;
  OrderIndex index;
  std::vector<GtdEntry> gtd;
  std::size_t live_gtd = 0;
  std::vector<LevelChange> changes;
  SequenceNumber last_seq = 0;
  Timestamp last_timestamp = 0;
  TradeId last_trade = 0;
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

  Price price_of(const Order& o) const { return books[o.instrument].bids.price_of(o.level); }

  Event& emit_for(EventType type, const Order& o) {
    Event& e = emit(type);
    e.instrument = o.instrument;
    e.participant = o.participant;
    e.order_id = o.id;
    e.side = o.side;
    e.price = o.market ? 0 : price_of(o);
    return e;
  }

  void reject(RejectCode code) {
    Event& e = emit(EventType::kRejected);
    e.reject = code;
    e.participant = command->participant;
    if (command->type == CommandType::kCancel || command->type == CommandType::kAmend) e.order_id = command->order_id;
  }

  void emit_cancel(const Order& o, CancelReason reason, Quantity quantity, Quantity leaves) {
    Event& e = emit_for(EventType::kCancelled, o);
    e.cancel_reason = reason;
    e.quantity = quantity;
    e.leaves = leaves;
  }

  // ---- level bookkeeping ----
  void touch(const Order& o) { touch(o.instrument, o.side, o.level); }

  void touch(InstrumentId instrument, Side side, std::int32_t slot) {
    PriceLevel& level = books[instrument].side(side).level(slot);
    if (level.touched) return;
    level.touched = true;
    const std::uint64_t price_rank =
        side == Side::kBuy ? 0xFFFFFFFFull - static_cast<std::uint64_t>(slot) : static_cast<std::uint64_t>(slot);
    changes.push_back(LevelChange{(std::uint64_t{instrument} << 33) | (std::uint64_t{side == Side::kSell} << 32) | price_rank,
                                  slot, level.visible, level.count});
  }

  void flush_level_changes() {
    if (changes.empty()) return;
    if (changes.size() > 1) {
      std::sort(changes.begin(), changes.end(),
                [](const LevelChange& a, const LevelChange& b) { return a.sort_key < b.sort_key; });
    }
    for (const LevelChange& change : changes) {
      const auto instrument = static_cast<InstrumentId>(change.sort_key >> 33);
      const Side side = ((change.sort_key >> 32) & 1) != 0 ? Side::kSell : Side::kBuy;
      PriceLadder& ladder = books[instrument].side(side);
      PriceLevel& level = ladder.level(change.slot);
      level.touched = false;
      if (level.visible == change.visible_before && level.count == change.count_before) continue;
      Event& e = emit(EventType::kBookLevel);
      e.instrument = instrument;
      e.side = side;
      e.price = ladder.price_of(change.slot);
      e.quantity = level.visible;
      e.order_count = level.count;
    }
    changes.clear();
  }

  // ---- order lifetime ----
  // Puts `o` at the back of its level. `expiry` matters only the first time a GTD order rests.
  void rest(OrderBook& book, Order* o, Timestamp expiry) {
    PriceLadder& ladder = book.side(o->side);
    o->visible = o->display != 0 ? std::min(o->display, o->open) : o->open;
    touch(*o);
    ladder.push_back(o);
    if (!o->indexed) {
      o->indexed = true;
      index.insert(o);
      if (o->time_in_force == TimeInForce::kGoodTillDate) {
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
      if (o->time_in_force == TimeInForce::kGoodTillDate) --live_gtd;
    }
    pool.release(o);
  }

  void remove_resting(Order* o) {
    touch(*o);
    books[o->instrument].side(o->side).unlink(o);
    discard(o);
  }

  void cancel_resting(Order* o, CancelReason reason) {
    emit_cancel(*o, reason, o->open, 0);
    remove_resting(o);
  }

  // After a fill or a decrement of x: a finished order leaves; a used-up iceberg slice refills
  // and goes to the back. Returns the order to visit next.
  Order* settle_resting(PriceLadder& ladder, Order* o, Order* next) {
    if (o->open == 0) {
      remove_resting(o);
      return next;
    }
    if (o->visible == 0) {
      o->visible = std::min(o->display, o->open);
      ladder.level(o->level).visible += o->visible;
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

  // ---- matching ----
  // Runs `in` against the opposite side. Returns false when self-trade prevention cancelled it.
  bool match(OrderBook& book, Order* in) {
    PriceLadder& ladder = book.side(opposite(in->side));
    for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone && in->open > 0; slot = ladder.next_worse(slot)) {
      if (!within_limit(*in, slot)) break;
      const Price price = ladder.price_of(slot);
      Order* o = ladder.level(slot).head;
      while (o != nullptr && in->open > 0) {
        Order* next = o->next;
        const Quantity x = std::min(in->open, o->visible);
        if ((o->all_or_none && x < o->open) || (in->all_or_none && x < in->open)) {
          o = next;
          continue;
        }
        if (o->participant == in->participant && in->self_trade != SelfTradePrevention::kNone) {
          switch (in->self_trade) {
            case SelfTradePrevention::kCancelResting:
              cancel_resting(o, CancelReason::kSelfTradePrevention);
              o = next;
              continue;
            case SelfTradePrevention::kCancelBoth:
              cancel_resting(o, CancelReason::kSelfTradePrevention);
              [[fallthrough]];
            case SelfTradePrevention::kCancelIncoming:
              emit_cancel(*in, CancelReason::kSelfTradePrevention, in->open, 0);
              in->open = 0;
              return false;
            case SelfTradePrevention::kDecrement:
            case SelfTradePrevention::kNone:
              take(ladder, o, in, x);
              emit_cancel(*o, CancelReason::kSelfTradePrevention, x, o->open);
              emit_cancel(*in, CancelReason::kSelfTradePrevention, x, in->open);
              o = settle_resting(ladder, o, next);
              if (in->open == 0) return false;
              continue;
          }
        }
        take(ladder, o, in, x);
        Event& e = emit(EventType::kTrade);
        e.instrument = in->instrument;
        e.side = in->side;
        e.trade_id = ++last_trade;
        e.order_id = o->id;
        e.taker_order_id = in->id;
        e.participant = o->participant;
        e.taker_participant = in->participant;
        e.price = price;
        e.quantity = x;
        e.leaves = o->open;
        e.taker_leaves = in->open;
        o = settle_resting(ladder, o, next);
      }
    }
    return true;
  }

  // How much `in` would trade now under exactly the rules of match(), without changing anything.
  // Icebergs: the first pass meets visible slices in queue order; if quantity is left after the
  // pass, every iceberg met had its slice used up, and the refills that follow can supply all of
  // their hidden quantity. STP decrement never reaches here (rejected with FOK and min quantity).
  Quantity tradable(const OrderBook& book, const Order& in) const {
    const PriceLadder& ladder = book.side(opposite(in.side));
    Quantity left = in.open;
    for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone && left > 0; slot = ladder.next_worse(slot)) {
      if (!within_limit(in, slot)) break;
      Quantity hidden = 0;
      for (const Order* o = ladder.level(slot).head; o != nullptr && left > 0; o = o->next) {
        const Quantity x = std::min(left, o->visible);
        if ((o->all_or_none && x < o->open) || (in.all_or_none && x < left)) continue;
        if (o->participant == in.participant && in.self_trade != SelfTradePrevention::kNone) {
          if (in.self_trade == SelfTradePrevention::kCancelResting) continue;
          return in.open - left;
        }
        left -= x;
        if (o->display != 0 && x == o->visible) hidden += o->open - o->visible;
      }
      if (!in.all_or_none) left -= std::min(left, hidden);
    }
    return in.open - left;
  }

  // ---- commands ----
  void new_order(const Command& c) {
    if (c.instrument >= books.size()) return reject(RejectCode::kUnknownInstrument);
    OrderBook& book = books[c.instrument];
    if (book.halted) return reject(RejectCode::kInstrumentHalted);
    if (const RejectCode r = check_new_order(c, book.spec); r != RejectCode::kNone) return reject(r);
    if (c.post_only && book.marketable(c.side, c.price)) return reject(RejectCode::kPostOnlyWouldCross);

    Order* o = pool.acquire();
    o->id = c.seq;
    o->market = c.order_type == OrderType::kMarket;
    o->level = o->market ? (c.side == Side::kBuy ? book.bids.slots() - 1 : 0) : book.bids.slot_of(c.price);
    o->open = c.quantity;
    o->display = c.display_quantity;
    o->participant = c.participant;
    o->instrument = c.instrument;
    o->side = c.side;
    o->time_in_force = c.time_in_force;
    o->self_trade = c.self_trade;
    o->all_or_none = c.all_or_none;
    o->post_only = c.post_only;

    Event& accepted = emit_for(EventType::kAccepted, *o);
    accepted.quantity = c.quantity;

    const bool fill_or_kill = c.time_in_force == TimeInForce::kFillOrKill;
    if (fill_or_kill || c.min_quantity != 0) {
      const Quantity needed = fill_or_kill ? c.quantity : c.min_quantity;
      if (tradable(book, *o) < needed) {
        emit_cancel(*o, fill_or_kill ? CancelReason::kFillOrKill : CancelReason::kMinQuantityNotMet, c.quantity, 0);
        return discard(o);
      }
    }
    finish_incoming(book, o, match(book, o), c.expiry);
  }

  // After matching: rest the remainder, or cancel it if the order may not rest.
  void finish_incoming(OrderBook& book, Order* o, bool alive, Timestamp expiry) {
    if (!alive || o->open == 0) return discard(o);
    if (immediate(*o)) {
      emit_cancel(*o, CancelReason::kImmediateRemainder, o->open, 0);
      return discard(o);
    }
    rest(book, o, expiry);
  }

  Order* owned_order(const Command& c) {
    Order* o = index.find(c.order_id);
    if (o == nullptr) {
      reject(RejectCode::kUnknownOrder);
    } else if (o->participant != c.participant) {
      reject(RejectCode::kNotOrderOwner);
      return nullptr;
    }
    return o;
  }

  void cancel(const Command& c) {
    if (Order* o = owned_order(c)) cancel_resting(o, CancelReason::kRequested);
  }

  void amend(const Command& c) {
    Order* o = owned_order(c);
    if (o == nullptr) return;
    OrderBook& book = books[o->instrument];
    if (book.halted) return reject(RejectCode::kInstrumentHalted);
    if (c.quantity != 0) {
      if (const RejectCode r = check_quantity(c.quantity, book.spec); r != RejectCode::kNone) return reject(r);
    }
    if (c.price != 0) {
      if (const RejectCode r = check_price(c.price, book.spec); r != RejectCode::kNone) return reject(r);
    }
    const Quantity quantity = c.quantity != 0 ? c.quantity : o->open;
    const std::int32_t level = c.price != 0 ? book.bids.slot_of(c.price) : o->level;
    if (quantity == o->open && level == o->level) return reject(RejectCode::kAmendNoChange);
    if (o->post_only && level != o->level && book.marketable(o->side, c.price)) {
      return reject(RejectCode::kPostOnlyWouldCross);
    }

    PriceLadder& ladder = book.side(o->side);
    touch(*o);
    const bool keeps_priority = level == o->level && quantity < o->open;
    if (keeps_priority) {
      set_open_in_place(ladder, o, quantity);
    } else {
      ladder.unlink(o);
      o->level = level;
      o->open = quantity;
    }
    Event& e = emit_for(EventType::kAmended, *o);
    e.quantity = quantity;
    e.priority_kept = keeps_priority;
    if (!keeps_priority) {
      const bool alive = !book.marketable(o->side, price_of(*o)) || match(book, o);
      return finish_incoming(book, o, alive, 0);
    }
    // A smaller all-or-none lot may now fit a resting order it faces: it trades as the taker and
    // keeps its place for whatever is left.
    if (!book.marketable(o->side, price_of(*o))) return;
    if (!match(book, o) || o->open == 0) return remove_resting(o);
    set_open_in_place(ladder, o, o->open);
  }

  // Sets the open quantity of a resting order without moving it; the visible part shrinks with it.
  void set_open_in_place(PriceLadder& ladder, Order* o, Quantity open) {
    PriceLevel& level = ladder.level(o->level);
    level.visible -= o->visible;
    o->open = open;
    o->visible = std::min(o->visible, open);
    level.visible += o->visible;
  }

  void mass_cancel(const Command& c) {
    const bool all_instruments = c.instrument == kAnyInstrument;
    if (c.participant == kAnyParticipant && all_instruments) return reject(RejectCode::kInvalidMassCancelScope);
    if (!all_instruments && c.instrument >= books.size()) return reject(RejectCode::kUnknownInstrument);
    for_each_resting(all_instruments ? 0 : c.instrument, all_instruments ? books.size() : c.instrument + 1,
                     [&](Order* o) {
                       if (c.participant == kAnyParticipant || o->participant == c.participant) {
                         cancel_resting(o, CancelReason::kMassCancel);
                       }
                     });
  }

  void set_halted(const Command& c, bool halted) {
    const bool by_instrument = c.instrument != kAnyInstrument;
    const bool by_commodity = c.commodity != kAnyCommodity;
    if (by_instrument && by_commodity) return reject(RejectCode::kInvalidHaltScope);
    if (by_instrument && c.instrument >= books.size()) return reject(RejectCode::kUnknownInstrument);
    if (by_commodity && std::none_of(books.begin(), books.end(), [&](const OrderBook& b) { return b.spec.commodity == c.commodity; })) {
      return reject(RejectCode::kUnknownCommodity);
    }
    for (OrderBook& book : books) {
      const bool in_scope = by_instrument ? book.spec.id == c.instrument : !by_commodity || book.spec.commodity == c.commodity;
      if (!in_scope || book.halted == halted) continue;
      book.halted = halted;
      Event& e = emit(EventType::kTradingStatus);
      e.instrument = book.spec.id;
      e.halted = halted;
    }
  }

  void expire(Order* o, ExpiryReason reason) {
    Event& e = emit_for(EventType::kExpired, *o);
    e.expiry_reason = reason;
    e.quantity = o->open;
    remove_resting(o);
  }

  void end_of_day() {
    for_each_resting(0, books.size(), [&](Order* o) {
      if (o->time_in_force == TimeInForce::kDay) expire(o, ExpiryReason::kEndOfDay);
    });
  }

  void expire_due(Timestamp now) {
    while (!gtd.empty() && gtd.front().expiry <= now) {
      const OrderId id = gtd.front().id;
      std::pop_heap(gtd.begin(), gtd.end());
      gtd.pop_back();
      if (Order* o = index.find(id)) expire(o, ExpiryReason::kGoodTillDate);
    }
    if (gtd.size() > 2 * live_gtd + kGtdCompactionSlack) {
      std::erase_if(gtd, [&](const GtdEntry& entry) { return index.find(entry.id) == nullptr; });
      std::make_heap(gtd.begin(), gtd.end());
    }
  }

  // Visits resting orders of books [first, last): buy side then sell side, best price first, then
  // time priority. The visitor may remove the order it is given.
  template <class Visitor>
  void for_each_resting(std::size_t first, std::size_t last, Visitor&& visit) {
    for (std::size_t b = first; b < last; ++b) {
      for (PriceLadder* ladder : {&books[b].bids, &books[b].asks}) {
        for (std::int32_t slot = ladder->best(); slot != PriceLadder::kNone;) {
          const std::int32_t worse = ladder->next_worse(slot);
          for (Order* o = ladder->level(slot).head; o != nullptr;) {
            Order* next = o->next;
            visit(o);
            o = next;
          }
          slot = worse;
        }
      }
    }
  }

  void process(const Command& c, EventBuffer& events) {
    command = &c;
    out = &events;
    if (c.seq <= last_seq) return reject(RejectCode::kSequenceNotIncreasing);
    if (c.timestamp < last_timestamp) return reject(RejectCode::kTimestampDecreasing);
    last_seq = c.seq;
    last_timestamp = c.timestamp;
    expire_due(c.timestamp);
    switch (c.type) {
      case CommandType::kNewOrder: new_order(c); break;
      case CommandType::kCancel: cancel(c); break;
      case CommandType::kAmend: amend(c); break;
      case CommandType::kMassCancel: mass_cancel(c); break;
      case CommandType::kEndOfDay: end_of_day(); break;
      case CommandType::kClock: break;
      case CommandType::kHalt: set_halted(c, true); break;
      case CommandType::kResume: set_halted(c, false); break;
      default: reject(RejectCode::kInvalidCommandType); break;
    }
    flush_level_changes();
  }
};

Engine::Engine(std::vector<refdata::InstrumentSpec> instruments, EngineCapacity capacity)
    : state_(std::make_unique<State>(std::move(instruments), capacity)) {}

Engine::~Engine() = default;

void Engine::process(const Command& command, EventBuffer& out) { state_->process(command, out); }

const std::vector<refdata::InstrumentSpec>& Engine::instruments() const { return state_->instruments; }

std::size_t Engine::open_orders() const { return state_->index.size(); }

EngineSnapshot Engine::snapshot() const {
  const State& st = *state_;
  EngineSnapshot snap{st.last_seq, st.last_timestamp, st.last_trade, {}, {}};
  for (const OrderBook& book : st.books) {
    if (book.halted) snap.halted.push_back(book.spec.id);
  }
  snap.orders.reserve(st.index.size());
  std::map<OrderId, Timestamp> expiries;
  for (const GtdEntry& entry : st.gtd) expiries.emplace(entry.id, entry.expiry);
  for (const OrderBook& book : st.books) {
    for (const PriceLadder* ladder : {&book.bids, &book.asks}) {
      for (std::int32_t slot = ladder->best(); slot != PriceLadder::kNone; slot = ladder->next_worse(slot)) {
        for (const Order* o = ladder->level(slot).head; o != nullptr; o = o->next) {
          const auto expiry = o->time_in_force == TimeInForce::kGoodTillDate ? expiries.at(o->id) : 0;
          snap.orders.push_back(RestingOrder{o->id, o->participant, o->instrument, o->side, o->time_in_force,
                                             o->self_trade, o->all_or_none, o->post_only, ladder->price_of(slot), o->open,
                                             o->visible, o->display, expiry});
        }
      }
    }
  }
  return snap;
}

void Engine::restore(const EngineSnapshot& snap) {
  State& st = *state_;
  if (st.last_seq != 0 || st.index.size() != 0) throw std::invalid_argument("restore needs an engine that has processed nothing");
  for (const RestingOrder& r : snap.orders) {
    auto fail = [&](const char* rule) {
      throw std::invalid_argument("snapshot order " + std::to_string(r.id) + ": " + rule);
    };
    if (r.instrument >= st.books.size()) fail("unknown instrument");
    OrderBook& book = st.books[r.instrument];
    if (r.id == 0 || r.id > snap.last_seq) fail("id not below the snapshot's sequence number");
    if (st.index.find(r.id) != nullptr) fail("duplicate id");
    if (static_cast<unsigned>(r.side) > 1 || static_cast<unsigned>(r.time_in_force) > 2 ||
        static_cast<unsigned>(r.self_trade) > 4) {
      fail("side, time in force (DAY, GTC or GTD) or STP mode out of range");
    }
    if (check_price(r.price, book.spec) != RejectCode::kNone) fail("price off tick or outside the band");
    if (r.open <= 0 || r.open > kMaxOrderQuantity) fail("open quantity out of range");
    if (r.display < 0 || (r.display == 0 ? r.visible != r.open : r.visible <= 0 || r.visible > std::min(r.display, r.open))) {
      fail("visible quantity inconsistent with open and display");
    }
    if ((r.time_in_force == TimeInForce::kGoodTillDate) != (r.expiry != 0)) fail("expiry set without GTD, or GTD without expiry");
    Order* o = st.pool.acquire();
    o->id = r.id;
    o->open = r.open;
    o->display = r.display;
    o->participant = r.participant;
    o->instrument = r.instrument;
    o->level = book.bids.slot_of(r.price);
    o->side = r.side;
    o->time_in_force = r.time_in_force;
    o->self_trade = r.self_trade;
    o->all_or_none = r.all_or_none;
    o->post_only = r.post_only;
    st.rest(book, o, r.expiry);
    // rest() shows a fresh slice; a snapshot keeps the slice as it was.
    PriceLevel& level = book.side(r.side).level(o->level);
    level.visible += r.visible - o->visible;
    o->visible = r.visible;
  }
  for (const auto& change : st.changes) {
    const Side side = ((change.sort_key >> 32) & 1) != 0 ? Side::kSell : Side::kBuy;
    st.books[static_cast<InstrumentId>(change.sort_key >> 33)].side(side).level(change.slot).touched = false;
  }
  st.changes.clear();
  for (const InstrumentId id : snap.halted) {
    if (id >= st.books.size()) throw std::invalid_argument("snapshot halts unknown instrument " + std::to_string(id));
    st.books[id].halted = true;
  }
  st.last_seq = snap.last_seq;
  st.last_timestamp = snap.last_timestamp;
  st.last_trade = snap.last_trade;
}

std::vector<OrderView> Engine::orders(InstrumentId instrument, Side side) const {
  std::vector<OrderView> views;
  if (instrument >= state_->books.size()) return views;
  std::map<OrderId, Timestamp> expiries;  // stale entries name orders that are gone: harmless
  for (const GtdEntry& entry : state_->gtd) expiries.emplace(entry.id, entry.expiry);
  const PriceLadder& ladder = state_->books[instrument].side(side);
  for (std::int32_t slot = ladder.best(); slot != PriceLadder::kNone; slot = ladder.next_worse(slot)) {
    for (const Order* o = ladder.level(slot).head; o != nullptr; o = o->next) {
      const auto expiry = expiries.find(o->id);
      views.push_back(OrderView{o->id, o->participant, o->side, o->time_in_force, o->all_or_none, ladder.price_of(slot),
                                o->open, o->visible, o->display, expiry != expiries.end() ? expiry->second : 0});
    }
  }
  return views;
}

}  // namespace rex::matcher
