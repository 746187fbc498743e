// Canonical byte forms of engine events: the trade record body the journal stores, and the full
// event encoding whose SHA-256 over a whole replay is the "event stream hash" (docs/journal-format.md).
#pragma once

#include "matcher/event.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

inline constexpr std::uint8_t kTradeCodecVersion = 1;
inline constexpr std::uint8_t kEventCodecVersion = 1;
// The sizes of the matcher's structs when their codecs were last brought up to date: a test
// compares them with sizeof, so a new field fails a test (not the build) until its codec has it.
inline constexpr std::size_t kEventBytesCovered = 128;
inline constexpr std::size_t kCommandBytesCovered = 120;
inline constexpr std::size_t kRestingOrderBytesCovered = 296;
inline constexpr std::size_t kEngineSnapshotBytesCovered = 96;

// A kTrade event as a trade record section.
void encode_trade(const matcher::Event& trade, ByteWriter& w);
bool decode_trade(ByteReader& r, matcher::Event& trade);

// Every field of any event, fixed layout (no section header; the stream hash names the version).
void encode_event(const matcher::Event& e, ByteWriter& w);

}  // namespace rex::persistence
