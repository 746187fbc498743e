// docs/order-types.md and docs/quality-matching.md, written out as plainly as possible. Every
// section of the specs has one function here; nothing is optimised: matching gathers every
// eligible resting order, sorts them and takes the first one it may trade with, again and again.
// When this file and the specs disagree, the specs win.
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
using matcher::QualityTerms;
using matcher::RejectCode;
using matcher::SelfTradePrevention;
using matcher::Side;
using matcher::TimeInForce;
using matcher::TradeId;
using refdata::AttributeId;
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

Event reject_event(const Command& command, RejectCode code, AttributeId attribute = 0) {
  Event e = base_event(command, EventType::kRejected);
  e.reject = code;
  e.participant = command.participant;
  e.attribute = attribute;
  if (command.type == CommandType::kCancel || command.type == CommandType::kAmend) {
    e.order_id = command.order_id;
  }
  return e;
}

bool is_immediate(TimeInForce tif) {
  return tif == TimeInForce::kImmediateOrCancel || tif == TimeInForce::kFillOrKill;
}

std::uint64_t bit(std::uint32_t index) { return index < 64 ? std::uint64_t{1} << index : 0; }

bool in_band(const InstrumentSpec& spec, Price price) {
  return price >= spec.price_floor && price <= spec.price_ceiling;
}

// Terms well formed: at most kMaxQualityTerms, ascending attributes without repeats, min <= max,
// and on a sell single measured values.
bool terms_valid(const QualityTerms& q, bool sell) {
  if (q.count > matcher::kMaxQualityTerms) return false;
  for (std::size_t i = 0; i < q.count; ++i) {
    const auto& t = q.terms[i];
    if (t.min > t.max) return false;
    if (i > 0 && t.attribute <= q.terms[i - 1].attribute) return false;
    if (sell && t.min != t.max) return false;
  }
  return true;
}

