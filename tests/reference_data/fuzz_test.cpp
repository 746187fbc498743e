// Deterministic mutation fuzzing of the bundled catalogue: every input loads or throws
// CatalogueError, text that is not JSON with the line and column where it goes wrong; nothing
// crashes, hangs or throws anything else (run it under ASan/UBSan).
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "reference-data/loader.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

// A refusal of text simdjson refused names where it goes wrong (reference-data/json_error_position.hpp).
void check_position(const CatalogueError& error) {
  if (error.rule() != Rule::kSyntax) return;
  INFO("message: " << error.what());
  REQUIRE(error.position());
  REQUIRE(error.position()->line > 0);
  REQUIRE(error.position()->column > 0);
  REQUIRE(error.detail().find(" at " + to_string(*error.position()) + ": ") != std::string::npos);
}

constexpr std::uint64_t kSeed = 20260504;
constexpr int kMutations = 4000;

// Bytes that change JSON structure or number and code shapes more often than random bytes do.
constexpr std::string_view kInteresting = "{}[]\":,-.0123456789eE \\\x01\xff\x80tfnu";

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  char any_byte() {
    return below(2) == 0 ? kInteresting[below(kInteresting.size())]
                         : static_cast<char>(static_cast<unsigned char>(rng_() & 0xff));
  }

  std::string mutate(const std::string& original) {
    std::string out = original;
    const std::size_t edits = 1 + below(3);
    for (std::size_t e = 0; e < edits && !out.empty(); ++e) {
      const std::size_t at = below(out.size());
      switch (below(8)) {
        case 0:  // flip one byte
          out[at] = any_byte();
          break;
        case 1:  // flip one bit
          out[at] = static_cast<char>(out[at] ^ static_cast<char>(1u << below(8)));
          break;
        case 2:  // truncate
          out.resize(at);
          break;
        case 3:  // insert a few bytes
          out.insert(at, 1 + below(4), any_byte());
          break;
        case 4:  // delete a short run
          out.erase(at, 1 + below(16));
          break;
        case 5:  // change a digit: mostly still JSON, so the checks behind the parser run
          retype(out, at, '0', '9');
          break;
        case 6:  // change a capital letter: codes and references
          retype(out, at, 'A', 'Z');
          break;
        default: {  // copy a chunk of the catalogue elsewhere (duplicates fields and entries)
          const std::size_t from = below(original.size());
          const std::size_t length = 1 + below(200);
          out.insert(at, original.substr(from, length));
          break;
        }
      }
    }
    return out;
  }

 private:
  // Replaces the first byte in [first, last] at or after `at` by another byte of that range.
  void retype(std::string& text, std::size_t at, char first, char last) {
    for (std::size_t i = at; i < text.size(); ++i) {
      if (text[i] >= first && text[i] <= last) {
        text[i] = static_cast<char>(first + static_cast<char>(below(static_cast<std::size_t>(last - first) + 1)));
        return;
      }
    }
  }

  std::mt19937_64 rng_;  // the engine's output sequence is fixed by the standard
};

TEST_CASE("fuzz: mutated catalogues either load or throw CatalogueError") {
  const std::string original = test::read_file(test::bundled_catalogue_path());
  Mutator mutator(kSeed);
  int loaded = 0;
  std::map<std::string, int> rejected_by_rule;
  for (int i = 0; i < kMutations; ++i) {
    const std::string input = mutator.mutate(original);
    try {
      const Catalogue catalogue = load_catalogue_string(input);
      // Whatever loads satisfies the invariants the matcher relies on.
      for (std::size_t k = 0; k < catalogue.instruments().size(); ++k) {
        const InstrumentSpec& spec = catalogue.instruments()[k];
        REQUIRE(spec.id == k);
        REQUIRE(spec.tick_size > 0);
        REQUIRE(spec.price_floor % spec.tick_size == 0);
        REQUIRE(spec.price_floor < spec.price_ceiling);
        REQUIRE(spec.lot_minimum % spec.lot_increment == 0);
      }
      ++loaded;
    } catch (const CatalogueError& error) {
      REQUIRE_FALSE(error.json_path().empty());
      check_position(error);
      ++rejected_by_rule[std::string(rule_name(error.rule()))];
    } catch (const std::exception& other) {
      FAIL("mutation " << i << " threw something other than CatalogueError: " << other.what());
    }
  }
  std::string summary;
  for (const auto& [rule, count] : rejected_by_rule) summary += rule + "=" + std::to_string(count) + " ";
  INFO("loaded=" << loaded << " rejected: " << summary);
  CHECK(loaded > 0);
  CHECK(rejected_by_rule.size() >= 5);  // the mutations reach past the JSON parser
}

TEST_CASE("fuzz: every prefix of the small catalogue is rejected cleanly, with a position") {
  const std::string& json = test::small_catalogue();
  for (std::size_t length = 0; length + 2 < json.size(); length += 7) {
    try {
      (void)load_catalogue_string(json.substr(0, length));
      FAIL("a prefix of " << length << " bytes loaded");
    } catch (const CatalogueError& error) {
      CHECK(error.rule() == Rule::kSyntax);
      check_position(error);
    }
  }
}

}  // namespace
}  // namespace rex::refdata
