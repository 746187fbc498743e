// CPU lists (rexd's io_cpus, rex-load's --cpus): what they accept, what they refuse and why, and a
// thread pinned to one runs there.
#include <catch2/catch.hpp>

#include <sched.h>

#include <stdexcept>
#include <thread>

#include "gateway/cpu_list.hpp"

using rex::gateway::parse_cpu_list;
using rex::gateway::pin_this_thread;

namespace {

std::string refusal(std::string_view text) {
  try {
    parse_cpu_list(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("CPU lists as taskset writes them", "[gateway][cpus]") {
  cpu_set_t allowed;
  REQUIRE(::sched_getaffinity(0, sizeof allowed, &allowed) == 0);
  unsigned first = 0;
  while (!CPU_ISSET(first, &allowed)) ++first;
  const std::string one = std::to_string(first);
  CHECK(parse_cpu_list(one) == std::vector<unsigned>{first});
  CHECK(parse_cpu_list(one + "," + one) == std::vector<unsigned>{first});  // repeats once
  CHECK(parse_cpu_list(one + "-" + one) == std::vector<unsigned>{first});
  if (CPU_COUNT(&allowed) >= 2 && CPU_ISSET(first + 1, &allowed)) {
    const std::string two = std::to_string(first + 1);
    CHECK(parse_cpu_list(two + "," + one) == std::vector<unsigned>{first, first + 1});  // sorted
    CHECK(parse_cpu_list(one + "-" + two) == std::vector<unsigned>{first, first + 1});
  }
  for (std::string_view bad : {"", ",", "a", "1,", "-1", "1-", "1 ", " 1", "0x1", "1-2-3"}) {
    INFO("'" << bad << "'");
    CHECK_THAT(refusal(bad), Catch::Contains("is not a CPU list"));
  }
  CHECK_THAT(refusal("3-1"), Catch::Contains("a range runs from low to high"));
  CHECK_THAT(refusal("99999"), Catch::Contains("CPU 99999 does not exist"));
  CHECK_THAT(refusal("1000"), Catch::Contains("CPU 1000 is not one this process may run on"));
}

TEST_CASE("a thread pinned to a CPU runs there", "[gateway][cpus]") {
  cpu_set_t allowed;
  REQUIRE(::sched_getaffinity(0, sizeof allowed, &allowed) == 0);
  unsigned last = CPU_SETSIZE - 1;
  while (!CPU_ISSET(last, &allowed)) --last;
  int ran_on = -1;
  int pinned = -1;
  std::thread t([&] {
    pinned = pin_this_thread({last});
    for (int i = 0; i < 100; ++i) std::this_thread::yield();  // a chance to move, were it free to
    ran_on = ::sched_getcpu();
  });
  t.join();
  CHECK(pinned == 0);
  CHECK(ran_on == static_cast<int>(last));
}
