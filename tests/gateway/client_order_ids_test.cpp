// The table of client order ids in use: per participant (the same id may be used by two
// participants), taken while a new order is in flight, given back only by the order that holds it.
#include <catch2/catch.hpp>

#include <string>

#include "gateway/client_order_ids.hpp"

using rex::gateway::ClientOrderIds;

TEST_CASE("a client order id is taken per participant and names its order once set") {
  ClientOrderIds ids(16);
  rex::matcher::OrderId* slot = ids.claim(1, "abc");
  REQUIRE(slot != nullptr);
  CHECK(ids.find(1, "abc") == 0);  // in flight: not yet an order
  CHECK(ids.claim(1, "abc") == nullptr);  // a duplicate, even while in flight
  CHECK(ids.claim(2, "abc") != nullptr);  // another participant's id space
  *slot = 42;
  CHECK(ids.find(1, "abc") == 42);
  CHECK(ids.find(1, "abd") == 0);
  CHECK(ids.find(3, "abc") == 0);
  CHECK(ids.size() == 2);
}

TEST_CASE("a client order id is given back only by the order that holds it") {
  ClientOrderIds ids(16);
  ids.set(1, "x", 7);
  ids.release(1, "x", 0);  // a failed new order with the same id does not free the open order's
  CHECK(ids.find(1, "x") == 7);
  ids.release(2, "x", 7);  // nor does another participant's
  CHECK(ids.find(1, "x") == 7);
  ids.release(1, "x", 7);
  CHECK(ids.find(1, "x") == 0);
  CHECK(ids.claim(1, "x") != nullptr);  // reusable once its order is forgotten
  ids.release(1, "x", 0);
  CHECK(ids.size() == 0);
}

TEST_CASE("slots stay where they are while the table grows past what it was sized for") {
  ClientOrderIds ids(4);
  rex::matcher::OrderId* first = ids.claim(9, "first");
  REQUIRE(first != nullptr);
  for (int i = 0; i < 10'000; ++i) REQUIRE(ids.claim(9, "id-" + std::to_string(i)) != nullptr);
  *first = 5;  // the in-flight order's slot, written at its ack
  CHECK(ids.find(9, "first") == 5);
  CHECK(ids.find(9, "id-9999") == 0);
  CHECK(ids.size() == 10'001);
}
