// Internal to the loader: decoding the catalogue's sections into CatalogueData, section by
// section, with the code tables that later sections resolve their references against.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reference-data/catalogue.hpp"
#include "reference-data/json_reader.hpp"

namespace rex::refdata::detail {

using CodeIndex = std::map<std::string, std::uint32_t, std::less<>>;

struct DecodeState {
  CatalogueData data;
  CodeIndex attributes;
  CodeIndex commodities;
  CodeIndex hubs;
  CodeIndex grades;
  CodeIndex instruments;
  // Where each reference or figure was read, for errors found by later cross-checks.
  std::vector<Node> base_grade_nodes;               // per commodity
  std::vector<Node> base_hub_nodes;                 // per commodity
  std::vector<std::string> grade_differential_paths;  // per grade, "" until read
  std::vector<std::string> hub_differential_paths;    // per hub_differentials entry
  std::vector<std::string> instrument_paths;          // per instrument
};

// Registers `code` at the next index of `index`; kDuplicateCode if it is taken.
std::uint32_t add_code(CodeIndex& index, const Node& code_node, std::string_view table);
// Reads a code and finds it in `index`; kUnknownReference when absent.
std::uint32_t resolve(const CodeIndex& index, const Node& code_node, std::string_view table);

// A price in fen/t as people read it in messages: 270000 is "2700.00 CNY/t".
std::string yuan(Price fen);

void decode_attributes(const ObjectReader& root, DecodeState& state);
void decode_hubs(const ObjectReader& root, DecodeState& state);
void decode_commodities(const ObjectReader& root, DecodeState& state);
void decode_grades(const ObjectReader& root, DecodeState& state);
void resolve_base_grades_and_hubs(DecodeState& state);
void decode_differentials(const ObjectReader& root, DecodeState& state);
void decode_instruments(const ObjectReader& root, DecodeState& state);
void check_differentials_on_tick(const DecodeState& state);
void check_base_instruments(const DecodeState& state);
void decode_participants(const ObjectReader& root, DecodeState& state);

// The whole catalogue; the content hash is left for the caller to fill.
CatalogueData decode_catalogue(const Node& root);

}  // namespace rex::refdata::detail
