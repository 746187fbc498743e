// The journaled form of a matcher::Command: one versioned section (docs/journal-format.md).
// When Command gains fields, add version 2 here and keep decoding version 1.
#pragma once

#include <string>
#include <string_view>

#include "matcher/command.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

inline constexpr std::uint8_t kCommandCodecVersion = 1;
// The layout of version 1 (docs/journal-format.md): 101 fixed bytes, then 18 per quality term.
inline constexpr std::uint32_t kCommandFixedV1Bytes = 101;
inline constexpr std::uint32_t kQualityTermBytes = 18;

void encode_command(const matcher::Command& c, ByteWriter& w);
// False for an unknown version or a body of the wrong size.
bool decode_command(ByteReader& r, matcher::Command& c);

// Quality terms (shared with the snapshot codec): u8 count, then count x (u16 attribute, i64 min, i64 max).
void encode_quality(const matcher::QualityTerms& q, ByteWriter& w);
bool decode_quality(ByteReader& r, matcher::QualityTerms& q);

}  // namespace rex::persistence
