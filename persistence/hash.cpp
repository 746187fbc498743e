#include "persistence/hash.hpp"

// The one-shot SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, but EVP 3.0
// allocates a new digest context on every initialisation (measured: one malloc per journal
// record on the writer thread), and these run the same assembly without the provider dispatch.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>
#include <new>

namespace rex::persistence {
namespace {

SHA256_CTX* state(unsigned char* bytes) { return std::launder(reinterpret_cast<SHA256_CTX*>(bytes)); }
static_assert(sizeof(SHA256_CTX) <= 112 && alignof(SHA256_CTX) <= 8, "Sha256::state_ too small for SHA256_CTX");

}  // namespace

Sha256::Sha256() {
  ::new (static_cast<void*>(state_)) SHA256_CTX;
  reset();
}

void Sha256::reset() { SHA256_Init(state(state_)); }

void Sha256::update(std::string_view bytes) { SHA256_Update(state(state_), bytes.data(), bytes.size()); }

Hash Sha256::finish() {
  Hash h{};
  SHA256_Final(h.data(), state(state_));
  reset();
  return h;
}

Hash sha256(std::string_view bytes) {
  Sha256 s;
  s.update(bytes);
  return s.finish();
}

std::string to_hex(const Hash& h) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (std::uint8_t b : h) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

std::string_view as_bytes(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

bool hash_from_bytes(std::string_view bytes, Hash& out) {
  if (bytes.size() != out.size()) return false;
  std::memcpy(out.data(), bytes.data(), out.size());
  return true;
}

}  // namespace rex::persistence
