// Commands: checks, order entry, cancel, amend, mass cancel, halt, expiry. Matching is in
// matching.cpp, market data in market_data.cpp, snapshots in engine_snapshot.cpp.
#include "matcher/engine.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "matcher/engine_state.hpp"
#include "matcher/order_checks.hpp"
#include "matcher/quality.hpp"

namespace rex::matcher {
namespace {

bool immediate(const Order& o) {
  return o.market || o.time_in_force() == TimeInForce::kImmediateOrCancel ||
         o.time_in_force() == TimeInForce::kFillOrKill;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("engine cannot hold these instruments: " + what);
}

}  // namespace

Engine::State::State(std::vector<refdata::InstrumentSpec> specs, EngineOptions options)
    : instruments(std::move(specs)),
      pool(options.initial_orders),
      quality_pool(std::max<std::size_t>(options.initial_orders / 64, 1)),
      index(options.initial_orders),
      reference_data(options.reference_data) {
  require(instruments.size() <= kMaxInstruments, "more than 65,535 instruments");
  std::map<std::uint32_t, std::vector<InstrumentId>> by_commodity;
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    const auto& spec = instruments[i];
    require(spec.id == i, spec.code + ": id is not its position");
    require(spec.tick_size > 0 && spec.lot_minimum > 0 && spec.lot_increment > 0, spec.code + ": tick or lot not positive");
    require(spec.price_floor <= spec.price_ceiling && spec.price_floor % spec.tick_size == 0 &&
                spec.price_ceiling % spec.tick_size == 0,
            spec.code + ": band not on tick");
    require(OrderBook::slot_count(spec) <= kMaxSlots, spec.code + ": band wider than 32,767 ticks");
    require(spec.grade < 64 && spec.hub < 64, spec.code + ": grade or hub index of 64 or more");
    require(spec.commodity <= UINT16_MAX, spec.code + ": commodity index above 65,535");
    by_commodity[spec.commodity].push_back(spec.id);
  }
  books.reserve(instruments.size());
  for (const auto& spec : instruments) books.emplace_back(spec);
  market_of_book.resize(instruments.size());
  member_of_book.resize(instruments.size());
  markets.reserve(by_commodity.size());
  for (const auto& [commodity, ids] : by_commodity) {
    const Price tick = instruments[ids.front()].tick_size;
    Price floor = instruments[ids.front()].price_floor - instruments[ids.front()].differential;
    Price ceiling = instruments[ids.front()].price_ceiling - instruments[ids.front()].differential;
    for (InstrumentId id : ids) {
      const auto& spec = instruments[id];
      require(spec.tick_size == tick, spec.code + ": instruments of one commodity must share a tick size");
      require(spec.differential % tick == 0, spec.code + ": differential off tick");
      floor = std::min(floor, spec.price_floor - spec.differential);
      ceiling = std::max(ceiling, spec.price_ceiling - spec.differential);
    }
    const Price slots = (ceiling - floor) / tick + 1;
    require(slots <= kMaxSlots, "commodity " + std::to_string(commodity) + ": base-equivalent range wider than 32,767 ticks");
    CommodityMarket& m = markets.emplace_back(commodity, floor, tick, static_cast<std::int32_t>(slots));
    m.instruments = ids;
    m.best_bid_base.assign(ids.size(), CommodityMarket::kNoBid);
    m.best_ask_base.assign(ids.size(), CommodityMarket::kNoAsk);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      market_of_book[ids[i]] = static_cast<std::uint32_t>(markets.size() - 1);
      member_of_book[ids[i]] = static_cast<std::uint32_t>(i);
    }
  }
  changes.reserve(kChangesReserved);
  sources.reserve(64);
}

// ---- new orders ----

