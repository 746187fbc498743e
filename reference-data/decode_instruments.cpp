// Instruments: commodity x grade x hub with tick, lot and price band, checked for consistency.
#include <algorithm>
#include <string>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decode.hpp"

namespace rex::refdata::detail {

namespace {

void check_on_tick(const ObjectReader& reader, std::string_view key, Price price, Price tick) {
  if (price % tick != 0) {
    fail(Rule::kOffTick, reader.path_of(key),
         yuan(price) + " is not a multiple of the tick " + yuan(tick));
  }
}

}  // namespace

void decode_instruments(const ObjectReader& root, DecodeState& state) {
  CatalogueData& data = state.data;
  for (const Node& node : root.non_empty_array("instruments")) {
    const ObjectReader reader(node, {"code", "commodity", "grade", "hub", "currency",
                                     "tick_size_fen", "lot_minimum_kg", "lot_increment_kg",
                                     "price_floor_fen", "price_ceiling_fen"});
    InstrumentSpec spec;
    spec.id = static_cast<InstrumentId>(data.instruments.size());
    const Node code = reader.required("code");
    spec.code = read_text(code);
    spec.commodity = resolve(state.commodities, reader.required("commodity"), "commodity");
    spec.grade = resolve(state.grades, reader.required("grade"), "grade");
    spec.hub = resolve(state.hubs, reader.required("hub"), "hub");
    const Commodity& commodity = data.commodities[spec.commodity];
    const Grade& grade = data.grades[spec.grade];
    const Hub& hub = data.hubs[spec.hub];
    if (grade.commodity != spec.commodity) {
      fail(Rule::kWrongCommodity, reader.path_of("grade"),
           "grade " + grade.code + " belongs to " + data.commodities[grade.commodity].code +
               ", not " + commodity.code);
    }
    const std::string expected = commodity.code + "-" + grade.code + "-" + hub.code;
    if (spec.code != expected) {
      fail(Rule::kCodeMismatch, code.path,
           quote_text(spec.code) + " must be COMMODITY-GRADE-HUB, here " + quote_text(expected));
    }
    if (!state.instruments.emplace(spec.code, spec.id).second) {
      fail(Rule::kDuplicateCode, code.path, "instrument " + quote_text(spec.code) + " is already defined");
    }
    const Node currency = reader.required("currency");
    if (read_text(currency) != kCurrency) {
      fail(Rule::kBadCurrency, currency.path,
           "rex trades only in " + quote_text(kCurrency) + ", got " + quote_text(read_text(currency)));
    }

    spec.tick_size = reader.positive("tick_size_fen", kMaxPriceFen);
    spec.lot_minimum = reader.positive("lot_minimum_kg", kMaxQuantityKg);
    spec.lot_increment = reader.positive("lot_increment_kg", kMaxQuantityKg);
    if (spec.lot_minimum % spec.lot_increment != 0) {
      fail(Rule::kLotInconsistent, reader.path_of("lot_minimum_kg"),
           "lot minimum " + std::to_string(spec.lot_minimum) +
               " kg is not a multiple of the lot increment " + std::to_string(spec.lot_increment) +
               " kg, so no order of exactly the minimum would be valid");
    }

    spec.price_floor = reader.positive("price_floor_fen", kMaxPriceFen);
    spec.price_ceiling = reader.positive("price_ceiling_fen", kMaxPriceFen);
    check_on_tick(reader, "price_floor_fen", spec.price_floor, spec.tick_size);
    check_on_tick(reader, "price_ceiling_fen", spec.price_ceiling, spec.tick_size);
    if (spec.price_floor >= spec.price_ceiling) {
      fail(Rule::kBandInverted, reader.path_of("price_floor_fen"),
           "floor " + yuan(spec.price_floor) + " must be below ceiling " + yuan(spec.price_ceiling));
    }
    const std::int64_t band_ticks = (spec.price_ceiling - spec.price_floor) / spec.tick_size + 1;
    if (band_ticks > kMaxBandTicks) {
      fail(Rule::kBandTooWide, reader.path_of("price_ceiling_fen"),
           "the band holds " + std::to_string(band_ticks) + " prices, more than " +
               std::to_string(kMaxBandTicks) + " (the book allocates one slot per tick)");
    }

    bool has_hub_differential = false;
    for (const HubDifferential& entry : data.hub_differentials) {
      if (entry.commodity == spec.commodity && entry.hub == spec.hub) {
        has_hub_differential = true;
        spec.differential = grade.differential + entry.differential;
      }
    }
    if (!has_hub_differential) {
      fail(Rule::kMissingDifferential, reader.path_of("hub"),
           "no hub differential for " + commodity.code + " at " + hub.code);
    }
    // What the matcher checks an assay against: the grade's limits by attribute.
    for (const QualityLimit& limit : grade.limits) {
      spec.quality.push_back(AttributeRange{static_cast<AttributeId>(limit.attribute), limit.min.value_or(kNoLowerLimit),
                                            limit.max.value_or(kNoUpperLimit)});
    }
    std::sort(spec.quality.begin(), spec.quality.end(),
              [](const AttributeRange& a, const AttributeRange& b) { return a.attribute < b.attribute; });

    data.instruments.push_back(std::move(spec));
    state.instrument_paths.push_back(node.path);
  }
}

}  // namespace rex::refdata::detail
