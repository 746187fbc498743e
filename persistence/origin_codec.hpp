// The journaled form of an exchange::Origin (which gateway session sent a command): one versioned
// section (docs/journal-format.md).
#pragma once

#include <string>
#include <string_view>

#include "exchange/exchange.hpp"
#include "persistence/byte_io.hpp"

namespace rex::persistence {

// Version 1: varint gateway, varint session, varint request.
// Version 2: version 1's fields, then u8 n (1 .. Origin::kMaxClientOrderId) and n bytes: the client
// order id (printable ASCII without the space). Written only for an origin that carries one; every other origin stays version 1.
inline constexpr std::uint8_t kOriginCodecVersion = 1;
inline constexpr std::uint8_t kOriginCodecVersionClientId = 2;

// Why decode_origin() refused a client order id of the right length.
inline constexpr std::string_view kBadClientOrderId =
    "its client order id holds a byte outside printable ASCII without the space (0x21 to 0x7e), which no "
    "gateway accepts (record edited)";

void encode_origin(const exchange::Origin& o, ByteWriter& w);
// False for a section that does not decode, or whose client order id is not 1 to 36 printable
// ASCII characters without the space (exchange::is_client_order_id); `why`, if given, is then set
// to kBadClientOrderId when that id is what is wrong (left alone otherwise).
bool decode_origin(ByteReader& r, exchange::Origin& o, std::string* why = nullptr);

}  // namespace rex::persistence
