// Seeded mutations of JSON texts for the fuzz tests of the files rexd reads (config, key file).
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace rex::testing {

// Values put in place of others: wrong types, numbers of every size, bad strings, containers.
inline const std::vector<std::string> kTokens = {
    "true", "false", "null", "0", "1", "-1", "-0", "2", "255", "256", "1023", "1024", "3600", "3601", "65535", "65536",
    "70000", "100001", "1048576", "16777217", "4294967295", "4294967296", "18446744073709551615",
    "18446744073709551616", "99999999999999999999999999", "-9223372036854775808", "-9223372036854775809", "1e400",
    "-1e400", "1e-400", "1.5", "8080.0", "1e3", "0.0", R"("")", R"("x")", R"("8080")", R"("15:00")", R"("debug")",
    R"("::1")", R"("0-1")", R"("\u0000")", R"("a\u0000b")", R"("/etc/rex\n")", "\"\xff\"", "\"\xc3\xa9\"",
    "\"\xed\xa0\x80\"", R"("\ud800")", "{}", "[]", R"({"a":1})", "[1,2]", std::string("\0", 1)};

// Where the scalar values of `s` are: from behind `": ` to the next `,`, `}`, `]` or newline.
inline std::vector<std::pair<std::size_t, std::size_t>> scalar_values(const std::string& s) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t at = s.find("\":"); at != std::string::npos; at = s.find("\":", at + 1)) {
    std::size_t begin = at + 2;
    while (begin < s.size() && s[begin] == ' ') ++begin;
    if (begin >= s.size() || s[begin] == '{' || s[begin] == '[') continue;
    const std::size_t end = std::min(s.find_first_of(",}]\n", begin), s.size());
    out.emplace_back(begin, end - begin);
  }
  return out;
}

// Mutations of JSON texts: bytes flipped, inserted, cut and copied, texts spliced, values swapped
// for tokens, keys repeated, values nested deep.
class JsonMutator {
 public:
  JsonMutator(std::uint64_t seed, const std::vector<std::string>& seeds) : rng_(seed), seeds_(seeds) {}
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

  std::string mutate(std::string s) {
    const int mutations = 1 + static_cast<int>(pick(4));
    for (int m = 0; m < mutations; ++m) {
      if (s.empty()) s.push_back('{');
      const auto values = scalar_values(s);
      switch (pick(values.empty() ? 6 : 10)) {
        case 0: s[pick(s.size())] ^= static_cast<char>(1 << pick(8)); break;
        case 1: s.resize(pick(s.size() + 1)); break;
        case 2: {
          static const char bytes[] = "{}[]\":,0123456789.-+eE \\nultrfa\x01\xff\xc3\xed";
          static const std::string alphabet(bytes, sizeof bytes);  // its closing NUL too
          s.insert(pick(s.size() + 1), 1, alphabet[pick(alphabet.size())]);
          break;
        }
        case 3: s.erase(pick(s.size()), 1 + pick(8)); break;
        case 4: s.insert(pick(s.size() + 1), s.substr(pick(s.size()), 1 + pick(24))); break;
        case 5: {
          const std::string& other = seeds_[pick(seeds_.size())];
          s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size()));
          break;
        }
        case 6:
        case 7: {  // a value swapped for a token
          const auto [at, size] = values[pick(values.size())];
          s.replace(at, size, kTokens[pick(kTokens.size())]);
          break;
        }
        case 8: {  // a key given twice: the member repeated in front of itself, with another value
          const std::size_t at = values[pick(values.size())].first;
          const std::size_t colon = s.rfind("\":", at);  // scalar_values found one
          const std::size_t key = colon == 0 ? std::string::npos : s.rfind('"', colon - 1);
          if (key != std::string::npos) s.insert(key, s.substr(key, at - key) + kTokens[pick(kTokens.size())] + ", ");
          break;
        }
        case 9: {  // a value nested deep, past simdjson's 1024 levels at times
          const auto [at, size] = values[pick(values.size())];
          const std::size_t depth = pick(2) ? 1 + pick(8) : 1020 + pick(10);
          const bool object = pick(2);
          std::string open, close;
          for (std::size_t d = 0; d < depth; ++d) {
            open += object ? "{\"a\":" : "[";
            close += object ? "}" : "]";
          }
          s.insert(at + size, close);
          s.insert(at, open);
          break;
        }
      }
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
  const std::vector<std::string>& seeds_;
};

}  // namespace rex::testing
