#include "reference-data/catalogue.hpp"

namespace rex::refdata {

namespace {

template <typename Index, typename Table>
void index_codes(Index& index, const Table& table) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    index.emplace(table[i].code, static_cast<std::uint32_t>(i));
  }
}

template <typename Table, typename Index, typename Key>
const typename Table::value_type* find_in(const Table& table, const Index& index, const Key& key) {
  const auto it = index.find(key);
  return it == index.end() ? nullptr : &table[it->second];
}

}  // namespace

Catalogue::Catalogue(CatalogueData data) : data_(std::move(data)) {
  index_codes(instrument_by_code_, data_.instruments);
  index_codes(grade_by_code_, data_.grades);
  index_codes(commodity_by_code_, data_.commodities);
  index_codes(hub_by_code_, data_.hubs);
  index_codes(attribute_by_code_, data_.attributes);
  index_codes(participant_by_code_, data_.participants);
  for (std::size_t i = 0; i < data_.participants.size(); ++i) {
    participant_by_id_.emplace(data_.participants[i].id, static_cast<std::uint32_t>(i));
  }
  for (const HubDifferential& d : data_.hub_differentials) {
    hub_differential_.emplace(std::make_pair(d.commodity, d.hub), d.differential);
  }
}

const InstrumentSpec* Catalogue::find_instrument(std::string_view code) const {
  return find_in(data_.instruments, instrument_by_code_, code);
}

const Grade* Catalogue::find_grade(std::string_view code) const {
  return find_in(data_.grades, grade_by_code_, code);
}

const Commodity* Catalogue::find_commodity(std::string_view code) const {
  return find_in(data_.commodities, commodity_by_code_, code);
}

const Hub* Catalogue::find_hub(std::string_view code) const {
  return find_in(data_.hubs, hub_by_code_, code);
}

const Attribute* Catalogue::find_attribute(std::string_view code) const {
  return find_in(data_.attributes, attribute_by_code_, code);
}

const Participant* Catalogue::find_participant(ParticipantId id) const {
  return find_in(data_.participants, participant_by_id_, id);
}

const Participant* Catalogue::find_participant(std::string_view code) const {
  return find_in(data_.participants, participant_by_code_, code);
}

std::optional<Price> Catalogue::hub_differential(std::uint32_t commodity, std::uint32_t hub) const {
  const auto it = hub_differential_.find(std::make_pair(commodity, hub));
  if (it == hub_differential_.end()) return std::nullopt;
  return it->second;
}

Price Catalogue::differential_to_base(const InstrumentSpec& instrument) const {
  const Price grade = instrument.grade < data_.grades.size()
                          ? data_.grades[instrument.grade].differential
                          : 0;
  return grade + hub_differential(instrument.commodity, instrument.hub).value_or(0);
}

}  // namespace rex::refdata