RejectCode Engine::State::check_quality(const Command& c, const OrderBook& book, AttributeId& attribute,
                                        bool& quality_bid, std::uint64_t& grades, std::uint64_t& hubs) const {
  if (c.quality->count == 0 && c.accepted_grades == 0 && c.accepted_hubs == 0) return RejectCode::kNone;  // plain
  if (const RejectCode r = check_quality_terms(c.quality, c.side); r != RejectCode::kNone) return r;
  if (c.side == Side::kSell) {
    if (const AssayCheck a = check_assay(c.quality, book.spec); a.code != RejectCode::kNone) {
      attribute = a.attribute;
      return a.code;
    }
    if (c.accepted_grades != 0 || c.accepted_hubs != 0) return RejectCode::kAcceptanceInvalid;
    return RejectCode::kNone;
  }
  grades = c.accepted_grades != 0 ? c.accepted_grades : std::uint64_t{1} << book.spec.grade;
  hubs = c.accepted_hubs != 0 ? c.accepted_hubs : std::uint64_t{1} << book.spec.hub;
  std::size_t accepted = 0;
  bool accepts_own = false;
  for (InstrumentId id : markets[market_of_book[book.spec.id]].instruments) {
    const auto& spec = books[id].spec;
    if (accepts(grades, hubs, spec)) {
      ++accepted;
      accepts_own = accepts_own || id == book.spec.id;
    }
  }
  if (accepted == 0) return RejectCode::kAcceptanceInvalid;
  quality_bid = c.quality->count > 0 || !(accepted == 1 && accepts_own);
  return RejectCode::kNone;
}

Price Engine::State::limit_of(const Order& o) const {
  if (!o.market) return price_of(o);
  const auto& spec = books[o.instrument].spec;
  return o.side() == Side::kBuy ? spec.price_ceiling : spec.price_floor;
}

void Engine::State::new_order(const Command& c) {
  if (c.instrument >= books.size()) return reject(RejectCode::kUnknownInstrument);
  OrderBook& book = books[c.instrument];
  if (book.halted) return reject(RejectCode::kInstrumentHalted);
  if (const RejectCode r = check_new_order(c, book.spec); r != RejectCode::kNone) return reject(r);
  AttributeId attribute = 0;
  bool quality_bid = false;
  std::uint64_t grades = 0;
  std::uint64_t hubs = 0;
  const bool plain = c.quality->count == 0 && c.accepted_grades == 0 && c.accepted_hubs == 0;
  if (const RejectCode r = plain ? RejectCode::kNone : check_quality(c, book, attribute, quality_bid, grades, hubs);
      r != RejectCode::kNone) {
    return reject(r, attribute);
  }
  if (c.post_only && !quality_bid && book.marketable(c.side, c.price)) return reject(RejectCode::kPostOnlyWouldCross);

  Order* o = acquire(quality_bid || c.quality->count > 0);
  o->id = c.seq;
  o->market = c.order_type == OrderType::kMarket;
  o->open = c.quantity;
  o->display = c.display_quantity;
  o->participant = c.participant;
  o->instrument = static_cast<std::uint16_t>(c.instrument);
  o->set_side(c.side);
  o->set_time_in_force(c.time_in_force);
  o->set_self_trade(c.self_trade);
  o->all_or_none = c.all_or_none;
  o->post_only = c.post_only;
  o->quality_bid = quality_bid;
  if (o->extended) {
    QualityOrder& q = quality_of(*o);
    q.quality = c.quality;
    q.accepted_grades = grades;
    q.accepted_hubs = hubs;
  }
  const Price limit = o->market ? (c.side == Side::kBuy ? book.spec.price_ceiling : book.spec.price_floor) : c.price;
  o->level = static_cast<std::int16_t>(quality_bid ? market_of(*o).quality_bids.slot_of(limit - book.spec.differential)
                                                   : book.bids.slot_of(limit));

  if (c.post_only && (quality_bid ? run_tradable(*o, limit) > 0 : can_trade_with_quality_bids(*o, limit))) {
    release(o);
    return reject(RejectCode::kPostOnlyWouldCross);
  }

  Event& accepted = emit_for(EventType::kAccepted, *o);
  accepted.quantity = c.quantity;

  const bool fill_or_kill = c.time_in_force == TimeInForce::kFillOrKill;
  if (fill_or_kill || c.min_quantity != 0) {
    const Quantity needed = fill_or_kill ? c.quantity : c.min_quantity;
    if (run_tradable(*o, limit) < needed) {
      emit_cancel(*o, fill_or_kill ? CancelReason::kFillOrKill : CancelReason::kMinQuantityNotMet, c.quantity, 0);
      return discard(o);
    }
  }
  finish_incoming(o, run_match(o, limit), c.expiry);
}

