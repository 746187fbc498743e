// SHA-256 for the journal's hash chains (OpenSSL libcrypto). A hasher holds its state inline and
// allocates nothing: the journal writer hashes every record it writes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rex::persistence {

using Hash = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void reset();
  void update(std::string_view bytes);
  void update(const Hash& h) { update(std::string_view(reinterpret_cast<const char*>(h.data()), h.size())); }
  Hash finish();

 private:
  // OpenSSL's SHA256_CTX (112 bytes), kept here so this header does not include OpenSSL's.
  alignas(8) unsigned char state_[112];
};

Hash sha256(std::string_view bytes);
std::string to_hex(const Hash& h);
std::string_view as_bytes(const Hash& h);
// 32 raw bytes to a Hash; false if `bytes` is not 32 long.
bool hash_from_bytes(std::string_view bytes, Hash& out);

}  // namespace rex::persistence
