// The journaled form of an exchange::Origin (which gateway session sent a command): one versioned
// section (docs/journal-format.md).
#pragma once

#include "exchange/exchange.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

// Version 1: varint gateway, varint session, varint request.
// Version 2: version 1's fields, then u8 n (1 .. Origin::kMaxClientOrderId) and n bytes: the client
// order id. Written only for an origin that carries one; every other origin stays version 1.
inline constexpr std::uint8_t kOriginCodecVersion = 1;
inline constexpr std::uint8_t kOriginCodecVersionClientId = 2;

void encode_origin(const exchange::Origin& o, ByteWriter& w);
bool decode_origin(ByteReader& r, exchange::Origin& o);

}  // namespace rex::persistence
