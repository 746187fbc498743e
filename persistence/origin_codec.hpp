// The journaled form of an exchange::Origin (which gateway session sent a command): one versioned
// section (docs/journal-format.md).
#pragma once

#include "exchange/exchange.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

inline constexpr std::uint8_t kOriginCodecVersion = 1;

// Version 1: varint gateway, varint session, varint request.
void encode_origin(const exchange::Origin& o, ByteWriter& w);
bool decode_origin(ByteReader& r, exchange::Origin& o);

}  // namespace rex::persistence
