// The reference book's commands, docs/order-types.md and docs/quality-matching.md written out as
// plainly as possible: sequencing, halt and resume, expiry, a new order's checks and entry, cancel,
// amend and mass cancel. When this file and the specs disagree, the specs win.
#include "tests/reference_book/reference_book.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "tests/reference_book/reference_book_internal.hpp"

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
using refdata::AttributeId;
using refdata::kAnyInstrument;
using refdata::kAnyParticipant;
using refdata::Price;
using refdata::Quantity;
using namespace reference_book_internal;

namespace {

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

}  // namespace

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

}  // namespace rex::testing
