// The gateway's FIFO of commands in flight and of finished orders: order kept through wrap-around
// and growth, and what a slot held let go when it is popped.
#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <random>
#include <string>

#include "gateway/fifo_ring.hpp"

using rex::gateway::FifoRing;

TEST_CASE("fifo ring: first in, first out, through wrap-around and growth, as std::deque") {
  FifoRing<std::string> ring(4);
  std::deque<std::string> model;
  std::mt19937 rng(3);
  for (int step = 0; step < 50'000; ++step) {
    // Pushes a little more often than pops: the ring wraps many times and grows a few.
    if (model.empty() || rng() % 100 < 52) {
      std::string v = "value-longer-than-small-string-" + std::to_string(step);
      model.push_back(v);
      ring.push_back(std::move(v));
    } else {
      REQUIRE(ring.front() == model.front());
      ring.pop_front();
      model.pop_front();
    }
    REQUIRE(ring.size() == model.size());
    REQUIRE(ring.empty() == model.empty());
  }
  while (!model.empty()) {
    REQUIRE(ring.front() == model.front());
    ring.pop_front();
    model.pop_front();
  }
  CHECK(ring.empty());
}

TEST_CASE("fifo ring: a popped element is destroyed at once, not when its slot is reused") {
  FifoRing<std::shared_ptr<int>> ring(8);
  auto held = std::make_shared<int>(5);
  ring.push_back(std::shared_ptr<int>(held));
  CHECK(held.use_count() == 2);
  ring.pop_front();
  CHECK(held.use_count() == 1);
}
