// A kReferenceData command: new differentials and grade limits in force from a sequenced point of
// the command stream, with the instruments' trading rules unchanged (docs/reference-data.md
// "Reloading"). Quality bids rest at base-equivalent prices on their commodity's ladder, whose
// range depends on the differentials: it is rebuilt, and they keep their base price and priority.
#include <limits>
#include <utility>

#include "matcher/engine_state.hpp"

namespace rex::matcher {
namespace {

bool same_rules(const refdata::InstrumentSpec& a, const refdata::InstrumentSpec& b) {
  return a.id == b.id && a.code == b.code && a.commodity == b.commodity && a.grade == b.grade && a.hub == b.hub &&
         a.tick_size == b.tick_size && a.lot_minimum == b.lot_minimum && a.lot_increment == b.lot_increment &&
         a.price_floor == b.price_floor && a.price_ceiling == b.price_ceiling;
}

struct LadderRange {
  Price floor = 0;
  std::int32_t slots = 0;
};

}  // namespace

void Engine::State::apply_reference_data(const Command& c) {
  std::vector<refdata::InstrumentSpec>* next = std::exchange(staged, nullptr);
  if (next == nullptr || next->size() != instruments.size()) return reject(RejectCode::kReferenceDataIncompatible);
  for (std::size_t i = 0; i < next->size(); ++i) {
    const refdata::InstrumentSpec& spec = (*next)[i];
    if (!same_rules(spec, instruments[i]) || spec.differential % spec.tick_size != 0) {
      return reject(RejectCode::kReferenceDataIncompatible);
    }
  }
  // Every commodity's new base-equivalent range, and every resting quality bid inside its band.
  std::vector<LadderRange> ranges(markets.size());
  for (std::size_t k = 0; k < markets.size(); ++k) {
    const CommodityMarket& m = markets[k];
    Price floor = std::numeric_limits<Price>::max();
    Price ceiling = std::numeric_limits<Price>::min();
    for (InstrumentId id : m.instruments) {
      const auto& spec = (*next)[id];
      floor = std::min(floor, spec.price_floor - spec.differential);
      ceiling = std::max(ceiling, spec.price_ceiling - spec.differential);
    }
    const Price tick = (*next)[m.instruments.front()].tick_size;
    if ((ceiling - floor) / tick + 1 > kMaxSlots) return reject(RejectCode::kReferenceDataIncompatible);
    ranges[k] = LadderRange{floor, static_cast<std::int32_t>((ceiling - floor) / tick + 1)};
    bool fits = true;
    for_each_in(markets[k].quality_bids, [&](Order* o) {
      const auto& spec = (*next)[o->instrument];
      const Price own = m.quality_bids.price_of(o->level) + spec.differential;
      fits = fits && own >= spec.price_floor && own <= spec.price_ceiling;
    });
    if (!fits) return reject(RejectCode::kReferenceDataIncompatible);
  }

  // Applied from here on: nothing below can fail.
  std::vector<bool> changed(markets.size(), false);
  for (std::size_t i = 0; i < next->size(); ++i) {
    if ((*next)[i].differential != books[i].spec.differential) changed[market_of_book[i]] = true;
    books[i].spec = (*next)[i];
  }
  instruments = std::move(*next);
  for (std::size_t k = 0; k < markets.size(); ++k) {
    if (!changed[k]) continue;
    CommodityMarket& m = markets[k];
    const Price tick = instruments[m.instruments.front()].tick_size;
    PriceLadder ladder(Side::kBuy, ranges[k].floor, tick, ranges[k].slots);
    // Best level first, each level head to tail: the same order comes out with the same priorities.
    for_each_in(m.quality_bids, [&](Order* o) {
      const Price base = m.quality_bids.price_of(o->level);
      o->level = static_cast<std::int16_t>(ladder.slot_of(base));
      ladder.push_back(o);
    });
    m.quality_bids = std::move(ladder);
    for (InstrumentId id : m.instruments) {
      note_best(id, Side::kBuy);
      note_best(id, Side::kSell);
    }
    touch_market(m);  // flush_market_data publishes COMMODITY_TOP if the top moved
  }
  reference_data = c.reference_data;
  reference_data_seq = c.seq;
  emit(EventType::kReferenceData).reference_data = c.reference_data;
}

void Engine::process_reference_data(const Command& command, std::vector<refdata::InstrumentSpec> instruments,
                                    EventBuffer& out) {
  state_->staged = command.type == CommandType::kReferenceData ? &instruments : nullptr;
  state_->process(command, out);
  state_->staged = nullptr;
}

std::uint32_t Engine::reference_data() const { return state_->reference_data; }

}  // namespace rex::matcher
