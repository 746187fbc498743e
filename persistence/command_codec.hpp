// The journaled form of a matcher::Command: one versioned section (docs/journal-format.md).
// When Command gains fields, add version 2 here and keep decoding version 1.
#pragma once

#include "matcher/command.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

inline constexpr std::uint8_t kCommandCodecVersion = 1;
// Version 2 = version 1 + u32 reference_data; written only for commands that carry one (a
// kReferenceData command), so every other command keeps version 1's size.
inline constexpr std::uint8_t kCommandCodecVersionReferenceData = 2;

void encode_command(const matcher::Command& c, ByteWriter& w);
// False for an unknown version or a body that does not decode exactly.
bool decode_command(ByteReader& r, matcher::Command& c);

// Quality terms (shared with the snapshot codec): u8 count (at most kMaxQualityTerms), then per
// term varint attribute, zigzag min, zigzag max.
void encode_quality(const matcher::QualityTerms& q, ByteWriter& w);
bool decode_quality(ByteReader& r, matcher::QualityTerms& q);

}  // namespace rex::persistence
