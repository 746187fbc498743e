#include "bench/flow_generator.hpp"

#include <algorithm>

namespace rex::bench {

using matcher::Command;
using matcher::CommandType;
using matcher::Event;
using matcher::EventType;
using matcher::Price;
using matcher::Quantity;
using matcher::Side;

refdata::InstrumentSpec benchmark_instrument() {
  refdata::InstrumentSpec s;
  s.code = "ST-HMS8020-ZHENGZHOU";
  s.tick_size = 100;
  s.lot_minimum = 1000;
  s.lot_increment = 1000;
  s.price_floor = 250'000;
  s.price_ceiling = 310'000;
  return s;
}

FlowGenerator::FlowGenerator(const refdata::InstrumentSpec& instrument, std::uint64_t seed, FlowMix mix)
    : instrument_(instrument), mix_(mix), rng_(seed), shadow_({instrument}, matcher::EngineCapacity{1u << 20}) {}

Command FlowGenerator::stamped(CommandType type) {
  Command c;
  c.type = type;
  c.seq = ++seq_;
  now_ += 1000 + rng_() % 9000;  // 1 to 10 us apart
  c.timestamp = now_;
  c.instrument = instrument_.id;
  return c;
}

void FlowGenerator::submit(Command c) {
  events_.clear();
  shadow_.process(c, events_);
  for (const Event& e : events_) track(e);
  commands_.push_back(c);
}

void FlowGenerator::forget(matcher::OrderId id) {
  auto it = live_slot_.find(id);
  if (it == live_slot_.end()) return;
  const std::size_t slot = it->second;
  live_slot_.erase(it);
  if (slot + 1 != live_.size()) {
    live_[slot] = live_.back();
    live_slot_[live_[slot].id] = slot;
  }
  live_.pop_back();
}

void FlowGenerator::track(const Event& e) {
  switch (e.type) {
    case EventType::kAccepted:
      live_slot_[e.order_id] = live_.size();
      live_.push_back(LiveOrder{e.order_id, e.participant});
      break;
    case EventType::kTrade:
      ++trades_;
      if (e.leaves == 0) forget(e.order_id);
      if (e.taker_leaves == 0) forget(e.taker_order_id);
      break;
    case EventType::kCancelled:
      if (e.leaves == 0) forget(e.order_id);
      break;
    case EventType::kExpired:
      forget(e.order_id);
      break;
    case EventType::kBookLevel:
      if (e.side == Side::kBuy) {
        if (e.quantity == 0) bids_.erase(e.price); else bids_[e.price] = e.quantity;
      } else {
        if (e.quantity == 0) asks_.erase(e.price); else asks_[e.price] = e.quantity;
      }
      break;
    default:
      break;
  }
}

Quantity FlowGenerator::random_quantity() {
  // 1 to 10 lots: trucks of 1 to 10 t in the benchmark instrument.
  return instrument_.lot_minimum + instrument_.lot_increment * static_cast<Quantity>(rng_() % 10);
}

Price FlowGenerator::passive_price(Side side) {
  const Price tick = instrument_.tick_size;
  const Price middle = (instrument_.price_floor + instrument_.price_ceiling) / 2 / tick * tick;
  Price touch;
  if (side == Side::kBuy) {
    touch = !bids_.empty() ? bids_.begin()->first : (!asks_.empty() ? asks_.begin()->first - tick : middle);
  } else {
    touch = !asks_.empty() ? asks_.begin()->first : (!bids_.empty() ? bids_.begin()->first + tick : middle);
  }
  Price distance = 0;
  while (distance < 50 && static_cast<int>(rng_() % 100) >= mix_.touch_stay_percent) ++distance;
  Price price = side == Side::kBuy ? touch - distance * tick : touch + distance * tick;
  // Never cross: a passive order must rest.
  if (side == Side::kBuy && !asks_.empty()) price = std::min(price, asks_.begin()->first - tick);
  if (side == Side::kSell && !bids_.empty()) price = std::max(price, bids_.begin()->first + tick);
  return std::clamp(price, instrument_.price_floor, instrument_.price_ceiling);
}

void FlowGenerator::add_passive() {
  Command c = stamped(CommandType::kNewOrder);
  c.side = rng_() % 2 == 0 ? Side::kBuy : Side::kSell;
  c.participant = 1 + static_cast<matcher::ParticipantId>(rng_() % mix_.participants);
  c.price = passive_price(c.side);
  c.quantity = random_quantity();
  submit(c);
}

void FlowGenerator::add_cancel() {
  if (live_.empty()) return add_passive();
  const LiveOrder& target = live_[rng_() % live_.size()];
  Command c = stamped(CommandType::kCancel);
  c.participant = target.participant;
  c.order_id = target.id;
  submit(c);
}

void FlowGenerator::add_aggressive() {
  Command c = stamped(CommandType::kNewOrder);
  c.side = rng_() % 2 == 0 ? Side::kBuy : Side::kSell;
  c.participant = 1 + static_cast<matcher::ParticipantId>(rng_() % mix_.participants);
  c.time_in_force = matcher::TimeInForce::kImmediateOrCancel;
  const int levels = 1 + static_cast<int>(rng_() % 3);
  Quantity quantity = 0;
  Price price = 0;
  auto sweep = [&](const auto& book) {
    int n = 0;
    for (const auto& [level_price, level_quantity] : book) {
      quantity += level_quantity;
      price = level_price;
      if (++n == levels) break;
    }
  };
  if (c.side == Side::kBuy) sweep(asks_); else sweep(bids_);
  if (quantity == 0) return add_passive();
  const Quantity cap = mix_.max_aggressive_lots * instrument_.lot_minimum;
  c.quantity = std::min(quantity, cap);
  c.price = price;
  submit(c);
}

void FlowGenerator::generate_mixed(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const int r = static_cast<int>(rng_() % 100);
    if (r < mix_.passive_percent) add_passive();
    else if (r < mix_.passive_percent + mix_.cancel_percent) add_cancel();
    else add_aggressive();
  }
}

void FlowGenerator::generate_passive(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) add_passive();
}

void FlowGenerator::generate_cancel_all() {
  std::vector<LiveOrder> targets = live_;
  std::shuffle(targets.begin(), targets.end(), rng_);
  for (const LiveOrder& target : targets) {
    Command c = stamped(CommandType::kCancel);
    c.participant = target.participant;
    c.order_id = target.id;
    submit(c);
  }
}

void FlowGenerator::build_deep_book(int levels, int orders_per_level) {
  const Price tick = instrument_.tick_size;
  const Price middle = (instrument_.price_floor + instrument_.price_ceiling) / 2 / tick * tick;
  for (int n = 0; n < orders_per_level; ++n) {
    for (int l = 0; l < levels; ++l) {
      for (Side side : {Side::kBuy, Side::kSell}) {
        Command c = stamped(CommandType::kNewOrder);
        c.side = side;
        c.participant = 1 + static_cast<matcher::ParticipantId>(rng_() % mix_.participants);
        c.price = side == Side::kBuy ? middle - (l + 1) * tick : middle + (l + 1) * tick;
        c.quantity = random_quantity();
        submit(c);
      }
    }
  }
}

}  // namespace rex::bench
