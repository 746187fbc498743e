// Hubs, commodities with their base grade and hub, and the grade and hub differentials.
#include <set>
#include <string>
#include <utility>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decode.hpp"

namespace rex::refdata::detail {

void decode_hubs(const ObjectReader& root, DecodeState& state) {
  for (const Node& node : root.non_empty_array("hubs")) {
    const ObjectReader reader(node, {"code", "name", "name_zh"});
    Hub hub;
    add_code(state.hubs, reader.required("code"), "hub");
    hub.code = reader.code("code");
    hub.name = reader.text("name");
    hub.name_zh = reader.optional_text("name_zh");
    state.data.hubs.push_back(std::move(hub));
  }
}

void decode_commodities(const ObjectReader& root, DecodeState& state) {
  for (const Node& node : root.non_empty_array("commodities")) {
    const ObjectReader reader(node, {"code", "name", "name_zh", "base_grade", "base_hub"});
    Commodity commodity;
    add_code(state.commodities, reader.required("code"), "commodity");
    commodity.code = reader.code("code");
    commodity.name = reader.text("name");
    commodity.name_zh = reader.optional_text("name_zh");
    // Grades come later in dependency order; the base grade is resolved once they are read.
    state.base_grade_nodes.push_back(reader.required("base_grade"));
    read_code(state.base_grade_nodes.back());
    const Node hub = reader.required("base_hub");
    commodity.base_hub = resolve(state.hubs, hub, "hub");
    state.base_hub_nodes.push_back(hub);
    state.data.commodities.push_back(std::move(commodity));
  }
}

void resolve_base_grades_and_hubs(DecodeState& state) {
  for (std::size_t c = 0; c < state.data.commodities.size(); ++c) {
    Commodity& commodity = state.data.commodities[c];
    const Node& node = state.base_grade_nodes[c];
    commodity.base_grade = resolve(state.grades, node, "grade");
    const Grade& grade = state.data.grades[commodity.base_grade];
    if (grade.commodity != c) {
      fail(Rule::kWrongCommodity, node.path,
           "base grade " + grade.code + " belongs to " +
               state.data.commodities[grade.commodity].code + ", not " + commodity.code);
    }
  }
}

void decode_differentials(const ObjectReader& root, DecodeState& state) {
  const ObjectReader differentials(root.required("differentials"), {"version", "grades", "hubs"});
  CatalogueData& data = state.data;
  data.differentials_version = differentials.text("version");

  for (const Node& node : differentials.array("grades")) {
    const ObjectReader reader(node, {"grade", "differential_fen", "source"});
    const std::uint32_t g = resolve(state.grades, reader.required("grade"), "grade");
    Grade& grade = data.grades[g];
    if (!state.grade_differential_paths[g].empty()) {
      fail(Rule::kDuplicateEntry, reader.path_of("grade"),
           "grade " + grade.code + " already has a differential at " +
               state.grade_differential_paths[g]);
    }
    grade.differential = reader.integer("differential_fen", -kMaxPriceFen, kMaxPriceFen);
    grade.differential_source = reader.text("source");
    state.grade_differential_paths[g] = reader.path_of("differential_fen");
    if (data.commodities[grade.commodity].base_grade == g && grade.differential != 0) {
      fail(Rule::kBaseDifferentialNotZero, reader.path_of("differential_fen"),
           grade.code + " is the base grade of " + data.commodities[grade.commodity].code +
               "; its differential must be 0, got " + yuan(grade.differential));
    }
  }
  for (std::size_t g = 0; g < data.grades.size(); ++g) {
    if (state.grade_differential_paths[g].empty()) {
      fail(Rule::kMissingDifferential, differentials.path_of("grades"),
           "grade " + data.grades[g].code + " has no differential");
    }
  }

  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (const Node& node : differentials.array("hubs")) {
    const ObjectReader reader(node, {"commodity", "hub", "differential_fen", "source"});
    HubDifferential entry;
    entry.commodity = resolve(state.commodities, reader.required("commodity"), "commodity");
    entry.hub = resolve(state.hubs, reader.required("hub"), "hub");
    const Commodity& commodity = data.commodities[entry.commodity];
    if (!seen.emplace(entry.commodity, entry.hub).second) {
      fail(Rule::kDuplicateEntry, reader.path_of("hub"),
           commodity.code + " at " + data.hubs[entry.hub].code + " already has a differential");
    }
    entry.differential = reader.integer("differential_fen", -kMaxPriceFen, kMaxPriceFen);
    entry.source = reader.text("source");
    if (commodity.base_hub == entry.hub && entry.differential != 0) {
      fail(Rule::kBaseDifferentialNotZero, reader.path_of("differential_fen"),
           data.hubs[entry.hub].code + " is the base hub of " + commodity.code +
               "; its differential must be 0, got " + yuan(entry.differential));
    }
    data.hub_differentials.push_back(std::move(entry));
    state.hub_differential_paths.push_back(reader.path_of("differential_fen"));
  }
  for (std::size_t c = 0; c < data.commodities.size(); ++c) {
    const Commodity& commodity = data.commodities[c];
    if (!seen.count({static_cast<std::uint32_t>(c), commodity.base_hub})) {
      fail(Rule::kMissingDifferential, differentials.path_of("hubs"),
           commodity.code + " has no differential at its base hub " +
               data.hubs[commodity.base_hub].code + " (it must be listed, with 0)");
    }
  }
}

void check_differentials_on_tick(const DecodeState& state) {
  const CatalogueData& data = state.data;
  // A buyer's base-grade price converted by any differential of its commodity must land on the
  // tick of every instrument of that commodity, so each must be a multiple of every such tick.
  for (const InstrumentSpec& instrument : data.instruments) {
    for (std::size_t g = 0; g < data.grades.size(); ++g) {
      const Grade& other = data.grades[g];
      if (other.commodity == instrument.commodity && other.differential % instrument.tick_size != 0) {
        fail(Rule::kOffTick, state.grade_differential_paths[g],
             "grade differential " + yuan(other.differential) + " of " + other.code +
                 " is not a multiple of the " + yuan(instrument.tick_size) + " tick of " +
                 instrument.code);
      }
    }
    for (std::size_t h = 0; h < data.hub_differentials.size(); ++h) {
      const HubDifferential& entry = data.hub_differentials[h];
      if (entry.commodity == instrument.commodity &&
          entry.differential % instrument.tick_size != 0) {
        fail(Rule::kOffTick, state.hub_differential_paths[h],
             "hub differential " + yuan(entry.differential) + " of " + data.hubs[entry.hub].code +
                 " is not a multiple of the " + yuan(instrument.tick_size) + " tick of " +
                 instrument.code);
      }
    }
  }
}

void check_base_instruments(const DecodeState& state) {
  const CatalogueData& data = state.data;
  for (std::size_t c = 0; c < data.commodities.size(); ++c) {
    const Commodity& commodity = data.commodities[c];
    bool found = false;
    for (const InstrumentSpec& instrument : data.instruments) {
      found = found || (instrument.commodity == c && instrument.grade == commodity.base_grade &&
                        instrument.hub == commodity.base_hub);
    }
    if (!found) {
      fail(Rule::kBaseInstrumentMissing, element_path("$.commodities", c),
           "no instrument trades the base grade " + data.grades[commodity.base_grade].code +
               " at the base hub " + data.hubs[commodity.base_hub].code);
    }
  }
}

}  // namespace rex::refdata::detail