// After matching: rest the remainder, or cancel it if the order may not rest.
void Engine::State::finish_incoming(Order* o, bool alive, Timestamp expiry) {
  if (!alive || o->open == 0) return discard(o);
  if (immediate(*o)) {
    emit_cancel(*o, CancelReason::kImmediateRemainder, o->open, 0);
    return discard(o);
  }
  rest(o, expiry);
}

// ---- cancel and amend ----

Order* Engine::State::owned_order(const Command& c) {
  Order* o = index.find(c.order_id);
  if (o == nullptr) {
    reject(RejectCode::kUnknownOrder);
  } else if (o->participant != c.participant) {
    reject(RejectCode::kNotOrderOwner);
    return nullptr;
  }
  return o;
}

void Engine::State::cancel(const Command& c) {
  if (Order* o = owned_order(c)) cancel_resting(o, CancelReason::kRequested);
}

void Engine::State::set_open_in_place(PriceLadder& ladder, Order* o, Quantity open) {
  PriceLevel& level = ladder.level(o->level);
  level.visible -= o->visible;
  o->open = open;
  o->visible = std::min(o->visible, open);
  level.visible += o->visible;
}

void Engine::State::amend(const Command& c) {
  Order* o = index.find(c.order_id);
  if (o == nullptr) return reject(RejectCode::kUnknownOrder);
  OrderBook& book = books[o->instrument];
  if (book.halted) return reject(RejectCode::kInstrumentHalted);  // as soon as the instrument is known
  if (o->participant != c.participant) return reject(RejectCode::kNotOrderOwner);
  if (c.quantity != 0) {
    if (const RejectCode r = check_quantity(c.quantity, book.spec); r != RejectCode::kNone) return reject(r);
  }
  if (c.price != 0) {
    if (const RejectCode r = check_price(c.price, book.spec); r != RejectCode::kNone) return reject(r);
  }
  std::uint64_t grades = 0;
  std::uint64_t hubs = 0;
  if (c.replace_quality) {
    if (!o->quality_bid) return reject(RejectCode::kQualityNotAmendable);
    AttributeId attribute = 0;
    bool still_quality_bid = false;
    if (const RejectCode r = check_quality(c, book, attribute, still_quality_bid, grades, hubs); r != RejectCode::kNone) {
      return reject(r, attribute);
    }
    if (!still_quality_bid) return reject(RejectCode::kQualityNotAmendable);
  } else if (c.quality->count != 0 || c.accepted_grades != 0 || c.accepted_hubs != 0) {
    return reject(RejectCode::kQualityNotAmendable);
  }
  const Price old_price = price_of(*o);
  const Quantity quantity = c.quantity != 0 ? c.quantity : o->open;
  const Price price = c.price != 0 ? c.price : old_price;
  const QualityOrder* q = o->quality_bid ? &quality_of(*o) : nullptr;
  const bool quality_changes =
      c.replace_quality && (q->quality != c.quality || q->accepted_grades != grades || q->accepted_hubs != hubs);
  if (quantity == o->open && price == old_price && !quality_changes) return reject(RejectCode::kAmendNoChange);
  if (o->post_only && price != old_price && !o->quality_bid) {
    // The entry rule, judged on the amended order.
    const Quantity open = o->open;
    o->open = quantity;
    const bool crosses = book.marketable(o->side(), price) || can_trade_with_quality_bids(*o, price);
    o->open = open;
    if (crosses) return reject(RejectCode::kPostOnlyWouldCross);
  }

  PriceLadder& ladder = ladder_of(*o);
  touch(*o);
  const bool keeps_priority = price == old_price && quantity < o->open && !quality_changes;
  if (keeps_priority) {
    set_open_in_place(ladder, o, quantity);
  } else {
    ladder.unlink(o);
    o->open = quantity;
    if (c.replace_quality) {
      QualityOrder& mutable_q = quality_of(*o);
      mutable_q.quality = c.quality;
      mutable_q.accepted_grades = grades;
      mutable_q.accepted_hubs = hubs;
    }
    o->level = static_cast<std::int16_t>(o->quality_bid ? market_of(*o).quality_bids.slot_of(price - book.spec.differential)
                                                        : book.bids.slot_of(price));
  }
  Event& e = emit_for(EventType::kAmended, *o);
  e.quantity = quantity;
  e.priority_kept = keeps_priority;
  // Then it meets whatever it now can: a priority-losing amend from the back of its queue; a
  // priority-keeping size cut (an all-or-none lot that now fits) from its place.
  if (!keeps_priority) return finish_incoming(o, run_match(o, price), 0);
  if (!meets_any(*o, price)) return;
  if (!run_match(o, price) || o->open == 0) return remove_resting(o);
  set_open_in_place(ladder, o, o->open);
}

