// Seeded mutation fuzzing of the WebSocket message parser: byte flips, truncations, insertions,
// duplications and token swaps of valid messages. Every input must parse or be refused with a
// gateway or engine code; nothing may crash (ASan/UBSan in the debug preset).
#include <catch2/catch.hpp>

#include <random>

#include "gateway/protocol.hpp"
#include "gateway/reject.hpp"
#include "reference-data/loader.hpp"

using namespace rex::gateway;

TEST_CASE("fuzz: mutated messages parse or are refused with a known code", "[gateway][fuzz]") {
  const auto catalogue =
      rex::refdata::load_catalogue_file(std::string(REX_SOURCE_DIR) + "/reference-data/catalogue/rex-catalogue.json");
  RequestParser parser(catalogue);
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
