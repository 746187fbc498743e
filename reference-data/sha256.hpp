// SHA-256 of bytes as 64 lowercase hex digits (OpenSSL libcrypto); the catalogue's content hash.
#pragma once

#include <string>
#include <string_view>

namespace rex::refdata {

std::string sha256_hex(std::string_view bytes);

}  // namespace rex::refdata