// ---- mass cancel, halt, expiry ----

void Engine::State::mass_cancel(const Command& c) {
  const bool all_instruments = c.instrument == kAnyInstrument;
  if (c.participant == kAnyParticipant && all_instruments) return reject(RejectCode::kInvalidMassCancelScope);
  if (!all_instruments && c.instrument >= books.size()) return reject(RejectCode::kUnknownInstrument);
  for_each_resting(all_instruments ? 0 : c.instrument, all_instruments ? books.size() : c.instrument + 1, [&](Order* o) {
    if (c.participant == kAnyParticipant || o->participant == c.participant) cancel_resting(o, CancelReason::kMassCancel);
  });
}

void Engine::State::set_halted(const Command& c, bool halted) {
  const bool by_instrument = c.instrument != kAnyInstrument;
  const bool by_commodity = c.commodity != kAnyCommodity;
  if (by_instrument && by_commodity) return reject(RejectCode::kInvalidHaltScope);
  if (by_instrument && c.instrument >= books.size()) return reject(RejectCode::kUnknownInstrument);
  if (by_commodity &&
      std::none_of(books.begin(), books.end(), [&](const OrderBook& b) { return b.spec.commodity == c.commodity; })) {
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

void Engine::State::expire(Order* o, ExpiryReason reason) {
  Event& e = emit_for(EventType::kExpired, *o);
  e.expiry_reason = reason;
  e.quantity = o->open;
  remove_resting(o);
}

void Engine::State::end_of_day() {
  for_each_resting(0, books.size(), [&](Order* o) {
    if (o->time_in_force() == TimeInForce::kDay) expire(o, ExpiryReason::kEndOfDay);
  });
}

void Engine::State::expire_due(Timestamp now) {
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

void Engine::State::process(const Command& c, EventBuffer& events) {
  command = &c;
  out = &events;
  if (c.seq <= last_seq || c.seq > kMaxSequence) return reject(RejectCode::kSequenceNotIncreasing);
  if (c.timestamp < last_timestamp) return reject(RejectCode::kTimestampDecreasing);
  last_seq = c.seq;
  last_timestamp = c.timestamp;
  // Inline test first: the expiry pass is a call with a costly frame, and usually has nothing to do.
  if (!gtd.empty() && (gtd.front().expiry <= c.timestamp || gtd.size() > 2 * live_gtd + kGtdCompactionSlack)) {
    expire_due(c.timestamp);
  }
  switch (c.type) {
    case CommandType::kNewOrder: new_order(c); break;
    case CommandType::kCancel: cancel(c); break;
    case CommandType::kAmend: amend(c); break;
    case CommandType::kMassCancel: mass_cancel(c); break;
    case CommandType::kEndOfDay: end_of_day(); break;
    case CommandType::kClock: break;
    case CommandType::kHalt: set_halted(c, true); break;
    case CommandType::kResume: set_halted(c, false); break;
    case CommandType::kReferenceData: apply_reference_data(c); break;
    default: reject(RejectCode::kInvalidCommandType); break;
  }
  if (!changes.empty() || any_market_touched) flush_market_data();
}

// ---- the public face ----

Engine::Engine(std::vector<refdata::InstrumentSpec> instruments, EngineOptions options)
    : state_(std::make_unique<State>(std::move(instruments), options)) {}

Engine::~Engine() = default;

void Engine::process(const Command& command, EventBuffer& out) { state_->process(command, out); }

const std::vector<refdata::InstrumentSpec>& Engine::instruments() const { return state_->instruments; }

std::size_t Engine::open_orders() const { return state_->index.size(); }

}  // namespace rex::matcher
