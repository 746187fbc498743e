// The content hash: SHA-256 of exactly the bytes loaded, stable, and sensitive to every byte.
#include <catch2/catch.hpp>

#include <string>

#include "reference-data/loader.hpp"
#include "reference-data/sha256.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

TEST_CASE("sha256_hex matches the FIPS 180-2 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("content hash: the SHA-256 of the exact file bytes, the same from file and string") {
  const std::string bytes = test::read_file(test::bundled_catalogue_path());
  const Catalogue from_file = load_catalogue_file(test::bundled_catalogue_path());
  const Catalogue from_string = load_catalogue_string(bytes);
  CHECK(from_file.content_hash() == sha256_hex(bytes));
  CHECK(from_string.content_hash() == from_file.content_hash());
  CHECK(load_catalogue_file(test::bundled_catalogue_path()).content_hash() == from_file.content_hash());
}

TEST_CASE("content hash: changes with any change of bytes, meaningful or not") {
  const std::string& json = test::small_catalogue();
  const std::string hash = load_catalogue_string(json).content_hash();
  CHECK(load_catalogue_string(json).content_hash() == hash);

  const std::string trailing_space = json + " ";
  const std::string new_band = test::small_with("\"price_ceiling_fen\": 178300", "\"price_ceiling_fen\": 178400");
  const std::string new_name = test::small_with("\"name\": \"Xuchang\"", "\"name\": \"Xuchang City\"");
  for (const std::string& changed : {trailing_space, new_band, new_name}) {
    CHECK(load_catalogue_string(changed).content_hash() != hash);
  }
  // Same decoded content, different bytes, different hash: the hash names the file, not its meaning.
  const Catalogue spaced = load_catalogue_string(trailing_space);
  CHECK(spaced.instruments().size() == load_catalogue_string(json).instruments().size());
}

}  // namespace
}  // namespace rex::refdata
