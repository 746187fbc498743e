#include "tests/property/command_generator.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace rex::testing {

using matcher::Command;
using matcher::CommandType;
using matcher::OrderType;
using matcher::SelfTradePrevention;
using matcher::Side;
using matcher::TimeInForce;
using refdata::InstrumentSpec;
using refdata::Price;
using refdata::Quantity;

namespace {

// Participants 1..kParticipants: few, so self-trade prevention meets its own orders often.
constexpr std::int64_t kParticipants = 4;
// The market changes mood every this many commands: how aggressive prices are and how deep the
// books may grow (see Regime), so both thin, fast-crossing books and deep queues are exercised.
constexpr std::uint64_t kRegimeLength = 4000;
// GTD lifetimes, in ns; timestamps advance ~3000 ns a command on average, so most GTD orders
// expire within a hundred commands.
constexpr std::int64_t kMaxGtdLifetime = 300'000;
// Some GTD expiries are rounded up to a multiple of this, so several orders expire together.
constexpr refdata::Timestamp kRoundExpiry = 10'000;
// new_order() leaves the GTD expiry relative to a timestamp not drawn yet; these two values,
// outside 1..kMaxGtdLifetime, ask next() for "exactly now" and "already past".
constexpr refdata::Timestamp kExpiryNowMarker = UINT64_MAX;
constexpr refdata::Timestamp kExpiryPastMarker = UINT64_MAX - 1;

InstrumentSpec make_spec(refdata::InstrumentId id, const char* code, std::uint32_t commodity, std::uint32_t grade,
                         std::uint32_t hub, Price differential, Price tick, Quantity lot_minimum, Quantity lot_increment,
                         Price floor, Price ceiling) {
  InstrumentSpec s;
  s.id = id;
  s.code = code;
  s.commodity = commodity;
  s.grade = grade;
  s.hub = hub;
  s.differential = differential;
  s.tick_size = tick;
  s.lot_minimum = lot_minimum;
  s.lot_increment = lot_increment;
  s.price_floor = floor;
  s.price_ceiling = ceiling;
  return s;
}

// Quality attributes of the property catalogue (fixed point, scale 0 or 2).
constexpr refdata::AttributeId kImpurity = 0;   // steel, per mille
constexpr refdata::AttributeId kThickness = 1;  // steel, 0.01 mm
constexpr refdata::AttributeId kCopper = 2;     // copper, 0.01 %
constexpr refdata::AttributeId kMoisture = 3;   // no grade limits it: only buyers bound it

refdata::AttributeRange range(refdata::AttributeId attribute, std::int64_t min, std::int64_t max) {
  refdata::AttributeRange r;
  r.attribute = attribute;
  r.min = min;
  r.max = max;
  return r;
}

}  // namespace

// Steel (commodity 0) has three instruments whose bands line up on the base basis, so quality bids
// reach across grades and hubs; copper (commodity 1) has one. Grades: 0 HMS1, 1 HMS2, 2 copper
// Barley; hubs 0 and 1.
std::vector<InstrumentSpec> property_instruments() {
  std::vector<InstrumentSpec> specs{
      make_spec(0, "FE-HMS1-PROP", 0, 0, 0, 0, 10, 1000, 500, 5000, 5100),           // 11 prices
      make_spec(1, "CU-BARLEY-PROP", 1, 2, 0, 0, 50, 2000, 1000, 20000, 20300),      // 7 prices
      make_spec(2, "FE-HMS2-PROP", 0, 1, 0, -100, 10, 100, 100, 4900, 4980),         // base 5000..5080
      make_spec(3, "FE-HMS1-HUB1-PROP", 0, 0, 1, 50, 10, 1000, 500, 5050, 5150),     // base 5000..5100
  };
  for (InstrumentSpec& s : specs) {
    if (s.grade == 0) s.quality = {range(kImpurity, 0, 300), range(kThickness, 60, 1000)};
    if (s.grade == 1) s.quality = {range(kImpurity, 0, 500), range(kThickness, 30, 1000)};
    if (s.grade == 2) s.quality = {range(kCopper, 9990, 10000)};
  }
  return specs;
}

std::uint64_t Random::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::int64_t Random::between(std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(next() % span);
}