struct Verdict {
  RejectCode code = RejectCode::kNone;
  AttributeId attribute = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Construction and queries

ReferenceBook::ReferenceBook(std::vector<InstrumentSpec> instruments, std::uint32_t reference_data)
    : specs_(std::move(instruments)), reference_data_(reference_data) {
  for (const InstrumentSpec& s : specs_) {
    Book book;
    book.spec = s;
    state_.books.emplace(s.id, std::move(book));
  }
}

namespace {

OrderView view_of(InstrumentId, matcher::OrderId id, refdata::ParticipantId participant, Side side,
                  TimeInForce tif, bool aon, Price price, Quantity open, Quantity visible, Quantity display,
                  refdata::Timestamp expiry) {
  OrderView v;
  v.id = id;
  v.participant = participant;
  v.side = side;
  v.time_in_force = tif;
  v.all_or_none = aon;
  v.price = price;
  v.open = open;
  v.visible = visible;
  v.display = display;
  v.expiry = expiry;
  return v;
}

}  // namespace

std::vector<OrderView> ReferenceBook::orders(InstrumentId instrument, Side side) const {
  std::vector<OrderView> views;
  auto it = state_.books.find(instrument);
  if (it == state_.books.end()) return views;
  for (const Order* o : all_in_priority_order(state_)) {
    if (o->quality_bid || o->instrument != instrument || o->side != side) continue;
    views.push_back(view_of(o->instrument, o->id, o->participant, o->side, o->time_in_force, o->all_or_none,
                            o->price, o->open, o->visible, o->display, o->expiry));
  }
  return views;
}

std::vector<OrderView> ReferenceBook::quality_bids(std::uint32_t commodity) const {
  std::vector<OrderView> views;
  for (const Order* o : all_in_priority_order(state_)) {
    if (!o->quality_bid || spec(o->instrument).commodity != commodity) continue;
    views.push_back(view_of(o->instrument, o->id, o->participant, o->side, o->time_in_force, o->all_or_none,
                            o->price, o->open, o->visible, o->display, o->expiry));
  }
  return views;
}

std::size_t ReferenceBook::open_orders() const { return all_in_priority_order(state_).size(); }

std::vector<const ReferenceBook::Order*> ReferenceBook::all_in_priority_order(const State& state) {
  std::vector<const Order*> result;
  for (const auto& [id, book] : state.books) {
    for (auto level = book.bids.rbegin(); level != book.bids.rend(); ++level) {
      for (const Order& o : level->second) result.push_back(&o);
    }
    for (const auto& [price, queue] : book.asks) {
      for (const Order& o : queue) result.push_back(&o);
    }
  }
  for (const auto& [commodity, ladder] : state.quality) {
    for (auto level = ladder.rbegin(); level != ladder.rend(); ++level) {
      for (const Order& o : level->second) result.push_back(&o);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Where orders rest

Price ReferenceBook::ladder_key(const State& state, const Order& order) {
  if (!order.quality_bid) return order.price;
  return order.price - state.books.at(order.instrument).spec.differential;
}

ReferenceBook::Ladder& ReferenceBook::ladder_of(State& state, const Order& order) {
  Book& book = state.books.at(order.instrument);
  if (order.quality_bid) return state.quality[book.spec.commodity];
  return book.side(order.side);
}

void ReferenceBook::place(State& state, Order order) {
  order.placed = state.next_placement++;
  const Price key = ladder_key(state, order);
  ladder_of(state, order)[key].push_back(order);
}

void ReferenceBook::remove(State& state, const Order& order) {
  const OrderId id = order.id;  // `order` may live in the queue it is removed from
  const Price key = ladder_key(state, order);
  Ladder& ladder = ladder_of(state, order);
  auto level = ladder.find(key);
  if (level == ladder.end()) return;
  level->second.remove_if([id](const Order& o) { return o.id == id; });
  if (level->second.empty()) ladder.erase(level);
}

ReferenceBook::Order* ReferenceBook::find(State& state, OrderId id) {
  auto in = [id](Ladder& ladder) -> Order* {
    for (auto& [price, queue] : ladder) {
      for (Order& o : queue) {
        if (o.id == id) return &o;
      }
    }
    return nullptr;
  };
  for (auto& [instrument, book] : state.books) {
    if (Order* o = in(book.bids)) return o;
    if (Order* o = in(book.asks)) return o;
  }
  for (auto& [commodity, ladder] : state.quality) {
    if (Order* o = in(ladder)) return o;
  }
  return nullptr;
}

bool ReferenceBook::accepts(const Order& bid, InstrumentId lot_instrument) const {
  if (!bid.quality_bid) return lot_instrument == bid.instrument;
  const InstrumentSpec& lot = spec(lot_instrument);
  return lot.commodity == spec(bid.instrument).commodity && (bid.accepted_grades & bit(lot.grade)) != 0 &&
         (bid.accepted_hubs & bit(lot.hub)) != 0;
}

bool ReferenceBook::bounds_accept(const QualityTerms& bounds, const QualityTerms& assay) {
  for (std::size_t i = 0; i < bounds.count; ++i) {
    const auto& bound = bounds.terms[i];
    bool measured = false;
    for (std::size_t j = 0; j < assay.count; ++j) {
      if (assay.terms[j].attribute != bound.attribute) continue;
      measured = true;
      if (!bound.contains(assay.terms[j].min)) return false;
    }
    if (!measured) return false;  // quality unknown: not acceptable
  }
  return true;
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

  const LevelSnapshot levels_before = snapshot_levels();
  const TopSnapshot tops_before = snapshot_tops();
  expire_good_till_date(command, out);
  run(command, out);
  emit_market_data(levels_before, tops_before, command, out);
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
    case CommandType::kReferenceData:  // without the new instruments (Engine::process_reference_data)
      out.push_back(reject_event(command, RejectCode::kReferenceDataIncompatible));
      return;
  }
  out.push_back(reject_event(command, RejectCode::kInvalidCommandType));
}

namespace {

Event order_event(const Command& command, EventType type, InstrumentId instrument, refdata::ParticipantId participant,
                  OrderId id, Side side, Price price) {
  Event e = base_event(command, type);
  e.instrument = instrument;
  e.participant = participant;
  e.order_id = id;
  e.side = side;
  e.price = price;
  return e;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Halt and resume

void ReferenceBook::halt_or_resume(const Command& c, std::vector<Event>& out, bool halt) {
  const bool names_instrument = c.instrument != kAnyInstrument;
  const bool names_commodity = c.commodity != refdata::kAnyCommodity;
  if (names_instrument && names_commodity) {
    out.push_back(reject_event(c, RejectCode::kInvalidHaltScope));
    return;
  }
  if (names_instrument && !state_.books.contains(c.instrument)) {
    out.push_back(reject_event(c, RejectCode::kUnknownInstrument));
    return;
  }
  if (names_commodity) {
    bool known = false;
    for (const InstrumentSpec& s : specs_) known = known || s.commodity == c.commodity;
    if (!known) {
      out.push_back(reject_event(c, RejectCode::kUnknownCommodity));
      return;
    }
  }
  for (const auto& [id, book] : state_.books) {
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
  for (const Order* o : all_in_priority_order(state_)) {
    if (o->time_in_force == TimeInForce::kGoodTillDate && o->expiry <= command.timestamp) {
      due.emplace_back(o->expiry, o->id);
    }
  }
  std::sort(due.begin(), due.end());
  for (const auto& [expiry, id] : due) {
    const Order o = *find(state_, id);
    Event e = order_event(command, EventType::kExpired, o.instrument, o.participant, o.id, o.side, o.price);
    e.expiry_reason = ExpiryReason::kGoodTillDate;
    e.quantity = o.open;
    out.push_back(e);
    remove(state_, o);
  }
}

void ReferenceBook::end_of_day(const Command& command, std::vector<Event>& out) {
  std::vector<Order> day_orders;
  for (const Order* o : all_in_priority_order(state_)) {
    if (o->time_in_force == TimeInForce::kDay) day_orders.push_back(*o);
  }
  for (const Order& o : day_orders) {
    Event e = order_event(command, EventType::kExpired, o.instrument, o.participant, o.id, o.side, o.price);
    e.expiry_reason = ExpiryReason::kEndOfDay;
    e.quantity = o.open;
    out.push_back(e);
    remove(state_, o);
  }
}

// ---------------------------------------------------------------------------------------------
// New order

RejectCode ReferenceBook::check_new_order(const Command& c) const {
  auto found = state_.books.find(c.instrument);
  if (found == state_.books.end()) return RejectCode::kUnknownInstrument;
  if (halted_.contains(c.instrument)) return RejectCode::kInstrumentHalted;
  if (static_cast<unsigned>(c.side) > 1 || static_cast<unsigned>(c.order_type) > 1 ||
      static_cast<unsigned>(c.time_in_force) > 4 || static_cast<unsigned>(c.self_trade) > 4) {
    return RejectCode::kInvalidEnumValue;
  }
  const InstrumentSpec& s = found->second.spec;

  // 2. quantity
  if (c.quantity <= 0) return RejectCode::kQuantityNotPositive;
  if (c.quantity > kReferenceMaxQuantity) return RejectCode::kQuantityTooLarge;
  if (c.quantity < s.lot_minimum) return RejectCode::kQuantityBelowLotMinimum;
  if (c.quantity % s.lot_increment != 0) return RejectCode::kQuantityNotLotIncrement;

  // 3. price
  const bool market = c.order_type == OrderType::kMarket;
  if (!market) {
    if (c.price % s.tick_size != 0) return RejectCode::kPriceOffTick;
    if (c.price <= 0 || !in_band(s, c.price)) return RejectCode::kPriceOutsideBand;
  } else {
    if (c.price != 0) return RejectCode::kMarketOrderWithPrice;
    if (!is_immediate(c.time_in_force)) return RejectCode::kMarketOrderNotImmediate;
  }

  // 4. post-only
  if (c.post_only && (market || is_immediate(c.time_in_force))) return RejectCode::kPostOnlyNotResting;

  // 5. iceberg: any non-zero display makes one, and the all-or-none check comes first.
  if (c.display_quantity != 0) {
    if (c.all_or_none) return RejectCode::kIcebergAllOrNone;
    if (c.display_quantity < 0 || c.display_quantity >= c.quantity || c.display_quantity < s.lot_minimum ||
        c.display_quantity % s.lot_increment != 0) {
      return RejectCode::kDisplayQuantityInvalid;
    }
  }

  // 6. minimum quantity
  if (c.min_quantity != 0) {
    if (c.min_quantity < 0 || c.min_quantity > c.quantity || c.min_quantity % s.lot_increment != 0) {
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
  // Then the quality checks (check_quality), then post-only (post_only_would_trade).
  return RejectCode::kNone;
}

// docs/quality-matching.md, "What orders carry": terms, assay against the grade, acceptance.
RejectCode ReferenceBook::check_quality(const Command& c) const {
  const InstrumentSpec& s = spec(c.instrument);
  const bool sell = c.side == Side::kSell;
  if (!terms_valid(c.quality, sell)) return RejectCode::kQualityTermsInvalid;
  if (sell) {
    for (std::size_t i = 0; i < c.quality->count; ++i) {
      for (const auto& limit : s.quality) {
        if (limit.attribute == c.quality->terms[i].attribute && !limit.contains(c.quality->terms[i].min)) {
          return RejectCode::kAssayOutOfSpec;
        }
      }
    }
    if (c.accepted_grades != 0 || c.accepted_hubs != 0) return RejectCode::kAcceptanceInvalid;
    return RejectCode::kNone;
  }
  const std::uint64_t grades = c.accepted_grades != 0 ? c.accepted_grades : bit(s.grade);
  const std::uint64_t hubs = c.accepted_hubs != 0 ? c.accepted_hubs : bit(s.hub);
  for (const InstrumentSpec& j : specs_) {
    if (j.commodity == s.commodity && (grades & bit(j.grade)) != 0 && (hubs & bit(j.hub)) != 0) {
      return RejectCode::kNone;
    }
  }
  return RejectCode::kAcceptanceInvalid;
}

bool ReferenceBook::marketable_in_own_book(const Order& order) const {
  const Book& book = state_.books.at(order.instrument);
  if (order.side == Side::kBuy) return !book.asks.empty() && order.price >= book.asks.begin()->first;
  return !book.bids.empty() && order.price <= book.bids.rbegin()->first;
}

// docs/quality-matching.md, Post-only: a plain order is refused when marketable in its own book
// (all-or-none lots included) or when it would trade with quality bids; a quality bid when it would
// trade at all.
bool ReferenceBook::post_only_would_trade(const Order& order) const {
  if (!order.quality_bid && marketable_in_own_book(order)) return true;
  if (!order.quality_bid && order.side == Side::kBuy) return false;  // quality bids are bids
  Command probe;
  return dry_run_traded(order, probe) > 0;
}

Quantity ReferenceBook::dry_run_traded(const Order& incoming, const Command& command) const {
  State copy = state_;
  Order probe = incoming;
  std::vector<Event> scratch;
  TradeId scratch_trade_id = next_trade_id_;
  match(copy, probe, command, scratch, scratch_trade_id);
  Quantity traded = 0;
  for (const Event& e : scratch) {
    if (e.type == EventType::kTrade) traded += e.quantity;
  }
  return traded;
}

void ReferenceBook::new_order(const Command& c, std::vector<Event>& out) {
  RejectCode code = check_new_order(c);
  if (code == RejectCode::kNone) code = check_quality(c);
  if (code == RejectCode::kAssayOutOfSpec) {
    const InstrumentSpec& s = spec(c.instrument);
    for (std::size_t i = 0; i < c.quality->count; ++i) {
      for (const auto& limit : s.quality) {
        if (limit.attribute == c.quality->terms[i].attribute && !limit.contains(c.quality->terms[i].min)) {
          out.push_back(reject_event(c, code, c.quality->terms[i].attribute));
          return;
        }
      }
    }
  }
  if (code != RejectCode::kNone) {
    out.push_back(reject_event(c, code));
    return;
  }
  const InstrumentSpec& s = spec(c.instrument);

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
  in.quality = c.quality;
  if (c.side == Side::kBuy) {
    in.accepted_grades = c.accepted_grades != 0 ? c.accepted_grades : bit(s.grade);
    in.accepted_hubs = c.accepted_hubs != 0 ? c.accepted_hubs : bit(s.hub);
    bool accepts_another = false;
    for (const InstrumentSpec& j : specs_) {
      accepts_another = accepts_another || (j.id != s.id && j.commodity == s.commodity &&
                                            (in.accepted_grades & bit(j.grade)) != 0 &&
                                            (in.accepted_hubs & bit(j.hub)) != 0);
    }
    in.quality_bid = in.quality.count > 0 || accepts_another;
  }

  // 9. post-only
  if (in.post_only && post_only_would_trade(in)) {
    out.push_back(reject_event(c, RejectCode::kPostOnlyWouldCross));
    return;
  }

  out.push_back(order_event(c, EventType::kAccepted, in.instrument, in.participant, in.id, in.side, in.price));
  out.back().quantity = c.quantity;

  auto cancel_incoming = [&](CancelReason reason, Quantity quantity) {
    Event e = order_event(c, EventType::kCancelled, in.instrument, in.participant, in.id, in.side, in.price);
    e.cancel_reason = reason;
    e.quantity = quantity;
    e.leaves = 0;
    out.push_back(e);
  };

  // 4. FOK / minimum quantity: a dry run of the very same matching on a copy of the state.
  const bool fill_or_kill = c.time_in_force == TimeInForce::kFillOrKill;
  if (fill_or_kill || c.min_quantity > 0) {
    const Quantity needed = fill_or_kill ? c.quantity : c.min_quantity;
    if (dry_run_traded(in, c) < needed) {
      cancel_incoming(fill_or_kill ? CancelReason::kFillOrKill : CancelReason::kMinQuantityNotMet, c.quantity);
      return;
    }
  }

  // 5. matching
  match(state_, in, c, out, next_trade_id_);

  // 6. the remainder
  if (in.open == 0) return;
  if (in.market || is_immediate(in.time_in_force)) {
    cancel_incoming(CancelReason::kImmediateRemainder, in.open);
    return;
  }
  in.visible = in.display > 0 ? std::min(in.display, in.open) : in.open;
  place(state_, in);
}

// ---------------------------------------------------------------------------------------------
// Matching

void ReferenceBook::match(State& state, Order& in, const Command& c, std::vector<Event>& out,
                          TradeId& next_trade_id) const {
  const InstrumentSpec& named = spec(in.instrument);

  auto cancelled = [&](const Order& o, Quantity quantity, Quantity leaves) {
    Event e = order_event(c, EventType::kCancelled, o.instrument, o.participant, o.id, o.side, o.price);
    e.cancel_reason = CancelReason::kSelfTradePrevention;
    e.quantity = quantity;
    e.leaves = leaves;
    out.push_back(e);
  };

  // An eligible resting order within the incoming order's limit.
  struct Candidate {
    Order* order = nullptr;
    Price rank = 0;            // the adjusted price it is compared by
    InstrumentId lot = 0;      // the instrument the trade is on
    Price trade_price = 0;     // the resting order's price in the lot's terms
  };

  while (in.open > 0) {
    std::vector<Candidate> candidates;
    if (in.side == Side::kSell) {
      // Bids in the lot's terms: plain bids on it, and the quality bids that accept it.
      const InstrumentId lot = in.instrument;
      const Price limit = in.market ? named.price_floor : in.price;
      for (auto& [price, queue] : state.books.at(lot).bids) {
        if (price < limit) continue;
        for (Order& o : queue) candidates.push_back({&o, price, lot, price});
      }
      auto ladder = state.quality.find(named.commodity);
      if (ladder != state.quality.end()) {
        for (auto& [base, queue] : ladder->second) {
          const Price in_lot_terms = base + named.differential;
          if (in_lot_terms < limit || !in_band(named, in_lot_terms)) continue;
          for (Order& o : queue) {
            if (accepts(o, lot) && bounds_accept(o.quality, in.quality)) {
              candidates.push_back({&o, in_lot_terms, lot, in_lot_terms});
            }
          }
        }
      }
      std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(b.rank, a.order->placed) < std::tie(a.rank, b.order->placed);
      });
    } else {
      // Asks by base-equivalent price, on every instrument the bid accepts (a plain bid: its own).
      const Price base_limit = (in.market ? named.price_ceiling : in.price) - named.differential;
      for (auto& [lot, book] : state.books) {
        if (!accepts(in, lot) || (lot != in.instrument && halted_.contains(lot))) continue;
        // A limit quality bid reaches J only while its price in J's terms is inside J's band; a
        // market bid has no price of its own (it trades at asks, which are inside their bands).
        if (in.quality_bid && !in.market && !in_band(book.spec, base_limit + book.spec.differential)) continue;
        for (auto& [price, queue] : book.asks) {
          const Price base = price - book.spec.differential;
          if (base > base_limit) continue;
          for (Order& o : queue) {
            if (in.quality_bid && !bounds_accept(in.quality, o.quality)) continue;
            candidates.push_back({&o, base, lot, price});
          }
        }
      }
      std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(a.rank, a.order->placed) < std::tie(b.rank, b.order->placed);
      });
    }

    // The first one it may trade with: all-or-none lots too big or too small are passed by.
    const Candidate* target = nullptr;
    Quantity x = 0;
    for (const Candidate& candidate : candidates) {
      const Order& o = *candidate.order;
      const Quantity tradable = o.display > 0 ? o.visible : o.open;
      const Quantity size = std::min(in.open, tradable);
      if (o.all_or_none && size < o.open) continue;
      if (in.all_or_none && size < in.open) continue;
      target = &candidate;
      x = size;
      break;
    }
    if (target == nullptr) return;
    Order& rest = *target->order;

    // After `rest` lost x (trade or decrement): gone, refilled to the back, or shrunk in place.
    auto after_reduction = [&]() {
      if (rest.open == 0) {
        remove(state, rest);
      } else if (rest.display == 0) {
        rest.visible = rest.open;
      } else if (rest.visible == 0) {
        Order refilled = rest;
        refilled.visible = std::min(refilled.display, refilled.open);
        remove(state, rest);
        place(state, refilled);
      }
    };

    if (rest.participant == in.participant && in.self_trade != SelfTradePrevention::kNone) {
      switch (in.self_trade) {
        case SelfTradePrevention::kCancelResting:
          cancelled(rest, rest.open, 0);
          remove(state, rest);
          continue;
        case SelfTradePrevention::kCancelIncoming:
          cancelled(in, in.open, 0);
          in.open = 0;
          return;
        case SelfTradePrevention::kCancelBoth:
          cancelled(rest, rest.open, 0);
          remove(state, rest);
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
    trade.instrument = target->lot;
    trade.side = in.side;
    trade.trade_id = next_trade_id++;
    trade.order_id = rest.id;
    trade.taker_order_id = in.id;
    trade.participant = rest.participant;
    trade.taker_participant = in.participant;
    trade.price = target->trade_price;
    trade.base_price = target->trade_price - spec(target->lot).differential;
    trade.reference_data = reference_data_;
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
  const Order* found = find(state_, c.order_id);
  if (found == nullptr) {
    out.push_back(reject_event(c, RejectCode::kUnknownOrder));
    return;
  }
  const Order o = *found;
  if (o.participant != c.participant) {
    out.push_back(reject_event(c, RejectCode::kNotOrderOwner));
    return;
  }
  Event e = order_event(c, EventType::kCancelled, o.instrument, o.participant, o.id, o.side, o.price);
  e.cancel_reason = CancelReason::kRequested;
  e.quantity = o.open;
  e.leaves = 0;
  out.push_back(e);
  remove(state_, o);
}

void ReferenceBook::amend(const Command& c, std::vector<Event>& out) {
  const Order* found = find(state_, c.order_id);
  if (found == nullptr) {
    out.push_back(reject_event(c, RejectCode::kUnknownOrder));
    return;
  }
  const Order old = *found;
  // "Checked right after the instrument is known": the target names it, so before the owner.
  if (halted_.contains(old.instrument)) {
    out.push_back(reject_event(c, RejectCode::kInstrumentHalted));
    return;
  }
  if (old.participant != c.participant) {
    out.push_back(reject_event(c, RejectCode::kNotOrderOwner));
    return;
  }
  const InstrumentSpec& s = spec(old.instrument);
  auto reject = [&](RejectCode code) { out.push_back(reject_event(c, code)); };
  if (c.quantity != 0) {
    if (c.quantity < 0) return reject(RejectCode::kQuantityNotPositive);
    if (c.quantity > kReferenceMaxQuantity) return reject(RejectCode::kQuantityTooLarge);
    if (c.quantity % s.lot_increment != 0) return reject(RejectCode::kQuantityNotLotIncrement);
  }
  if (c.price != 0) {
    if (c.price % s.tick_size != 0) return reject(RejectCode::kPriceOffTick);
    if (c.price < 0 || !in_band(s, c.price)) return reject(RejectCode::kPriceOutsideBand);
  }

  // Replacing a quality bid's bounds and accepted sets (docs/quality-matching.md, Amending).
  Order updated = old;
  if (c.replace_quality) {
    if (!old.quality_bid) return reject(RejectCode::kQualityNotAmendable);
    if (!terms_valid(c.quality, false)) return reject(RejectCode::kQualityTermsInvalid);
    updated.quality = c.quality;
    updated.accepted_grades = c.accepted_grades != 0 ? c.accepted_grades : bit(s.grade);
    updated.accepted_hubs = c.accepted_hubs != 0 ? c.accepted_hubs : bit(s.hub);
    bool accepts_any = false;
    bool accepts_another = false;
    for (const InstrumentSpec& j : specs_) {
      const bool accepted = j.commodity == s.commodity && (updated.accepted_grades & bit(j.grade)) != 0 &&
                            (updated.accepted_hubs & bit(j.hub)) != 0;
      accepts_any = accepts_any || accepted;
      accepts_another = accepts_another || (accepted && j.id != s.id);
    }
    if (!accepts_any) return reject(RejectCode::kAcceptanceInvalid);
    if (updated.quality.count == 0 && !accepts_another) return reject(RejectCode::kQualityNotAmendable);
  } else if (c.quality->count != 0 || c.accepted_grades != 0 || c.accepted_hubs != 0) {
    return reject(RejectCode::kQualityNotAmendable);  // terms sent without replace_quality are refused, not ignored
  }
  const bool quality_changed = updated.quality != old.quality || updated.accepted_grades != old.accepted_grades ||
                               updated.accepted_hubs != old.accepted_hubs;

  const Quantity new_quantity = c.quantity != 0 ? c.quantity : old.open;
  const Price new_price = c.price != 0 ? c.price : old.price;
  if (new_quantity == old.open && new_price == old.price && !quality_changed) {
    return reject(RejectCode::kAmendNoChange);
  }
  updated.price = new_price;
  updated.open = new_quantity;
  // Post-only on an amend: a plain order may not move to a different price at which it would take
  // liquidity (marketable in its own book, or trading with quality bids: the entry rule); for a
  // quality bid post-only is an entry check only.
  if (old.post_only && !old.quality_bid && new_price != old.price && post_only_would_trade(updated)) {
    return reject(RejectCode::kPostOnlyWouldCross);
  }

  const bool kept = new_price == old.price && new_quantity < old.open && !quality_changed;
  if (kept) {
    Order* order = find(state_, old.id);
    order->open = new_quantity;
    order->visible = order->display > 0 ? std::min(order->visible, new_quantity) : new_quantity;
  } else {
    remove(state_, old);
    updated.visible = updated.display > 0 ? std::min(updated.display, new_quantity) : new_quantity;
    place(state_, updated);
  }

  Event e = order_event(c, EventType::kAmended, old.instrument, old.participant, old.id, old.side, new_price);
  e.quantity = new_quantity;
  e.priority_kept = kept;
  out.push_back(e);

  // Then it matches as an incoming order if it can (matching finds nothing when it is not
  // marketable); it keeps whatever place it now has for what is left.
  Order incoming = *find(state_, old.id);
  const Quantity before = incoming.open;
  match(state_, incoming, c, out, next_trade_id_);
  Order* order = find(state_, old.id);
  if (incoming.open == 0) {
    remove(state_, *order);
  } else if (incoming.open != before) {
    order->open = incoming.open;
    order->visible = order->display > 0 ? std::min(order->visible, order->open) : order->open;
  }
}

void ReferenceBook::mass_cancel(const Command& c, std::vector<Event>& out) {
  if (c.participant == kAnyParticipant && c.instrument == kAnyInstrument) {
    out.push_back(reject_event(c, RejectCode::kInvalidMassCancelScope));
    return;
  }
  if (c.instrument != kAnyInstrument && !state_.books.contains(c.instrument)) {
    out.push_back(reject_event(c, RejectCode::kUnknownInstrument));
    return;
  }
  std::vector<Order> doomed;
  for (const Order* o : all_in_priority_order(state_)) {
    if ((c.instrument == kAnyInstrument || c.instrument == o->instrument) &&
        (c.participant == kAnyParticipant || c.participant == o->participant)) {
      doomed.push_back(*o);
    }
  }
  for (const Order& o : doomed) {
    Event e = order_event(c, EventType::kCancelled, o.instrument, o.participant, o.id, o.side, o.price);
    e.cancel_reason = CancelReason::kMassCancel;
    e.quantity = o.open;
    e.leaves = 0;
    out.push_back(e);
    remove(state_, o);
  }
}

// ---------------------------------------------------------------------------------------------
// Market data

ReferenceBook::LevelSnapshot ReferenceBook::snapshot_levels() const {
  LevelSnapshot levels;
  for (const auto& [instrument, book] : state_.books) {
    for (int s = 0; s < 2; ++s) {
      for (const auto& [price, queue] : book.side(s == 0 ? Side::kBuy : Side::kSell)) {
        Level level{instrument, s, price, 0, 0};
        for (const Order& o : queue) {
          level.visible += o.visible;
          level.count += 1;
        }
        levels.push_back(level);
      }
    }
  }
  return levels;
}

ReferenceBook::TopSnapshot ReferenceBook::snapshot_tops() const {
  TopSnapshot tops;
  for (const InstrumentSpec& s : specs_) tops[s.commodity];
  for (const Order* o : all_in_priority_order(state_)) {
    const InstrumentSpec& s = spec(o->instrument);
    const Price base = o->price - s.differential;
    Top& top = tops[s.commodity];
    if (o->side == Side::kBuy) {
      if (!top.has_bid || base > top.bid) top.bid = base;
      top.has_bid = true;
    } else {
      if (!top.has_ask || base < top.ask) top.ask = base;
      top.has_ask = true;
    }
  }
  return tops;
}

void ReferenceBook::emit_market_data(const LevelSnapshot& before, const TopSnapshot& tops_before,
                                     const Command& c, std::vector<Event>& out) const {
  // Levels that differ, by merging the two sorted snapshots; a level missing on one side is 0/0.
  const LevelSnapshot after = snapshot_levels();
  auto key = [](const Level& l) { return std::tie(l.instrument, l.side, l.price); };
  std::vector<Level> changed;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && key(before[i]) < key(after[j]))) {
      changed.push_back(Level{before[i].instrument, before[i].side, before[i].price, 0, 0});
      ++i;
    } else if (i == before.size() || key(after[j]) < key(before[i])) {
      changed.push_back(after[j]);
      ++j;
    } else {
      if (before[i].visible != after[j].visible || before[i].count != after[j].count) changed.push_back(after[j]);
      ++i;
      ++j;
    }
  }
  // Instrument, then the buy side highest price first, then the sell side lowest price first.
  std::stable_sort(changed.begin(), changed.end(), [](const Level& a, const Level& b) {
    if (a.instrument != b.instrument) return a.instrument < b.instrument;
    if (a.side != b.side) return a.side < b.side;
    return a.side == 0 ? a.price > b.price : a.price < b.price;
  });
  for (const Level& level : changed) {
    Event e = base_event(c, EventType::kBookLevel);
    e.instrument = level.instrument;
    e.side = level.side == 0 ? Side::kBuy : Side::kSell;
    e.price = level.price;
    e.quantity = level.visible;
    e.order_count = level.count;
    out.push_back(e);
  }
  for (const auto& [commodity, top] : snapshot_tops()) {
    if (tops_before.at(commodity) == top) continue;
    Event e = base_event(c, EventType::kCommodityTop);
    e.commodity = static_cast<std::uint16_t>(commodity);
    e.has_bid = top.has_bid;
    e.price = top.bid;
    e.has_ask = top.has_ask;
    e.ask = top.ask;
    out.push_back(e);
  }
}

}  // namespace rex::testing
