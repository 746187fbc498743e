#include "reference-data/reload.hpp"

#include <cstdint>
#include <string_view>

namespace rex::refdata {
namespace {

std::string changed(std::string_view what, std::string_view field, std::int64_t from, std::int64_t to) {
  return std::string(what) + ": " + std::string(field) + " changes from " + std::to_string(from) + " to " +
         std::to_string(to) + " (resting orders depend on it)";
}

// The codes of a table, in order: its indices are what instruments and orders refer to.
template <class Table>
std::string same_codes(std::string_view table, const Table& current, const Table& next) {
  for (std::size_t i = 0; i < current.size() || i < next.size(); ++i) {
    if (i >= next.size()) return std::string(table) + " " + current[i].code + " removed";
    if (i >= current.size()) {
      return "new " + std::string(table) + " " + next[i].code + ": adding to the " + std::string(table) +
             " table needs a restart with a new journal, not a reload";
    }
    if (current[i].code != next[i].code) {
      return std::string(table) + " " + std::to_string(i) + " changes code from " + current[i].code + " to " +
             next[i].code;
    }
  }
  return {};
}

std::string check_instrument(const InstrumentSpec& a, const InstrumentSpec& b) {
  const std::string what = "instrument " + a.code;
  if (a.code != b.code) return what + ": code changes to " + b.code;
  if (a.commodity != b.commodity) return changed(what, "commodity", a.commodity, b.commodity);
  if (a.grade != b.grade) return changed(what, "grade", a.grade, b.grade);
  if (a.hub != b.hub) return changed(what, "hub", a.hub, b.hub);
  if (a.tick_size != b.tick_size) return changed(what, "tick_size", a.tick_size, b.tick_size);
  if (a.lot_minimum != b.lot_minimum) return changed(what, "lot_minimum", a.lot_minimum, b.lot_minimum);
  if (a.lot_increment != b.lot_increment) return changed(what, "lot_increment", a.lot_increment, b.lot_increment);
  if (a.price_floor != b.price_floor) return changed(what, "price_floor", a.price_floor, b.price_floor);
  if (a.price_ceiling != b.price_ceiling) return changed(what, "price_ceiling", a.price_ceiling, b.price_ceiling);
  return {};
}

}  // namespace

std::string check_reload(const Catalogue& current, const Catalogue& next) {
  if (current.content_hash() == next.content_hash()) {
    return "no change: the catalogue file is the one in force (SHA-256 " + next.content_hash() + ")";
  }
  for (std::string problem : {same_codes("commodity", current.commodities(), next.commodities()),
                              same_codes("grade", current.grades(), next.grades()),
                              same_codes("hub", current.hubs(), next.hubs()),
                              same_codes("attribute", current.attributes(), next.attributes()),
                              same_codes("instrument", current.instruments(), next.instruments())}) {
    if (!problem.empty()) return problem;
  }
  for (std::size_t i = 0; i < current.attributes().size(); ++i) {
    const Attribute& a = current.attributes()[i];
    if (a.scale != next.attributes()[i].scale) {
      return changed("attribute " + a.code, "scale", a.scale, next.attributes()[i].scale);
    }
  }
  for (std::size_t i = 0; i < current.instruments().size(); ++i) {
    if (std::string problem = check_instrument(current.instruments()[i], next.instruments()[i]); !problem.empty()) {
      return problem;
    }
  }
  for (const Participant& p : current.participants()) {
    const Participant* q = next.find_participant(p.code);
    if (q == nullptr) return "participant " + p.code + " removed: participants may be added or changed, not removed";
    if (q->id != p.id) return changed("participant " + p.code, "id", p.id, q->id);
  }
  return {};
}

}  // namespace rex::refdata