CommandGenerator::CommandGenerator(std::uint64_t seed, std::vector<InstrumentSpec> instruments,
                                   Narrowing narrowing)
    : random_(seed), narrowing_(narrowing), instruments_(std::move(instruments)) {}

refdata::InstrumentId CommandGenerator::any_instrument() {
  return static_cast<refdata::InstrumentId>(random_.between(0, static_cast<std::int64_t>(instruments_.size()) - 1));
}

refdata::ParticipantId CommandGenerator::any_participant() {
  return static_cast<refdata::ParticipantId>(random_.between(1, kParticipants));
}

Quantity CommandGenerator::lot_quantity(const InstrumentSpec& spec, int max_lots) {
  const Quantity min_steps = spec.lot_minimum / spec.lot_increment;
  return spec.lot_increment * random_.between(min_steps, min_steps * max_lots);
}

Price CommandGenerator::band_price(const InstrumentSpec& spec) {
  const std::int64_t steps = (spec.price_ceiling - spec.price_floor) / spec.tick_size;
  return spec.price_floor + spec.tick_size * random_.between(0, steps);
}

// Buys mostly below the middle of the band and sells above it, each reaching up to
// `regime_.reach` ticks into the other half, so the books build depth and still cross often.
Price CommandGenerator::order_price(const InstrumentSpec& spec, Side side) {
  if (random_.percent(25)) return band_price(spec);
  const std::int64_t steps = (spec.price_ceiling - spec.price_floor) / spec.tick_size;
  const std::int64_t middle = steps / 2;
  const std::int64_t offset = random_.between(-middle, regime_.reach);
  const std::int64_t level = std::clamp(side == Side::kBuy ? middle + offset : middle - offset, std::int64_t{0}, steps);
  return spec.price_floor + spec.tick_size * level;
}

Quantity CommandGenerator::bad_quantity(const InstrumentSpec& spec) {
  switch (random_.between(0, 5)) {
    case 0: return 0;
    case 1: return -spec.lot_increment * random_.between(1, 3);
    case 2: return spec.lot_minimum - spec.lot_increment;  // below the minimum (may be 0)
    case 3: return spec.lot_minimum + spec.lot_increment / 2 + 1;  // off the increment
    case 4: return kReferenceMaxQuantity + spec.lot_increment;  // too large
    default: return kReferenceMaxQuantity;  // the largest allowed (when it is on the increment)
  }
}

Price CommandGenerator::bad_price(const InstrumentSpec& spec) {
  switch (random_.between(0, 5)) {
    case 0: return band_price(spec) + (spec.tick_size > 1 ? 1 : 0);  // off tick (when tick > 1)
    case 1: return spec.price_floor - spec.tick_size;
    case 2: return spec.price_ceiling + spec.tick_size;
    case 3: return 0;
    case 4: return -spec.tick_size * random_.between(1, 3);
    default: return -1;
  }
}

