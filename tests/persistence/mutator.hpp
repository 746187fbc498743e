// Seeded mutations of valid journal bytes for the persistence fuzz tests (codec_fuzz_test.cpp,
// wal_fuzz_test.cpp): byte and bit flips, truncations, insertions, deletions, duplicated and spliced
// chunks, and length or count fields inflated to 2^31, 2^32, 2^63 or 2^64 - 1, as varints and as
// fixed-width integers of either byte order. A fixed seed gives the same inputs every run.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/byte_io.hpp"

namespace rex::testing::fuzz {

// Bytes that are versions, counts, varint continuations and extremes.
inline constexpr std::string_view kInterestingBytes("\x00\x01\x02\x03\x08\x09\x7f\x80\x81\xfe\xff", 11);

// Encodings of huge lengths and counts: written over a byte of a valid encoding, the varint, zigzag
// or fixed-width field read from there claims far more than the input holds.
inline const std::vector<std::string>& huge_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> out;
    for (std::uint64_t v : {std::uint64_t{UINT32_MAX}, std::uint64_t{1} << 32, std::uint64_t{1} << 63, UINT64_MAX}) {
      std::string s;
      persistence::ByteWriter w(s);
      w.varint(v);
      out.push_back(s);
    }
    out.emplace_back(10, '\x80');                      // a varint that goes on past 64 bits
    out.emplace_back(4, '\xff');                       // u32 max, either byte order
    out.emplace_back("\x80\x00\x00\x00", 4);           // 2^31 big-endian
    out.emplace_back("\x00\x00\x00\x80", 4);           // 2^31 little-endian
    out.emplace_back(8, '\xff');                       // u64 max
    out.emplace_back("\x80\x00\x00\x00\x00\x00\x00\x00", 8);  // 2^63 big-endian
    out.emplace_back("\x00\x00\x00\x00\x00\x00\x00\x80", 8);  // 2^63 little-endian
    return out;
  }();
  return fields;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  char any_byte() {
    return below(2) == 0 ? kInterestingBytes[below(kInterestingBytes.size())] : static_cast<char>(rng_() & 0xff);
  }
  std::string random_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng_() & 0xff);
    return s;
  }

  // One to three edits of `in`; `others` are spliced in.
  std::string mutate(const std::string& in, const std::vector<std::string>& others) {
    std::string out = in;
    const std::size_t edits = 1 + below(3);
    for (std::size_t e = 0; e < edits; ++e) {
      const std::size_t at = below(out.size() + 1);
      switch (below(9)) {
        case 0:
          if (at < out.size()) out[at] = any_byte();
          break;
        case 1:
          if (at < out.size()) out[at] = static_cast<char>(out[at] ^ static_cast<char>(1u << below(8)));
          break;
        case 2:
          out.resize(at);
          break;
        case 3:
          out.insert(at, random_bytes(1 + below(8)));
          break;
        case 4:
          out.erase(at, 1 + below(16));
          break;
        case 5:  // a chunk of itself again: repeated fields, records, terms
          if (!out.empty()) out.insert(at, out.substr(below(out.size()), 1 + below(64)));
          break;
        case 6: {  // the head of this, the tail of another
          const std::string& other = others[below(others.size())];
          out = out.substr(0, at) + other.substr(below(other.size() + 1));
          break;
        }
        case 7: {  // a length or count inflated
          const std::string& huge = huge_fields()[below(huge_fields().size())];
          out.replace(at, below(2) == 0 ? 1 : huge.size(), huge);
          break;
        }
        default:
          out.insert(at, 1, any_byte());
          break;
      }
    }
    return out;
  }

 private:
  std::mt19937_64 rng_;  // the engine's output sequence is fixed by the standard
};

inline std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += kDigits[(static_cast<unsigned char>(c) >> 4) & 0xf];
    out += kDigits[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

// What a check made of one input: decoded (or refused), and what is wrong ("" when nothing is).
struct Verdict {
  bool decoded = false;
  std::string problem;
};

struct Tally {
  int decoded = 0;
  int refused = 0;
};

// Runs `check` (std::string -> Verdict) on every truncation of every seed, on every seed with each
// of its bytes replaced by each interesting byte and by each huge field (past its first 256 bytes,
// a long seed is cut and changed at a spread of 256 places), then on `random_mutations` random
// mutations of random seeds. Fails at the first input whose verdict names a problem, printing it.
template <typename Check>
Tally run_fuzz(const std::vector<std::string>& seeds, int random_mutations, std::uint64_t seed, Check&& check) {
  Tally tally;
  auto judge = [&](const std::string& input, const char* how) {
    const Verdict v = check(input);
    if (!v.problem.empty()) FAIL(how << ": " << v.problem << "\ninput (" << input.size() << " bytes): " << hex(input));
    ++(v.decoded ? tally.decoded : tally.refused);
  };
  constexpr std::size_t kPositionsPerSeed = 256;  // every byte of a short seed, a spread of a long one
  for (const std::string& s : seeds) {
    if (!check(s).decoded) FAIL("a seed does not decode: " << hex(s));
    const std::size_t stride = 1 + s.size() / kPositionsPerSeed;
    for (std::size_t n = 0; n < s.size(); n += n < kPositionsPerSeed ? 1 : stride) {
      judge(s.substr(0, n), "a truncation");
    }
    for (std::size_t at = 0; at < s.size(); at += stride) {
      for (char b : kInterestingBytes) {
        std::string m = s;
        m[at] = b;
        judge(m, "a byte replaced");
      }
      for (const std::string& huge : huge_fields()) {
        std::string m = s;
        m.replace(at, 1, huge);
        judge(m, "a length inflated");
      }
    }
  }
  Mutator mutator(seed);
  for (int i = 0; i < random_mutations; ++i) {
    judge(mutator.mutate(seeds[mutator.below(seeds.size())], seeds), "a random mutation");
  }
  return tally;
}

}  // namespace rex::testing::fuzz
