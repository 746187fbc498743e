// The fixed bounds a catalogue must stay within, each with the reason it exists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reference-data/types.hpp"

namespace rex::refdata {

// The one catalogue format this loader reads ("format" and "format_version" at the top).
inline constexpr std::string_view kCatalogueFormat = "rex-catalogue";
inline constexpr std::int64_t kCatalogueFormatVersion = 1;

// The only currency rex trades in: CNY per tonne, prices held in fen.
inline constexpr std::string_view kCurrency = "CNY/t";

// Reference data is tens of kilobytes; anything near this is a wrong file, not a catalogue.
inline constexpr std::size_t kMaxCatalogueBytes = 8u << 20;

// The order book allocates one price slot per tick between floor and ceiling.
inline constexpr std::int64_t kMaxBandTicks = 4000;

// 100,000,000 CNY/t: far above any scrap price; with kMaxQuantityKg it keeps
// price x quantity (<= 1e18) inside int64, so value arithmetic downstream cannot overflow.
inline constexpr Price kMaxPriceFen = 10'000'000'000;
// 100,000 t: ten deep-sea cargoes, the largest single order a participant may be allowed.
inline constexpr Quantity kMaxQuantityKg = 100'000'000;
// 10^16 fen = 100 billion CNY: a ceiling for a participant's open buy value.
inline constexpr std::int64_t kMaxValueFen = 10'000'000'000'000'000;

// Attribute limits are decimals with at most this many places (10^6 still leaves 12 integer digits).
inline constexpr int kMaxAttributeScale = 6;
// Codes are short identifiers ([A-Z][A-Z0-9_]*); this keeps instrument codes readable.
inline constexpr std::size_t kMaxCodeLength = 32;
// Names, sources and notes are prose for people; a longer text is a mistake in the file.
inline constexpr std::size_t kMaxTextBytes = 2000;

}  // namespace rex::refdata
