// The journal's SHA-256: the FIPS 180-2 vectors, fed whole or in pieces, and a hasher reused
// after finish() starts afresh (the journal keeps one per thread and hashes record after record).
#include <catch2/catch.hpp>

#include <string>

#include "persistence/hash.hpp"

using namespace rex::persistence;

namespace {

constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kTwoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr const char* kTwoBlocksInput = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

TEST_CASE("journal SHA-256 matches the FIPS 180-2 test vectors") {
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abc")) == kAbc);
  CHECK(to_hex(sha256(kTwoBlocksInput)) == kTwoBlocks);
  CHECK(to_hex(sha256(std::string(1'000'000, 'a'))) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("journal SHA-256: pieces hash as the whole, and finish() leaves the hasher fresh") {
  Sha256 sha;
  const std::string input = kTwoBlocksInput;
  for (std::size_t cut = 0; cut <= input.size(); cut += 7) {
    sha.update(std::string_view(input).substr(0, cut));
    sha.update(std::string_view(input).substr(cut));
    CHECK(to_hex(sha.finish()) == kTwoBlocks);
  }
  sha.update("ab");
  sha.update("c");
  CHECK(to_hex(sha.finish()) == kAbc);
  sha.update("ab");
  sha.reset();  // what was fed before a reset does not count
  sha.update("abc");
  CHECK(to_hex(sha.finish()) == kAbc);
  Hash h{};
  REQUIRE(hash_from_bytes(as_bytes(sha256("abc")), h));
  CHECK(to_hex(h) == kAbc);
}

}  // namespace