// Stamps: mostly the next sequence number and a small step in time; now and then a stamp the
// engine must refuse (which changes nothing, so the generator's idea of "last" stays put).
void CommandGenerator::stamp(Command& c, std::optional<refdata::Timestamp> at) {
  if (commands_ == 1 && random_.percent(50)) {
    c.seq = 0;  // sequence numbers start above 0
    c.timestamp = 1'000'000;
    return;
  }
  if (last_seq_ > 0 && random_.permille(3)) {
    c.seq = last_seq_ - static_cast<std::uint64_t>(random_.between(0, std::min<std::int64_t>(2, static_cast<std::int64_t>(last_seq_))));
    c.timestamp = last_timestamp_ + static_cast<refdata::Timestamp>(random_.between(0, 100));
    return;
  }
  c.seq = last_seq_ + (random_.percent(2) ? static_cast<std::uint64_t>(random_.between(2, 5)) : 1);
  if (last_timestamp_ > 0 && random_.permille(3)) {
    c.timestamp = last_timestamp_ - static_cast<refdata::Timestamp>(random_.between(1, 1000));
    return;
  }
  std::int64_t step = 0;
  const std::int64_t roll = random_.between(0, 99);
  if (roll < 25) {
    step = 0;
  } else if (roll < 90) {
    step = random_.between(1, 2000);
  } else {
    step = random_.between(2000, 50'000);
  }
  c.timestamp = last_timestamp_ + static_cast<refdata::Timestamp>(step);
  if (last_seq_ == 0) c.timestamp += 1'000'000;  // start away from 0 so expiries in the past exist
  if (at && *at >= last_timestamp_) c.timestamp = *at;
  last_seq_ = c.seq;
  last_timestamp_ = c.timestamp;
}

std::vector<CommandGenerator::Target> CommandGenerator::live_orders(const ReferenceBook& book) const {
  std::vector<Target> live;
  std::set<std::uint32_t> commodities;
  for (const InstrumentSpec& spec : instruments_) {
    commodities.insert(spec.commodity);
    for (Side side : {Side::kBuy, Side::kSell}) {
      for (const matcher::OrderView& v : book.orders(spec.id, side)) live.push_back(Target{v, spec.id, false});
    }
  }
  for (std::uint32_t commodity : commodities) {
    for (const matcher::OrderView& v : book.quality_bids(commodity)) {
      auto named = created_.find(v.id);  // a view does not name its instrument: the stream did
      if (named != created_.end()) live.push_back(Target{v, named->second.instrument, true});
    }
  }
  return live;
}

// The band of `instrument` narrowed so that a quality bid's price stays inside the band of every
// instrument of its commodity once converted (see Narrowing::no_quality_bid_outside_band).
std::pair<Price, Price> CommandGenerator::common_band(refdata::InstrumentId instrument) const {
  const InstrumentSpec& named = instruments_[instrument];
  Price low = named.price_floor;
  Price high = named.price_ceiling;
  for (const InstrumentSpec& j : instruments_) {
    if (j.commodity != named.commodity) continue;
    low = std::max(low, j.price_floor - j.differential + named.differential);
    high = std::min(high, j.price_ceiling - j.differential + named.differential);
  }
  return {low, high};
}

Command CommandGenerator::next(const ReferenceBook& book) {
  if (commands_ % kRegimeLength == 0) {
    regime_.reach = static_cast<int>(random_.between(0, 3));
    regime_.target_book = static_cast<std::size_t>(random_.between(10, 400));
    regime_.gtc_percent = static_cast<int>(random_.between(0, 3) * 20);
  }
  ++commands_;
  const std::size_t resting = book.open_orders();
  int cancel_weight = 60;
  int mass_weight = 4;
  if (resting > regime_.target_book) cancel_weight = 250;
  if (resting > 2 * regime_.target_book) mass_weight = 40;

  Command c;
  std::optional<refdata::Timestamp> at;  // a timestamp the command should carry, if any
  const std::int64_t total = 560 + cancel_weight + 170 + mass_weight + 3 + 30 + 2 + 10 + 3;
  std::int64_t roll = random_.between(0, total - 1);
  auto take = [&roll](std::int64_t weight) {
    const bool hit = roll < weight;
    roll -= weight;
    return hit;
  };
  if (take(560)) {
    c = new_order();
  } else if (take(cancel_weight)) {
    c = cancel(live_orders(book));
  } else if (take(170)) {
    c = amend(live_orders(book), book);
  } else if (take(mass_weight)) {
    c = mass_cancel();
  } else if (take(3)) {
    c.type = CommandType::kEndOfDay;
    c.participant = 0;
  } else if (take(30)) {
    c.type = CommandType::kClock;
    // Often exactly at (or just before) the next GTD expiry: "expiry <= timestamp" is the rule.
    if (random_.percent(50)) {
      std::optional<refdata::Timestamp> next_expiry;
      for (const Target& t : live_orders(book)) {
        if (t.order.expiry != 0 && (!next_expiry || t.order.expiry < *next_expiry)) next_expiry = t.order.expiry;
      }
      if (next_expiry) at = *next_expiry - (random_.percent(30) ? 1 : 0);
    }
  } else if (take(2)) {
    c = halt_or_resume(narrowing_.no_halts ? CommandType::kResume : CommandType::kHalt);
  } else if (take(10)) {
    c = halt_or_resume(CommandType::kResume);
  } else {
    // Unknown types, and kReferenceData without its instruments (both refused); one draw either way.
    const std::int64_t type = random_.between(8, 255);
    c.type = static_cast<CommandType>(type >= 200 ? static_cast<std::int64_t>(CommandType::kReferenceData) : type);
    c.participant = any_participant();
  }
  // Stamps come last so that the body's random draws do not depend on them, except GTD expiry,
  // which is relative to the timestamp and fixed up here.
  const refdata::Timestamp relative_expiry = c.expiry;
  stamp(c, at);
  if (c.type == CommandType::kNewOrder && c.instrument < instruments_.size()) {
    created_[c.seq] = Created{c.instrument, c.post_only};
  }
  if (c.type == CommandType::kNewOrder && relative_expiry != 0) {
    // Encoded by new_order(): 1..kMaxGtdLifetime is "that long from now"; the marker values below
    // mean "now" and "in the past".
    if (relative_expiry == kExpiryNowMarker) {
      c.expiry = c.timestamp;
    } else if (relative_expiry == kExpiryPastMarker) {
      c.expiry = c.timestamp > 1000 ? c.timestamp - 1000 : 1;
    } else {
      c.expiry = c.timestamp + relative_expiry;
      // Round expiries often share a time, so ties expire in order id order.
      if (random_.percent(30)) c.expiry += kRoundExpiry - c.expiry % kRoundExpiry;
    }
  }
  return c;
}

Command CommandGenerator::new_order() {
  Command c;
  c.type = CommandType::kNewOrder;
  c.participant = any_participant();
  const refdata::InstrumentId instrument = any_instrument();
  const InstrumentSpec& spec = instruments_[instrument];
  c.instrument = instrument;
  if (random_.percent(2)) {
    const refdata::InstrumentId unknown[] = {static_cast<refdata::InstrumentId>(instruments_.size()), 77,
                                             refdata::kAnyInstrument};
    c.instrument = unknown[random_.between(0, 2)];
  }

  c.side = random_.percent(50) ? Side::kBuy : Side::kSell;
  c.order_type = random_.percent(12) ? OrderType::kMarket : OrderType::kLimit;
  const std::int64_t tif_roll = random_.between(0, 99);
  c.time_in_force = tif_roll < 20   ? TimeInForce::kDay
                    : tif_roll < 48 ? TimeInForce::kGoodTillCancel
                    : tif_roll < 70 ? TimeInForce::kGoodTillDate
                    : tif_roll < 88 ? TimeInForce::kImmediateOrCancel
                                    : TimeInForce::kFillOrKill;
  if (c.order_type == OrderType::kLimit && random_.percent(regime_.gtc_percent)) {
    c.time_in_force = TimeInForce::kGoodTillCancel;
  }
  c.self_trade = random_.percent(45) ? SelfTradePrevention::kNone
                                     : static_cast<SelfTradePrevention>(random_.between(1, 4));
  c.post_only = random_.percent(10);
  c.all_or_none = random_.percent(12);

  // AON lots are often big so that smaller orders pass them by.
  c.quantity = lot_quantity(spec, c.all_or_none ? 8 : 5);
  c.price = c.order_type == OrderType::kMarket ? 0 : order_price(spec, c.side);
  if (random_.percent(12)) {
    const Quantity max_display = c.quantity - spec.lot_increment;
    c.display_quantity = max_display >= spec.lot_minimum
                             ? spec.lot_increment * random_.between(spec.lot_minimum / spec.lot_increment,
                                                                    max_display / spec.lot_increment)
                             : spec.lot_minimum;  // not below the quantity: invalid
  }
  if (random_.percent(8)) {
    c.min_quantity = spec.lot_increment * random_.between(1, c.quantity / spec.lot_increment);
  }
  if (c.time_in_force == TimeInForce::kGoodTillDate) c.expiry = static_cast<refdata::Timestamp>(random_.between(1, kMaxGtdLifetime));
  if (c.side == Side::kSell && random_.percent(65)) c.quality = assay(spec);
  if (c.side == Side::kBuy && random_.percent(35)) {
    if (random_.percent(60)) c.quality = bounds(spec);
    if (random_.percent(60)) accepted_sets(c);
  }
  // Most orders are made consistent; the rest keep whatever combination the dice gave.
  if (random_.percent(85)) {
    if (c.order_type == OrderType::kMarket) {
      c.price = 0;
      if (c.time_in_force != TimeInForce::kFillOrKill) c.time_in_force = TimeInForce::kImmediateOrCancel;
      c.expiry = 0;
    }
    const bool immediate = c.time_in_force == TimeInForce::kImmediateOrCancel ||
                           c.time_in_force == TimeInForce::kFillOrKill;
    if (immediate || c.order_type == OrderType::kMarket) c.post_only = false;
    if (c.display_quantity != 0 && c.all_or_none) c.display_quantity = 0;
    if (c.display_quantity >= c.quantity) c.display_quantity = 0;
    if (c.min_quantity != 0 && (c.all_or_none || c.post_only || c.time_in_force == TimeInForce::kFillOrKill)) {
      c.min_quantity = 0;
    }
    if (c.self_trade == SelfTradePrevention::kDecrement &&
        (c.time_in_force == TimeInForce::kFillOrKill || c.min_quantity != 0)) {
      c.self_trade = SelfTradePrevention::kCancelResting;
    }
  } else {
    // Unsanitised: also sprinkle the invalid values each check exists for.
    if (random_.percent(25)) {
      c.quantity = bad_quantity(spec);
      // A valid 10^12 kg iceberg would refill a billion times against one big order.
      if (c.quantity > spec.lot_minimum * 1000) c.display_quantity = 0;
    }
    if (random_.percent(20)) c.price = c.order_type == OrderType::kMarket ? band_price(spec) : bad_price(spec);
    if (random_.percent(8)) c.display_quantity = random_.percent(50) ? -spec.lot_minimum : spec.lot_minimum + 1;
    if (random_.percent(8)) c.min_quantity = random_.percent(50) ? -spec.lot_increment : c.quantity + spec.lot_increment;
    if (random_.percent(10)) {
      if (c.time_in_force == TimeInForce::kGoodTillDate) {
        const std::int64_t which = random_.between(0, 2);
        c.expiry = which == 0 ? 0 : which == 1 ? kExpiryNowMarker : kExpiryPastMarker;
      } else {
        c.expiry = static_cast<refdata::Timestamp>(random_.between(1, kMaxGtdLifetime));
      }
    }
    if (random_.percent(10)) spoil_quality(c);
    if (random_.percent(4)) c.side = static_cast<Side>(random_.between(2, 255));
    if (random_.percent(4)) c.order_type = static_cast<OrderType>(random_.between(2, 255));
    if (random_.percent(4)) c.time_in_force = static_cast<TimeInForce>(random_.between(5, 255));
    if (random_.percent(4)) c.self_trade = static_cast<SelfTradePrevention>(random_.between(5, 255));
  }
  // Steering around known engine defects (Narrowing), last so nothing above undoes it.
  if (narrowing_.no_quality_bid_outside_band && c.side == Side::kBuy && c.order_type == OrderType::kLimit &&
      (c.quality->count != 0 || c.accepted_grades != 0 || c.accepted_hubs != 0) && c.price > 0 &&
      c.price % spec.tick_size == 0 && c.price >= spec.price_floor && c.price <= spec.price_ceiling) {
    const auto [low, high] = common_band(instrument);
    c.price = std::clamp(c.price, low, high);
  }
  if (narrowing_.no_post_only_decrement && c.post_only && c.self_trade == SelfTradePrevention::kDecrement) {
    c.self_trade = SelfTradePrevention::kCancelResting;
  }

  return c;
}

// A lot's assay: some of its commodity's attributes, mostly inside the grade's limits.
matcher::QualityTerms CommandGenerator::assay(const InstrumentSpec& spec) {
  matcher::QualityTerms q;
  auto measure = [&](refdata::AttributeId attribute, std::int64_t lo, std::int64_t hi, std::int64_t off_lo,
                     std::int64_t off_hi) {
    const std::int64_t v = random_.percent(90) ? random_.between(lo, hi) : random_.between(off_lo, off_hi);
    q.terms[q.count++] = range(attribute, v, v);
  };
  if (spec.commodity == 0) {
    if (random_.percent(80)) measure(kImpurity, 0, 300, 301, 550);
    if (random_.percent(80)) measure(kThickness, 60, 1000, 20, 59);
  } else {
    if (random_.percent(85)) measure(kCopper, 9990, 10000, 9980, 9989);
  }
  if (random_.percent(50)) measure(kMoisture, 0, 80, 0, 80);
  return q;
}

// A buyer's own bounds on one or two attributes of its commodity.
matcher::QualityTerms CommandGenerator::bounds(const InstrumentSpec& spec) {
  matcher::QualityTerms q;
  if (spec.commodity == 0) {
    if (random_.percent(60)) q.terms[q.count++] = range(kImpurity, refdata::kNoLowerLimit, 100 * random_.between(1, 4));
    if (random_.percent(50)) q.terms[q.count++] = range(kThickness, 100 * random_.between(0, 3), refdata::kNoUpperLimit);
  } else if (random_.percent(70)) {
    q.terms[q.count++] = range(kCopper, 9990 + random_.between(0, 8), 10000);
  }
  if (random_.percent(30)) q.terms[q.count++] = range(kMoisture, 0, 20 * random_.between(1, 4));
  return q;
}

void CommandGenerator::accepted_sets(Command& c) {
  constexpr std::uint64_t kGrades[] = {0, 0b011, 0b010, 0b001, 0b100, 0b111};
  constexpr std::uint64_t kHubs[] = {0, 0b11, 0b10, 0b01};
  c.accepted_grades = kGrades[random_.between(0, 5)];
  c.accepted_hubs = kHubs[random_.between(0, 3)];
}

// Terms the engine must refuse: unordered, repeated, inverted, too many, a sell range, sets on a sell.
void CommandGenerator::spoil_quality(Command& c) {
  matcher::QualityTerms& q = c.quality.edit();
  switch (random_.between(0, 5)) {
    case 0:
      q.count = 2;
      q.terms[0] = range(kThickness, 100, 100);
      q.terms[1] = range(kImpurity, 100, 100);
      break;
    case 1:
      q.count = 2;
      q.terms[0] = range(kImpurity, 100, 100);
      q.terms[1] = range(kImpurity, 100, 100);
      break;
    case 2:
      q.count = 1;
      q.terms[0] = range(kMoisture, 50, 10);
      break;
    case 3:
      q.count = static_cast<std::uint8_t>(matcher::kMaxQualityTerms + 1);
      break;
    case 4:
      q.count = 1;
      q.terms[0] = range(kMoisture, 10, 50);  // a range: fine on a buy, not an assay
      break;
    default:
      c.accepted_grades = 0b11;
      break;
  }
}

Command CommandGenerator::cancel(const std::vector<Target>& live) {
  Command c;
  c.type = CommandType::kCancel;
  if (!live.empty() && random_.percent(85)) {
    const Target& t = live[static_cast<std::size_t>(random_.between(0, static_cast<std::int64_t>(live.size()) - 1))];
    c.order_id = t.order.id;
    c.instrument = t.instrument;
    c.participant = random_.percent(90) ? t.order.participant : any_participant();
  } else {
    c.order_id = random_.percent(10) ? 0 : static_cast<matcher::OrderId>(random_.between(1, static_cast<std::int64_t>(last_seq_) + 5));
    c.instrument = any_instrument();
    c.participant = any_participant();
  }
  return c;
}

Command CommandGenerator::amend(const std::vector<Target>& live, const ReferenceBook& book) {
  Command c;
  c.type = CommandType::kAmend;
  if (live.empty() || random_.percent(8)) {
    c.order_id = static_cast<matcher::OrderId>(random_.between(0, static_cast<std::int64_t>(last_seq_) + 5));
    c.instrument = any_instrument();
    c.participant = any_participant();
    c.quantity = lot_quantity(instruments_[c.instrument], 4);
    if (narrowing_.no_marketable_size_cut || narrowing_.no_foreign_amend_when_halted) {
      for (const Target& t : live) {
        if (t.order.id == c.order_id) c.type = CommandType::kCancel;
      }
    }
    return c;
  }
  const Target& t = live[static_cast<std::size_t>(random_.between(0, static_cast<std::int64_t>(live.size()) - 1))];
  const InstrumentSpec& spec = instruments_[t.instrument];
  c.order_id = t.order.id;
  c.instrument = t.instrument;
  c.participant = random_.percent(92) ? t.order.participant : any_participant();

  if (narrowing_.no_foreign_amend_when_halted && c.participant != t.order.participant) {
    c.participant = t.order.participant;  // whether halted or not: the generator cannot see halts
  }
  const Quantity open = t.order.open;
  const std::int64_t q = random_.between(0, 99);
  if (q < 35) {
    c.quantity = 0;  // keep
  } else if (q < 60) {
    const Quantity steps = open / spec.lot_increment;
    c.quantity = steps > 1 ? spec.lot_increment * random_.between(1, steps - 1) : open;  // smaller
  } else if (q < 85) {
    c.quantity = open + spec.lot_increment * random_.between(1, 6);  // larger
  } else if (q < 90) {
    c.quantity = open;  // the same, spelled out
  } else {
    c.quantity = random_.percent(30) ? -spec.lot_increment
                 : random_.percent(50) ? open + spec.lot_increment / 2 + 1
                                       : kReferenceMaxQuantity + spec.lot_increment;
  }
  const std::int64_t p = random_.between(0, 99);
  if (p < 45) {
    c.price = 0;  // keep
  } else if (p < 85) {
    const Price moved = t.order.price + spec.tick_size * random_.between(-4, 4);
    c.price = std::clamp(moved, spec.price_floor, spec.price_ceiling);
  } else if (p < 90) {
    c.price = t.order.price;  // the same, spelled out
  } else {
    c.price = bad_price(spec);
  }
  if (narrowing_.no_quality_bid_outside_band && t.quality_bid && c.price > 0) {
    const auto [low, high] = common_band(t.instrument);
    c.price = std::clamp(c.price, low, high);
  }
  if (narrowing_.no_post_only_reprice_resize && c.price != 0 && c.price != t.order.price) {
    auto known = created_.find(t.order.id);
    if (known != created_.end() && known->second.post_only) c.quantity = 0;
  }
  if (random_.percent(12)) {
    c.replace_quality = true;
    c.quality = bounds(spec);
    if (random_.percent(70)) accepted_sets(c);
    if (random_.percent(5)) spoil_quality(c);
  }
  if (narrowing_.no_marketable_size_cut && (c.price == 0 || c.price == t.order.price) && c.quantity > 0 &&
      c.quantity < t.order.open &&
      (t.quality_bid || (t.order.side == Side::kSell && !book.quality_bids(spec.commodity).empty()))) {
    c.type = CommandType::kCancel;  // quality bids reach across books: just avoid it
  }
  if (narrowing_.no_marketable_size_cut && (c.price == 0 || c.price == t.order.price) && c.quantity > 0 &&
      c.quantity < t.order.open) {
    const auto opposite = book.orders(t.instrument, matcher::opposite(t.order.side));
    const bool crossed = !opposite.empty() && (t.order.side == Side::kBuy ? opposite.front().price <= t.order.price
                                                                          : opposite.front().price >= t.order.price);
    if (crossed) c.type = CommandType::kCancel;
  }
  return c;
}

// Mostly one instrument or one commodity; sometimes the whole market, or a scope the engine must
// refuse (both named, an unknown instrument or commodity).
Command CommandGenerator::halt_or_resume(CommandType type) {
  Command c;
  c.type = type;
  c.participant = 0;
  c.instrument = refdata::kAnyInstrument;
  c.commodity = refdata::kAnyCommodity;
  // Resumes mostly reopen everything, so halts stay short and the books keep trading.
  const std::int64_t roll = type == CommandType::kResume && random_.percent(50) ? 85 : random_.between(0, 99);
  if (roll < 55) {
    c.instrument = any_instrument();
  } else if (roll < 80) {
    c.commodity = instruments_[any_instrument()].commodity;
  } else if (roll < 88) {
    // the whole market
  } else if (roll < 93) {
    c.instrument = any_instrument();
    c.commodity = instruments_[c.instrument].commodity;
  } else if (roll < 97) {
    c.instrument = static_cast<refdata::InstrumentId>(instruments_.size() + 1);
  } else {
    c.commodity = 17;
  }
  return c;
}

Command CommandGenerator::mass_cancel() {
  Command c;
  c.type = CommandType::kMassCancel;
  c.participant = random_.percent(60) ? any_participant() : refdata::kAnyParticipant;
  c.instrument = random_.percent(50) ? any_instrument() : refdata::kAnyInstrument;
  if (random_.percent(5)) c.instrument = static_cast<refdata::InstrumentId>(instruments_.size() + 3);
  return c;
}

}  // namespace rex::testing
