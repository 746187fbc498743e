// Shared helpers of the end-to-end tests.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "test_server.hpp"
#include "ws_client.hpp"

namespace rex::testing {

inline constexpr std::string_view kCopper = "CU-BARLEY-XUCHANG";  // tick 10.00, lots 1,000 kg by 500 kg

// A new_order message; `extra` is appended inside the object (",\"tif\":\"ioc\"").
inline std::string order_json(std::string_view cl, std::string_view side, std::string_view price, std::string_view qty,
                              std::string_view extra = "", std::string_view instrument = kCopper) {
  std::string s = R"({"op":"new_order","cl_ord_id":")" + std::string(cl) + R"(","instrument":")" +
                  std::string(instrument) + R"(","side":")" + std::string(side) + "\"";
  if (!price.empty()) s += R"(,"price":")" + std::string(price) + "\"";
  s += R"(,"qty":")" + std::string(qty) + "\"";
  s += extra;
  s += "}";
  return s;
}

// Asserts a reject with this wire code and returns it.
inline Json expect_reject(WsClient& c, std::string_view message, int code) {
  Json r = c.request(message, {"reject"});
  INFO(message);
  INFO(r.text());
  CHECK(r.type() == "reject");
  CHECK(r.num("code") == code);
  return r;
}

inline Json expect_ack(WsClient& c, std::string_view message) {
  Json r = c.request(message);
  INFO(message);
  INFO(r.text());
  REQUIRE(r.type() == "ack");
  return r;
}

inline Json expect_amended(WsClient& c, std::string_view message) {
  Json r = c.request(message, {"amended", "reject"});
  INFO(message);
  INFO(r.text());
  REQUIRE(r.type() == "amended");
  return r;
}

// Asserts the order named by client order id `cl` is open with `open` kg: it has not traded.
inline void expect_open(WsClient& c, std::string_view cl, std::string_view open) {
  Json st = c.request(R"({"op":"order_status","orig_cl_ord_id":")" + std::string(cl) + "\"}", {"order_status", "reject"});
  INFO(st.text());
  CHECK(st.str("status") == "open");
  CHECK(st.str("open") == open);
}

// A lot of copper: a sell of 1,000 kg on `instrument` with this CU_PCT assay, priced low enough
// (74,000.00) to reach any copper bid of these tests.
inline std::string copper_lot_json(std::string_view cl, std::string_view instrument, std::string_view cu_pct) {
  return order_json(cl, "sell", "74000", "1000", R"(,"assay":{"CU_PCT":")" + std::string(cu_pct) + "\"}", instrument);
}

}  // namespace rex::testing
