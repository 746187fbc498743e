// The gateway's order and client-order-id tables: against a std::map model through inserts and
// erases in random order (deletion shifts clusters back, the index doubles past its size), records
// that never move, and the limits of a client order id.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gateway/client_order_ids.hpp"
#include "gateway/order_table.hpp"
#include "gateway/record_table.hpp"

using namespace rex::gateway;

namespace {

struct Item {
  std::uint64_t key = 0;
  std::uint64_t value = 0;
};

// A hash that puts every key in one of a few home slots: long clusters, wrapping at the end of
// the index, the cases where a wrong backward shift loses or hides a record.
std::uint64_t crowded(std::uint64_t key) { return (key % 5) * 0x9E3779B9u + 0xFFFFFFF0u; }

TEST_CASE("record table: finds exactly what the model holds through random inserts and erases") {
  for (const bool crowd : {false, true}) {
    RecordTable<Item> table(64);
    std::map<std::uint64_t, std::uint64_t> model;
    std::map<std::uint64_t, Item*> where;
    std::mt19937_64 rng(crowd ? 7 : 11);
    auto hash = [&](std::uint64_t k) { return crowd ? crowded(k) : mix_hash(k); };
    for (int step = 0; step < 20'000; ++step) {
      const std::uint64_t key = 1 + rng() % 300;
      auto match = [key](const Item& i) { return i.key == key; };
      Item* found = table.find(hash(key), match);
      REQUIRE((found != nullptr) == (model.count(key) == 1));
      if (found == nullptr) {
        Item& added = table.insert(hash(key));
        CHECK(added.key == 0);  // a reused record comes back in its default state
        added = Item{key, rng()};
        model[key] = added.value;
        where[key] = &added;
      } else {
        REQUIRE(found == where[key]);  // the record has not moved
        REQUIRE(found->value == model[key]);
        table.erase(hash(key), found);
        model.erase(key);
        where.erase(key);
      }
      REQUIRE(table.size() == model.size());
    }
    for (const auto& [key, value] : model) {
      const Item* i = table.find(hash(key), [key = key](const Item& it) { return it.key == key; });
      REQUIRE(i != nullptr);
      CHECK(i->value == value);
    }
  }
}

TEST_CASE("record table: grows past its expected size with every record where it was") {
  RecordTable<Item> table(8);
  std::vector<Item*> records;
  for (std::uint64_t k = 1; k <= 5'000; ++k) {
    Item& i = table.insert(mix_hash(k));
    i = Item{k, k * 3};
    records.push_back(&i);
  }
  for (std::uint64_t k = 1; k <= 5'000; ++k) {
    const Item* i = table.find(mix_hash(k), [k](const Item& it) { return it.key == k; });
    REQUIRE(i == records[k - 1]);
    CHECK(i->value == k * 3);
  }
  CHECK(table.find(mix_hash(5'001), [](const Item& it) { return it.key == 5'001; }) == nullptr);
}

TEST_CASE("order table: put replaces the record of the same id, erase forgets it") {
  OrderTable orders(16);
  OrderRecord a;
  a.id = 10;
  a.cl_ord_id = "a-client-order-id-longer-than-sso";
  a.quantity = 5;
  OrderRecord& stored = orders.put(std::move(a));
  CHECK(orders.find(10) == &stored);
  OrderRecord b;
  b.id = 10;
  b.quantity = 7;
  CHECK(&orders.put(std::move(b)) == &stored);
  CHECK(orders.find(10)->quantity == 7);
  CHECK(orders.find(10)->cl_ord_id.empty());
  CHECK(orders.size() == 1);
  orders.erase(stored);
  CHECK(orders.find(10) == nullptr);
  CHECK(orders.size() == 0);
}

TEST_CASE("client order ids: the longest id the protocol allows is stored whole") {
  ClientOrderIds ids(4);
  const std::string longest(kMaxClientOrderIdBytes, 'z');
  REQUIRE(ids.claim(3, longest) != nullptr);
  ids.set(3, longest, 99);
  CHECK(ids.find(3, longest) == 99);
  CHECK(ids.find(3, longest.substr(1)) == 0);  // a prefix is another id
  CHECK_THROWS_AS(ids.claim(3, longest + "z"), std::length_error);
  CHECK(ids.size() == 1);
}

}  // namespace
