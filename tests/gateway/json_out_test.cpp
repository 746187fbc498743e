// The gateway's JSON writer: what clients send back to them (client order ids, reject details) is
// escaped, every message parses as JSON, and prices and quantities are decimal strings.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <string>

#include "gateway/json_out.hpp"

using namespace rex::gateway;

namespace {

std::string as_json(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// The string `json` holds under `key`, as a JSON parser reads it back.
std::string read_back(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(json).get(doc));
  std::string_view value;
  REQUIRE_FALSE(doc[key].get_string().get(value));
  return std::string(value);
}

}  // namespace

TEST_CASE("strings are escaped where JSON needs it and appended whole elsewhere", "[gateway][json]") {
  CHECK(as_json("") == "\"\"");
  CHECK(as_json("c12-345") == "\"c12-345\"");
  CHECK(as_json("a\"b") == "\"a\\\"b\"");
  CHECK(as_json("a\\b") == "\"a\\\\b\"");
  CHECK(as_json("\"") == "\"\\\"\"");
  CHECK(as_json("tab\there") == "\"tab\\u0009here\"");
  CHECK(as_json(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  CHECK(as_json("\x1f\x7f") == "\"\\u001f\x7f\"");  // DEL is not a control character for JSON
  CHECK(as_json("\xe9\x92\xa2") == "\"\xe9\x92\xa2\"");  // UTF-8 passes through
  // Every byte value, each run between escapes kept: the parser reads back exactly the input.
  std::string every;
  for (int c = 1; c < 128; ++c) every += static_cast<char>(c);
  std::string json = "{\"v\":" + as_json(every) + "}";
  CHECK(read_back(json, "v") == every);
}

TEST_CASE("objects and arrays get their commas, keys of any length, decimals as strings", "[gateway][json]") {
  std::string s;
  JsonOut j(s);
  const std::string long_key(70, 'k');  // longer than the writer's one-append buffer
  j.begin_object()
      .field("type", "ack")
      .field_id("order_id", 18446744073709551615ull)
      .field_price("price", -7596001)
      .field_quantity("qty", 1000)
      .field_bool("post_only", true)
      .field(long_key, "v")
      .key("levels")
      .begin_array()
      .begin_object()
      .field_price("p", 5)
      .end_object()
      .begin_object()
      .end_object()
      .end_array()
      .end_object();
  CHECK(s == "{\"type\":\"ack\",\"order_id\":\"18446744073709551615\",\"price\":\"-75960.01\",\"qty\":\"1000\","
             "\"post_only\":true,\"" + long_key + "\":\"v\",\"levels\":[{\"p\":\"0.05\"},{}]}");
  CHECK(read_back(s, "price") == "-75960.01");
}
