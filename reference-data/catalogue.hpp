// The loaded reference data: commodities, grades and their quality specs, hubs, differentials,
// instruments and participants, with lookups by code and id. Immutable once loaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference-data/participant.hpp"
#include "reference-data/types.hpp"

namespace rex::refdata {

// A measurable quality attribute. A value v of it means v / 10^scale `unit`s
// (copper content, unit "%", scale 2: 9990 is 99.90 %).
struct Attribute {
  std::string code;  // e.g. "CU_PCT"
  std::string name;
  std::string unit;
  int scale = 0;     // decimal places, 0..kMaxAttributeScale
};

// One attribute limit of a grade, inclusive at both ends; at least one end is set.
struct QualityLimit {
  std::uint32_t attribute = 0;    // index into attributes()
  std::optional<std::int64_t> min;  // fixed-point at the attribute's scale
  std::optional<std::int64_t> max;
  std::string source;             // the standard or document the figure comes from
  bool approximate = false;       // true: not yet checked against the standard's text
  std::string note;               // may be empty
};

struct Grade {
  std::string code;  // unique across all commodities, e.g. "BARLEY"
  std::uint32_t commodity = 0;
  std::string name;
  std::string name_zh;
  std::string standard;     // e.g. "GB/T 38471", "ISRI", "EN 643"
  std::string description;  // the requirements that are not numbers
  std::vector<QualityLimit> limits;
  Price differential = 0;   // fen/t to the commodity's base grade (0 for the base grade)
  std::string differential_source;
};

struct Hub {
  std::string code;  // e.g. "XUCHANG"
  std::string name;
  std::string name_zh;
};

// The freight differential of one commodity delivered to one hub, to its base hub.
struct HubDifferential {
  std::uint32_t commodity = 0;
  std::uint32_t hub = 0;
  Price differential = 0;  // fen/t (0 for the base hub)
  std::string source;
};

struct Commodity {
  std::string code;  // e.g. "CU"; the first part of its instrument codes
  std::string name;
  std::string name_zh;
  std::uint32_t base_grade = 0;  // index into grades(); its differential is 0
  std::uint32_t base_hub = 0;    // index into hubs(); its differential is 0
};

// Everything the loader decodes, in catalogue order. The Catalogue below indexes it.
struct CatalogueData {
  std::int64_t format_version = 0;
  std::string version;          // the catalogue's own version, e.g. "2026.05.1"
  std::string effective_date;   // YYYY-MM-DD
  std::string description;
  std::string differentials_version;
  std::string content_hash;     // SHA-256 (hex) of the exact bytes loaded
  std::string source;           // the exact bytes loaded (a journal stores them: docs/journal-format.md)
  std::vector<Attribute> attributes;
  std::vector<Commodity> commodities;
  std::vector<Hub> hubs;
  std::vector<Grade> grades;
  std::vector<HubDifferential> hub_differentials;
  std::vector<InstrumentSpec> instruments;  // id == position
  std::vector<Participant> participants;
};

class Catalogue {
 public:
  explicit Catalogue(CatalogueData data);

  const CatalogueData& data() const { return data_; }
  const std::string& version() const { return data_.version; }
  const std::string& content_hash() const { return data_.content_hash; }
  const std::string& source() const { return data_.source; }
  const std::vector<Attribute>& attributes() const { return data_.attributes; }
  const std::vector<Commodity>& commodities() const { return data_.commodities; }
  const std::vector<Hub>& hubs() const { return data_.hubs; }
  const std::vector<Grade>& grades() const { return data_.grades; }
  const std::vector<HubDifferential>& hub_differentials() const { return data_.hub_differentials; }
  // What the matcher consumes: id == index, commodity/grade/hub index the tables above.
  const std::vector<InstrumentSpec>& instruments() const { return data_.instruments; }
  const std::vector<Participant>& participants() const { return data_.participants; }

  // Lookups return nullptr when nothing matches; codes are case-sensitive.
  const InstrumentSpec* find_instrument(std::string_view code) const;
  const Grade* find_grade(std::string_view code) const;
  const Commodity* find_commodity(std::string_view code) const;
  const Hub* find_hub(std::string_view code) const;
  const Attribute* find_attribute(std::string_view code) const;
  const Participant* find_participant(ParticipantId id) const;
  const Participant* find_participant(std::string_view code) const;

  // Freight differential of `commodity` at `hub` (fen/t), if the catalogue publishes one.
  std::optional<Price> hub_differential(std::uint32_t commodity, std::uint32_t hub) const;
  // Grade plus hub differential of an instrument to its commodity's base grade at the base hub.
  Price differential_to_base(const InstrumentSpec& instrument) const;

 private:
  using CodeIndex = std::map<std::string, std::uint32_t, std::less<>>;

  CatalogueData data_;
  CodeIndex instrument_by_code_;
  CodeIndex grade_by_code_;
  CodeIndex commodity_by_code_;
  CodeIndex hub_by_code_;
  CodeIndex attribute_by_code_;
  CodeIndex participant_by_code_;
  std::map<ParticipantId, std::uint32_t> participant_by_id_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, Price> hub_differential_;
};

}  // namespace rex::refdata
