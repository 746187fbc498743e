// The journaled form of a matcher::EngineSnapshot: one versioned section (docs/journal-format.md).
// When RestingOrder gains fields, add version 2 here and keep decoding version 1.
#pragma once

#include "matcher/engine.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

inline constexpr std::uint8_t kSnapshotCodecVersion = 2;  // 2 = 1 + u32 reference_data, u64 reference_data_seq
inline constexpr std::uint8_t kSnapshotCodecVersion1 = 1;
// A resting order of version 1 takes at least this many bytes (85 fixed, then its quality terms).
inline constexpr std::uint32_t kRestingOrderFixedV1Bytes = 85;

void encode_snapshot(const matcher::EngineSnapshot& s, ByteWriter& w);
bool decode_snapshot(ByteReader& r, matcher::EngineSnapshot& s);

}  // namespace rex::persistence
