#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "matcher/order_index.hpp"
#include "matcher/order_pool.hpp"
#include "matcher/price_ladder.hpp"

using namespace rex::matcher;

namespace {

// Walks a ladder from best to worst through next_worse().
std::vector<std::int32_t> walk(const PriceLadder& ladder) {
  std::vector<std::int32_t> slots;
  for (auto s = ladder.best(); s != PriceLadder::kNone; s = ladder.next_worse(s)) slots.push_back(s);
  return slots;
}

}  // namespace

TEST_CASE("price ladder finds best and next levels like an ordered set", "[ladder]") {
  for (Side side : {Side::kBuy, Side::kSell}) {
    // 9,000 slots spans three summary words, so the second bitmap level is exercised.
    constexpr std::int32_t kSlots = 9000;
    PriceLadder ladder(side, 100, 10, kSlots);
    OrderPool pool(16);
    std::vector<Order*> resting;
    std::set<std::int32_t> expected;
    std::mt19937_64 rng(side == Side::kBuy ? 7 : 8);
    for (int step = 0; step < 20000; ++step) {
      const bool add = resting.empty() || rng() % 3 != 0;
      if (add) {
        Order* o = pool.acquire();
        // Cluster some orders at the edges to hit word and summary boundaries.
        const auto r = rng() % 10;
        o->level = static_cast<std::int16_t>(r == 0 ? 0 : r == 1 ? kSlots - 1 : static_cast<std::int32_t>(rng() % kSlots));
        o->visible = 1;
        ladder.push_back(o);
        resting.push_back(o);
        expected.insert(o->level);
      } else {
        const auto i = rng() % resting.size();
        Order* o = resting[i];
        resting[i] = resting.back();
        resting.pop_back();
        ladder.unlink(o);
        if (ladder.level(o->level).count == 0) expected.erase(o->level);
        pool.release(o);
      }
      if (step % 97 == 0 || expected.size() < 5) {
        std::vector<std::int32_t> want(expected.begin(), expected.end());
        if (side == Side::kBuy) std::reverse(want.begin(), want.end());
        REQUIRE(walk(ladder) == want);
      }
    }
  }
}

TEST_CASE("price ladder keeps FIFO order and moves an order to the back", "[ladder]") {
  PriceLadder ladder(Side::kSell, 0, 1, 10);
  OrderPool pool(4);
  Order* a = pool.acquire();
  Order* b = pool.acquire();
  Order* c = pool.acquire();
  for (Order* o : {a, b, c}) {
    o->level = 3;
    o->visible = 5;
    ladder.push_back(o);
  }
  REQUIRE(ladder.level(3).visible == 15);
  REQUIRE(ladder.level(3).count == 3);
  ladder.move_to_back(a);
  REQUIRE(ladder.level(3).head == b);
  REQUIRE(b->next == c);
  REQUIRE(c->next == a);
  REQUIRE(ladder.level(3).tail == a);
  ladder.move_to_back(a);  // already last: unchanged
  REQUIRE(ladder.level(3).tail == a);
  ladder.unlink(c);
  REQUIRE(b->next == a);
  REQUIRE(a->prev == b);
  REQUIRE(ladder.level(3).count == 2);
  REQUIRE(ladder.best() == 3);
  ladder.unlink(a);
  ladder.unlink(b);
  REQUIRE(ladder.empty());
}

TEST_CASE("order index agrees with a map under random inserts and erases", "[index]") {
  OrderIndex index(8);  // starts small so rehashing happens
  OrderPool pool(64);
  std::map<OrderId, Order*> expected;
  std::mt19937_64 rng(42);
  OrderId next_id = 1;
  for (int step = 0; step < 200000; ++step) {
    if (expected.empty() || rng() % 2 == 0) {
      Order* o = pool.acquire();
      o->id = next_id;
      next_id += 1 + rng() % 3;
      index.insert(o);
      expected[o->id] = o;
    } else {
      auto it = expected.begin();
      std::advance(it, static_cast<long>(rng() % std::min<std::size_t>(expected.size(), 8)));
      index.erase(it->first);
      pool.release(it->second);
      expected.erase(it);
    }
    if (step % 1000 == 0) {
      REQUIRE(index.size() == expected.size());
      for (const auto& [id, order] : expected) REQUIRE(index.find(id) == order);
      REQUIRE(index.find(next_id) == nullptr);
    }
  }
}
