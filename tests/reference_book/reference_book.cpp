// docs/order-types.md, written out as plainly as possible. Every section of the spec has one
// function here; nothing is optimised. When this file and the spec disagree, the spec wins.
#include "tests/reference_book/reference_book.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace rex::testing {

using matcher::CancelReason;
using matcher::CommandType;
using matcher::EventType;
using matcher::ExpiryReason;
using matcher::OrderId;
using matcher::OrderType;
using matcher::RejectCode;
using matcher::SelfTradePrevention;
using matcher::Side;
using matcher::TimeInForce;
using matcher::TradeId;
using refdata::kAnyInstrument;
using refdata::kAnyParticipant;
using refdata::Price;
using refdata::Quantity;

namespace {

Event base_event(const Command& command, EventType type) {
  Event e;
  e.type = type;
  e.seq = command.seq;
  e.timestamp = command.timestamp;
  return e;
}

Event reject_event(const Command& command, RejectCode code) {
  Event e = base_event(command, EventType::kRejected);
  e.reject = code;
  e.participant = command.participant;
  if (command.type == CommandType::kCancel || command.type == CommandType::kAmend) {
    e.order_id = command.order_id;
  }
  return e;
}

bool is_immediate(TimeInForce tif) {
  return tif == TimeInForce::kImmediateOrCancel || tif == TimeInForce::kFillOrKill;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction and queries

ReferenceBook::ReferenceBook(std::vector<InstrumentSpec> instruments) : specs_(std::move(instruments)) {
  for (const InstrumentSpec& spec : specs_) {
    Book book;
    book.spec = spec;
    books_.emplace(spec.id, std::move(book));
  }
}

std::vector<OrderView> ReferenceBook::orders(InstrumentId instrument, Side side) const {
  std::vector<OrderView> views;
  const Book* book = find_book(instrument);
  if (book == nullptr) return views;
  for (const Order* o : in_priority_order(*book)) {
    if (o->side != side) continue;
    OrderView v;
    v.id = o->id;
    v.participant = o->participant;
    v.side = o->side;
    v.time_in_force = o->time_in_force;
    v.all_or_none = o->all_or_none;
    v.price = o->price;
    v.open = o->open;
    v.visible = o->visible;
    v.display = o->display;
    v.expiry = o->expiry;
    views.push_back(v);
  }
  return views;
}

std::size_t ReferenceBook::open_orders() const {
  std::size_t n = 0;
  for (const auto& [id, book] : books_) n += in_priority_order(book).size();
  return n;
}

std::vector<const ReferenceBook::Order*> ReferenceBook::in_priority_order(const Book& book) {
  std::vector<const Order*> result;
  for (auto level = book.bids.rbegin(); level != book.bids.rend(); ++level) {
    for (const Order& o : level->second) result.push_back(&o);
  }
  for (const auto& [price, queue] : book.asks) {
    for (const Order& o : queue) result.push_back(&o);
  }
  return result;
}

ReferenceBook::Book* ReferenceBook::find_book(InstrumentId id) {
  auto it = books_.find(id);
  return it == books_.end() ? nullptr : &it->second;
}

const ReferenceBook::Book* ReferenceBook::find_book(InstrumentId id) const {
  auto it = books_.find(id);
  return it == books_.end() ? nullptr : &it->second;
}

ReferenceBook::Located ReferenceBook::find_order(OrderId id) {
  for (auto& [instrument, book] : books_) {
    for (Ladder* ladder : {&book.bids, &book.asks}) {
      for (auto& [price, queue] : *ladder) {
        for (auto it = queue.begin(); it != queue.end(); ++it) {
          if (it->id == id) return Located{&book, &queue, it};
        }
      }
    }
  }
  return Located{};
}

void ReferenceBook::erase(Book& book, Side side, Price price, OrderId id) {
  Ladder& ladder = book.side(side);
  auto level = ladder.find(price);
  if (level == ladder.end()) return;
  level->second.remove_if([id](const Order& o) { return o.id == id; });
  if (level->second.empty()) ladder.erase(level);
}

bool ReferenceBook::marketable(const Book& book, Side side, Price price) {
  if (side == Side::kBuy) return !book.asks.empty() && price >= book.asks.begin()->first;
  return !book.bids.empty() && price <= book.bids.rbegin()->first;
}

// ---------------------------------------------------------------------------------------------
// One command

void ReferenceBook::process(const Command& command, std::vector<Event>& out) {
  if (command.seq <= last_seq_) {
    out.push_back(reject_event(command, RejectCode::kSequenceNotIncreasing));
    return;
  }
  if (command.timestamp < last_timestamp_) {
    out.push_back(reject_event(command, RejectCode::kTimestampDecreasing));
    return;
  }
  last_seq_ = command.seq;
  last_timestamp_ = command.timestamp;

  const LevelSnapshot before = snapshot_levels();
  expire_good_till_date(command, out);
  run(command, out);
  emit_level_changes(before, command, out);
}

void ReferenceBook::run(const Command& command, std::vector<Event>& out) {
  switch (command.type) {
    case CommandType::kNewOrder: new_order(command, out); return;
    case CommandType::kCancel: cancel(command, out); return;
    case CommandType::kAmend: amend(command, out); return;
    case CommandType::kMassCancel: mass_cancel(command, out); return;
    case CommandType::kEndOfDay: end_of_day(command, out); return;
    case CommandType::kClock: return;  // only the GTD expiry, already done
    case CommandType::kHalt: halt_or_resume(command, out, true); return;
    case CommandType::kResume: halt_or_resume(command, out, false); return;
  }
  out.push_back(reject_event(command, RejectCode::kInvalidCommandType));
}

// ---------------------------------------------------------------------------------------------
// Halt and resume

void ReferenceBook::halt_or_resume(const Command& c, std::vector<Event>& out, bool halt) {
  const bool names_instrument = c.instrument != kAnyInstrument;
  const bool names_commodity = c.commodity != refdata::kAnyCommodity;
  if (names_instrument && names_commodity) {
    out.push_back(reject_event(c, RejectCode::kInvalidHaltScope));
    return;
  }
  if (names_instrument && find_book(c.instrument) == nullptr) {
    out.push_back(reject_event(c, RejectCode::kUnknownInstrument));
    return;
  }
  if (names_commodity) {
    bool known = false;
    for (const auto& [id, book] : books_) known = known || book.spec.commodity == c.commodity;
    if (!known) {
      out.push_back(reject_event(c, RejectCode::kUnknownCommodity));
      return;
    }
  }
  for (const auto& [id, book] : books_) {
    const bool in_scope = names_instrument   ? id == c.instrument
                          : names_commodity ? book.spec.commodity == c.commodity
                                            : true;
    if (!in_scope || halted_.contains(id) == halt) continue;
    if (halt) {
      halted_.insert(id);
    } else {
      halted_.erase(id);
    }
    Event e = base_event(c, EventType::kTradingStatus);
    e.instrument = id;
    e.halted = halt;
    out.push_back(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Expiry

void ReferenceBook::expire_good_till_date(const Command& command, std::vector<Event>& out) {
  std::vector<std::pair<refdata::Timestamp, OrderId>> due;
  for (const auto& [instrument, book] : books_) {
    for (const Order* o : in_priority_order(book)) {
      if (o->time_in_force == TimeInForce::kGoodTillDate && o->expiry <= command.timestamp) {
        due.emplace_back(o->expiry, o->id);
      }
    }
  }
  std::sort(due.begin(), due.end());
  for (const auto& [expiry, id] : due) {
    Located loc = find_order(id);
    const Order o = *loc.it;
    Event e = base_event(command, EventType::kExpired);
    e.instrument = o.instrument;
    e.participant = o.participant;
    e.order_id = o.id;
    e.side = o.side;
    e.price = o.price;
    e.expiry_reason = ExpiryReason::kGoodTillDate;
    e.quantity = o.open;
    out.push_back(e);
    erase(*loc.book, o.side, o.price, o.id);
  }
}

void ReferenceBook::end_of_day(const Command& command, std::vector<Event>& out) {
  for (auto& [instrument, book] : books_) {
    std::vector<Order> day_orders;
    for (const Order* o : in_priority_order(book)) {
      if (o->time_in_force == TimeInForce::kDay) day_orders.push_back(*o);
    }
    for (const Order& o : day_orders) {
      Event e = base_event(command, EventType::kExpired);
      e.instrument = o.instrument;
      e.participant = o.participant;
      e.order_id = o.id;
      e.side = o.side;
      e.price = o.price;
      e.expiry_reason = ExpiryReason::kEndOfDay;
      e.quantity = o.open;
      out.push_back(e);
      erase(book, o.side, o.price, o.id);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// New order

RejectCode ReferenceBook::check_new_order(const Command& c) const {
  const Book* book = find_book(c.instrument);
  if (book == nullptr) return RejectCode::kUnknownInstrument;
  if (halted_.contains(c.instrument)) return RejectCode::kInstrumentHalted;
  if (static_cast<unsigned>(c.side) > 1 || static_cast<unsigned>(c.order_type) > 1 ||
      static_cast<unsigned>(c.time_in_force) > 4 || static_cast<unsigned>(c.self_trade) > 4) {
    return RejectCode::kInvalidEnumValue;
  }
  const InstrumentSpec& spec = book->spec;

  // 2. quantity
  if (c.quantity <= 0) return RejectCode::kQuantityNotPositive;
  if (c.quantity > kReferenceMaxQuantity) return RejectCode::kQuantityTooLarge;
  if (c.quantity < spec.lot_minimum) return RejectCode::kQuantityBelowLotMinimum;
  if (c.quantity % spec.lot_increment != 0) return RejectCode::kQuantityNotLotIncrement;

  // 3. price
  const bool market = c.order_type == OrderType::kMarket;
  if (!market) {
    if (c.price % spec.tick_size != 0) return RejectCode::kPriceOffTick;
    if (c.price <= 0 || c.price < spec.price_floor || c.price > spec.price_ceiling) {
      return RejectCode::kPriceOutsideBand;
    }
  } else {
    if (c.price != 0) return RejectCode::kMarketOrderWithPrice;
    if (!is_immediate(c.time_in_force)) return RejectCode::kMarketOrderNotImmediate;
  }

  // 4. post-only
  if (c.post_only && (market || is_immediate(c.time_in_force))) return RejectCode::kPostOnlyNotResting;

  // 5. iceberg
  // Any non-zero display makes an iceberg: a negative one with all-or-none is reported as
  // ICEBERG_ALL_OR_NONE, the first check the spec lists (an ambiguity, see the property report).
  if (c.display_quantity != 0) {
    if (c.all_or_none) return RejectCode::kIcebergAllOrNone;
    if (c.display_quantity < 0 || c.display_quantity >= c.quantity || c.display_quantity < spec.lot_minimum ||
        c.display_quantity % spec.lot_increment != 0) {
      return RejectCode::kDisplayQuantityInvalid;
    }
  }

  // 6. minimum quantity
  if (c.min_quantity != 0) {
    if (c.min_quantity < 0 || c.min_quantity > c.quantity || c.min_quantity % spec.lot_increment != 0) {
      return RejectCode::kMinQuantityInvalid;
    }
    if (c.all_or_none || c.time_in_force == TimeInForce::kFillOrKill || c.post_only) {
      return RejectCode::kMinQuantityConflict;
    }
  }

  // 7. STP decrement
  if (c.self_trade == SelfTradePrevention::kDecrement &&
      (c.time_in_force == TimeInForce::kFillOrKill || c.min_quantity != 0)) {
    return RejectCode::kDecrementNotAllowed;
  }

  // 8. expiry
  if (c.time_in_force == TimeInForce::kGoodTillDate) {
    if (c.expiry == 0) return RejectCode::kExpiryMissing;
    if (c.expiry <= c.timestamp) return RejectCode::kExpiryInPast;
  } else if (c.expiry != 0) {
    return RejectCode::kExpiryWithoutGtd;
  }

  // 9. post-only must not be marketable
  if (c.post_only && marketable(*book, c.side, c.price)) return RejectCode::kPostOnlyWouldCross;
  return RejectCode::kNone;
}

void ReferenceBook::new_order(const Command& c, std::vector<Event>& out) {
  const RejectCode code = check_new_order(c);
  if (code != RejectCode::kNone) {
    out.push_back(reject_event(c, code));
    return;
  }
  Book& book = *find_book(c.instrument);

  Order in;
  in.id = c.seq;
  in.participant = c.participant;
  in.instrument = c.instrument;
  in.side = c.side;
  in.time_in_force = c.time_in_force;
  in.self_trade = c.self_trade;
  in.all_or_none = c.all_or_none;
  in.post_only = c.post_only;
  in.market = c.order_type == OrderType::kMarket;
  in.price = in.market ? 0 : c.price;
  in.open = c.quantity;
  in.display = c.display_quantity;
  in.expiry = c.expiry;

  Event accepted = base_event(c, EventType::kAccepted);
  accepted.instrument = in.instrument;
  accepted.participant = in.participant;
  accepted.order_id = in.id;
  accepted.side = in.side;
  accepted.price = in.price;
  accepted.quantity = c.quantity;
  out.push_back(accepted);

  auto cancel_incoming = [&](CancelReason reason, Quantity quantity) {
    Event e = base_event(c, EventType::kCancelled);
    e.instrument = in.instrument;
    e.participant = in.participant;
    e.order_id = in.id;
    e.side = in.side;
    e.price = in.price;
    e.cancel_reason = reason;
    e.quantity = quantity;
    e.leaves = 0;
    out.push_back(e);
  };

  // 4. FOK / minimum quantity: a dry run of the very same matching on a copy of the book.
  const bool fill_or_kill = c.time_in_force == TimeInForce::kFillOrKill;
  if (fill_or_kill || c.min_quantity > 0) {
    Book copy = book;
    Order probe = in;
    std::vector<Event> scratch;
    TradeId scratch_trade_id = next_trade_id_;
    match(copy, probe, c, scratch, scratch_trade_id);
    Quantity traded = 0;
    for (const Event& e : scratch) {
      if (e.type == EventType::kTrade) traded += e.quantity;
    }
    const Quantity needed = fill_or_kill ? c.quantity : c.min_quantity;
    if (traded < needed) {
      cancel_incoming(fill_or_kill ? CancelReason::kFillOrKill : CancelReason::kMinQuantityNotMet, c.quantity);
      return;
    }
  }

  // 5. matching
  match(book, in, c, out, next_trade_id_);

  // 6. the remainder
  if (in.open == 0) return;
  if (in.market || is_immediate(in.time_in_force)) {
    cancel_incoming(CancelReason::kImmediateRemainder, in.open);
    return;
  }
  in.visible = in.display > 0 ? std::min(in.display, in.open) : in.open;
  book.side(in.side)[in.price].push_back(in);
}

// ---------------------------------------------------------------------------------------------
// Matching

void ReferenceBook::match(Book& book, Order& in, const Command& c, std::vector<Event>& out,
                          TradeId& next_trade_id) {
  Ladder& other = book.side(matcher::opposite(in.side));
  const bool buy = in.side == Side::kBuy;
  const Price limit = in.market ? (buy ? book.spec.price_ceiling : book.spec.price_floor) : in.price;

  auto order_event = [&](EventType type, const Order& o) {
    Event e = base_event(c, type);
    e.instrument = o.instrument;
    e.participant = o.participant;
    e.order_id = o.id;
    e.side = o.side;
    e.price = o.price;
    return e;
  };
  auto cancelled = [&](const Order& o, Quantity quantity, Quantity leaves) {
    Event e = order_event(EventType::kCancelled, o);
    e.cancel_reason = CancelReason::kSelfTradePrevention;
    e.quantity = quantity;
    e.leaves = leaves;
    out.push_back(e);
  };

  while (in.open > 0) {
    // The first resting order, in price-time priority within the limit, that is not skipped.
    // Skips are stable (the incoming open quantity only falls), so rescanning from the front
    // after every step visits orders exactly in queue order.
    std::vector<Price> prices;
    for (const auto& [price, queue] : other) prices.push_back(price);
    if (!buy) std::reverse(prices.begin(), prices.end());

    Queue* queue = nullptr;
    Queue::iterator target;
    Quantity x = 0;
    for (Price price : prices) {
      if (buy ? price > limit : price < limit) break;
      Queue& q = other[price];
      for (auto it = q.begin(); it != q.end(); ++it) {
        const Quantity tradable = it->display > 0 ? it->visible : it->open;
        const Quantity candidate = std::min(in.open, tradable);
        if (it->all_or_none && candidate < it->open) continue;
        if (in.all_or_none && candidate < in.open) continue;
        queue = &q;
        target = it;
        x = candidate;
        break;
      }
      if (queue != nullptr) break;
    }
    if (queue == nullptr) return;

    Order& rest = *target;
    const Price rest_price = rest.price;

    // After `rest` lost x (trade or decrement): gone, refilled to the back, or shrunk in place.
    auto after_reduction = [&]() {
      if (rest.open == 0) {
        queue->erase(target);
        if (queue->empty()) other.erase(rest_price);
        return;
      }
      if (rest.display == 0) {
        rest.visible = rest.open;
      } else if (rest.visible == 0) {
        rest.visible = std::min(rest.display, rest.open);
        queue->splice(queue->end(), *queue, target);
      }
    };

    if (rest.participant == in.participant && in.self_trade != SelfTradePrevention::kNone) {
      switch (in.self_trade) {
        case SelfTradePrevention::kCancelResting:
          cancelled(rest, rest.open, 0);
          queue->erase(target);
          if (queue->empty()) other.erase(rest_price);
          continue;
        case SelfTradePrevention::kCancelIncoming:
          cancelled(in, in.open, 0);
          in.open = 0;
          return;
        case SelfTradePrevention::kCancelBoth:
          cancelled(rest, rest.open, 0);
          queue->erase(target);
          if (queue->empty()) other.erase(rest_price);
          cancelled(in, in.open, 0);
          in.open = 0;
          return;
        case SelfTradePrevention::kDecrement:
          rest.open -= x;
          if (rest.display > 0) rest.visible -= x;
          in.open -= x;
          cancelled(rest, x, rest.open);
          cancelled(in, x, in.open);
          after_reduction();
          continue;
        case SelfTradePrevention::kNone:
          break;
      }
    }

    rest.open -= x;
    if (rest.display > 0) rest.visible -= x;
    in.open -= x;
    Event trade = base_event(c, EventType::kTrade);
    trade.instrument = rest.instrument;
    trade.side = in.side;
    trade.trade_id = next_trade_id++;
    trade.order_id = rest.id;
    trade.taker_order_id = in.id;
    trade.participant = rest.participant;
    trade.taker_participant = in.participant;
    trade.price = rest.price;
    trade.quantity = x;
    trade.leaves = rest.open;
    trade.taker_leaves = in.open;
    out.push_back(trade);
    after_reduction();
  }
}

// ---------------------------------------------------------------------------------------------
// Cancel, amend, mass cancel

void ReferenceBook::cancel(const Command& c, std::vector<Event>& out) {
  Located loc = find_order(c.order_id);
  if (loc.book == nullptr) {
    out.push_back(reject_event(c, RejectCode::kUnknownOrder));
    return;
  }
  const Order o = *loc.it;
  if (o.participant != c.participant) {
    out.push_back(reject_event(c, RejectCode::kNotOrderOwner));
    return;
  }
  Event e = base_event(c, EventType::kCancelled);
  e.instrument = o.instrument;
  e.participant = o.participant;
  e.order_id = o.id;
  e.side = o.side;
  e.price = o.price;
  e.cancel_reason = CancelReason::kRequested;
  e.quantity = o.open;
  e.leaves = 0;
  out.push_back(e);
  erase(*loc.book, o.side, o.price, o.id);
}

void ReferenceBook::amend(const Command& c, std::vector<Event>& out) {
  Located loc = find_order(c.order_id);
  if (loc.book == nullptr) {
    out.push_back(reject_event(c, RejectCode::kUnknownOrder));
    return;
  }
  Book& book = *loc.book;
  const Order old = *loc.it;
  // "Checked right after the instrument is known": the target names it, so before the owner.
  if (halted_.contains(old.instrument)) {
    out.push_back(reject_event(c, RejectCode::kInstrumentHalted));
    return;
  }
  if (old.participant != c.participant) {
    out.push_back(reject_event(c, RejectCode::kNotOrderOwner));
    return;
  }
  const InstrumentSpec& spec = book.spec;
  if (c.quantity != 0) {
    if (c.quantity < 0) return out.push_back(reject_event(c, RejectCode::kQuantityNotPositive));
    if (c.quantity > kReferenceMaxQuantity) return out.push_back(reject_event(c, RejectCode::kQuantityTooLarge));
    if (c.quantity % spec.lot_increment != 0) {
      return out.push_back(reject_event(c, RejectCode::kQuantityNotLotIncrement));
    }
  }
  if (c.price != 0) {
    if (c.price % spec.tick_size != 0) return out.push_back(reject_event(c, RejectCode::kPriceOffTick));
    if (c.price < 0 || c.price < spec.price_floor || c.price > spec.price_ceiling) {
      return out.push_back(reject_event(c, RejectCode::kPriceOutsideBand));
    }
  }
  const Quantity new_quantity = c.quantity != 0 ? c.quantity : old.open;
  const Price new_price = c.price != 0 ? c.price : old.price;
  if (new_quantity == old.open && new_price == old.price) {
    return out.push_back(reject_event(c, RejectCode::kAmendNoChange));
  }
  if (old.post_only && new_price != old.price && marketable(book, old.side, new_price)) {
    return out.push_back(reject_event(c, RejectCode::kPostOnlyWouldCross));
  }

  const bool kept = new_price == old.price && new_quantity < old.open;
  Order* order = nullptr;
  if (kept) {
    order = &*loc.it;
    order->open = new_quantity;
    order->visible = order->display > 0 ? std::min(order->visible, new_quantity) : new_quantity;
  } else {
    Order moved = old;
    erase(book, old.side, old.price, old.id);
    moved.price = new_price;
    moved.open = new_quantity;
    moved.visible = moved.display > 0 ? std::min(moved.display, new_quantity) : new_quantity;
    Queue& queue = book.side(moved.side)[new_price];
    queue.push_back(moved);
    order = &queue.back();
  }

  Event e = base_event(c, EventType::kAmended);
  e.instrument = order->instrument;
  e.participant = order->participant;
  e.order_id = order->id;
  e.side = order->side;
  e.price = order->price;
  e.quantity = order->open;
  e.priority_kept = kept;
  out.push_back(e);

  if (!marketable(book, order->side, order->price)) return;
  // Matches as an incoming order; matching touches only the other side, so `order` stays valid.
  Order incoming = *order;
  match(book, incoming, c, out, next_trade_id_);
  if (incoming.open == 0) {
    erase(book, order->side, order->price, order->id);
    return;
  }
  order->open = incoming.open;
  order->visible = order->display > 0 ? std::min(order->visible, order->open) : order->open;
}

void ReferenceBook::mass_cancel(const Command& c, std::vector<Event>& out) {
  if (c.participant == kAnyParticipant && c.instrument == kAnyInstrument) {
    out.push_back(reject_event(c, RejectCode::kInvalidMassCancelScope));
    return;
  }
  // The spec is silent on a scope naming no instrument; like a new order, it is refused.
  if (c.instrument != kAnyInstrument && find_book(c.instrument) == nullptr) {
    out.push_back(reject_event(c, RejectCode::kUnknownInstrument));
    return;
  }
  for (auto& [instrument, book] : books_) {
    if (c.instrument != kAnyInstrument && c.instrument != instrument) continue;
    std::vector<Order> doomed;
    for (const Order* o : in_priority_order(book)) {
      if (c.participant == kAnyParticipant || c.participant == o->participant) doomed.push_back(*o);
    }
    for (const Order& o : doomed) {
      Event e = base_event(c, EventType::kCancelled);
      e.instrument = o.instrument;
      e.participant = o.participant;
      e.order_id = o.id;
      e.side = o.side;
      e.price = o.price;
      e.cancel_reason = CancelReason::kMassCancel;
      e.quantity = o.open;
      e.leaves = 0;
      out.push_back(e);
      erase(book, o.side, o.price, o.id);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Market data

ReferenceBook::LevelSnapshot ReferenceBook::snapshot_levels() const {
  LevelSnapshot snapshot;
  for (const auto& [instrument, book] : books_) {
    for (int s = 0; s < 2; ++s) {
      for (const auto& [price, queue] : book.side(s == 0 ? Side::kBuy : Side::kSell)) {
        LevelState& level = snapshot[instrument][s][price];
        for (const Order& o : queue) {
          level.visible += o.visible;
          level.count += 1;
        }
      }
    }
  }
  return snapshot;
}

void ReferenceBook::emit_level_changes(const LevelSnapshot& before, const Command& c,
                                       std::vector<Event>& out) const {
  const LevelSnapshot after = snapshot_levels();
  auto levels_of = [](const LevelSnapshot& snap, InstrumentId instrument, int s) {
    std::map<Price, LevelState> none;
    auto i = snap.find(instrument);
    if (i == snap.end()) return none;
    auto j = i->second.find(s);
    if (j == i->second.end()) return none;
    return j->second;
  };
  for (const auto& [instrument, book] : books_) {
    for (int s = 0; s < 2; ++s) {
      const auto old_levels = levels_of(before, instrument, s);
      const auto new_levels = levels_of(after, instrument, s);
      std::vector<Price> prices;
      for (const auto& [p, l] : old_levels) prices.push_back(p);
      for (const auto& [p, l] : new_levels) prices.push_back(p);
      std::sort(prices.begin(), prices.end());
      prices.erase(std::unique(prices.begin(), prices.end()), prices.end());
      if (s == 0) std::reverse(prices.begin(), prices.end());  // buy side: highest first
      for (Price p : prices) {
        LevelState was;
        LevelState now;
        if (auto it = old_levels.find(p); it != old_levels.end()) was = it->second;
        if (auto it = new_levels.find(p); it != new_levels.end()) now = it->second;
        if (was == now) continue;
        Event e = base_event(c, EventType::kBookLevel);
        e.instrument = instrument;
        e.side = s == 0 ? Side::kBuy : Side::kSell;
        e.price = p;
        e.quantity = now.visible;
        e.order_count = now.count;
        out.push_back(e);
      }
    }
  }
}

}  // namespace rex::testing
