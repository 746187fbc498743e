// Seeded mutation fuzzing of the WebSocket message parser: byte flips, truncations, insertions,
// duplications and token swaps of valid messages. Every input must parse or be refused with a
// gateway or engine code; nothing may crash (ASan/UBSan in the debug preset). And numbers of any
// size (beyond 64 bits, beyond a double) as values: refused by field, never as malformed JSON.
#include <catch2/catch.hpp>

#include <random>

#include "gateway/protocol.hpp"
#include "gateway/reject.hpp"
#include "reference-data/loader.hpp"

using namespace rex::gateway;

namespace {

const rex::refdata::Catalogue& catalogue() {
  static const auto c =
      rex::refdata::load_catalogue_file(std::string(REX_SOURCE_DIR) + "/reference-data/catalogue/rex-catalogue.json");
  return c;
}

// Valid messages of every op; flat objects (no value holds a comma or a colon).
const std::vector<std::string> seeds = {
    R"({"op":"login","api_key":"demo-zytrade","req":1})",
    R"({"op":"new_order","req":"abc","cl_ord_id":"o-1","instrument":"CU-BARLEY-XUCHANG","side":"sell","type":"limit","price":"76010.5","qty":"3000","tif":"gtd","display_qty":"1000","min_qty":"500","post_only":false,"all_or_none":true,"stp":"decrement","expire_ns":"1795762771765173194"})",
    R"({"op":"new_order","cl_ord_id":"m","instrument":"FE-HMS8020-ANYANG","side":"buy","type":"market","qty":"10000","tif":"fok"})",
    R"({"op":"cancel","order_id":"12345"})",
    R"({"op":"amend","orig_cl_ord_id":"o-1","price":"76000.00","qty":"2000"})",
    R"({"op":"mass_cancel","instrument":"WP-OCC11-ZHENGZHOU"})",
    R"({"op":"order_status","orig_cl_ord_id":"x"})",
    R"({"op":"subscribe","channel":"depth","instrument":"AL-TAINT-ZHENGZHOU","req":"s"})",
    R"({"op":"unsubscribe","channel":"trades"})",
    R"({"op":"halt","commodity":"CU"})",
    R"({"op":"resume","instrument":"CU-BARLEY-XUCHANG"})",
    R"({"op":"kill","participant":"ZYTRADE"})",
    R"({"op":"reload_reference_data"})",
    R"({"op":"ping"})",
};

}  // namespace

TEST_CASE("fuzz: mutated messages parse or are refused with a known code", "[gateway][fuzz]") {
  RequestParser parser(catalogue());
  const std::string alphabet = "{}[]\":,0123456789.-+eE \\nultrfalsebuysellop\x01\xff\xc3\xa9";
  std::mt19937_64 rng(20261128);  // fixed seed: the same inputs every run
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  constexpr int kIterations = 30'000;  // ~1 s in debug with sanitizers
  int accepted = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string s = seeds[pick(seeds.size())];
    const int mutations = 1 + static_cast<int>(pick(4));
    for (int m = 0; m < mutations; ++m) {
      if (s.empty()) s.push_back('{');
      switch (pick(6)) {
        case 0: s[pick(s.size())] = static_cast<char>(rng()); break;
        case 1: s.resize(pick(s.size() + 1)); break;
        case 2: s.insert(pick(s.size() + 1), 1, alphabet[pick(alphabet.size())]); break;
        case 3: s.erase(pick(s.size()), 1 + pick(8)); break;
        case 4: {
          const std::size_t at = pick(s.size());
          s.insert(at, s.substr(pick(s.size()), 1 + pick(16)));
          break;
        }
        case 5: {
          const std::string& other = seeds[pick(seeds.size())];
          s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size()));
          break;
        }
      }
    }
    Request r;
    ParseError e;
    bool op_known = false;
    if (parser.parse(s, r, e, op_known)) {
      ++accepted;
      continue;
    }
    INFO(s);
    const bool gateway_code = e.code >= kFirstGatewayReject && e.code <= kLastGatewayReject;
    const bool engine_code = e.code == 1 || e.code == 29 || e.code == 30;
    REQUIRE((gateway_code || engine_code));
  }
  CHECK(accepted > 0);
}

TEST_CASE("fuzz: a number of any size in place of a field's value is refused by field, never as malformed JSON",
          "[gateway][fuzz]") {
  RequestParser parser(catalogue());
  std::mt19937_64 rng(20261129);  // fixed seed: the same inputs every run
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto digits = [&](std::size_t n) {
    std::string d;
    for (std::size_t i = 0; i < n; ++i) d += static_cast<char>('0' + pick(10));
    return d;
  };
  constexpr int kIterations = 3'000;
  for (int i = 0; i < kIterations; ++i) {
    std::string s = seeds[pick(seeds.size())];
    if (s.find("\"req\":") == std::string::npos && pick(2) == 0) s.insert(s.size() - 1, R"(,"req":0)");
    // A value: from behind a key's `":` to the next `,"` or the closing brace.
    std::vector<std::size_t> values;
    for (std::size_t at = s.find("\":"); at != std::string::npos; at = s.find("\":", at + 1)) values.push_back(at + 2);
    const std::size_t begin = values[pick(values.size())];
    const std::size_t end = std::min(s.find(",\"", begin), s.size() - 1);
    const bool negative = pick(3) == 0;
    const bool integer = pick(2) == 0;
    // Built by appending: g++ 12 at -O3 warns (-Wrestrict, a known false positive) on the
    // temporaries of `"-" + std::string(…) + …`.
    std::string number = negative ? "-" : "";
    number += static_cast<char>('1' + pick(9));
    number += digits(pick(40));
    if (!integer) {
      if (pick(2)) {
        number += '.';
        number += digits(1 + pick(5));
        number += 'e';
      } else {
        number += "E-";
      }
      number += digits(1 + pick(4));
    }
    const std::size_t key_end = begin - 2;  // its closing quote
    const std::size_t key_begin = s.rfind('"', key_end - 1) + 1;
    const std::string key = s.substr(key_begin, key_end - key_begin);
    s.replace(begin, end - begin, number);
    Request r;
    ParseError e;
    bool op_known = false;
    INFO(s);
    if (parser.parse(s, r, e, op_known)) continue;
    REQUIRE(e.code != static_cast<std::uint16_t>(GatewayReject::kMalformedJson));
    if (key == "req" && !negative && integer && number.size() > 20) {
      CHECK(e.code == static_cast<std::uint16_t>(GatewayReject::kBadValue));
    }
  }
}
