// Outgoing messages: recycled once no session holds them, never while one does; texts too large to
// be worth keeping are freed. Each case runs on a thread of its own, whose message pool starts empty.
#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "gateway/message.hpp"

using namespace rex::gateway;

namespace {

template <class F>
void on_fresh_thread(F&& f) {
  std::thread t(std::forward<F>(f));
  t.join();
}

TEST_CASE("message: a dropped message's text comes back, empty, for the next one") {
  on_fresh_thread([] {
    std::string first = message_text();
    CHECK(first.empty());
    first.assign(1000, 'a');
    const std::size_t capacity = first.capacity();
    const char* buffer = first.data();
    Message m = make_message(std::move(first));
    CHECK(*m == std::string(1000, 'a'));
    CHECK(m->data() == buffer);  // wrapped, not copied
    Message copy = m;            // as when it goes to several sessions
    m.reset();
    CHECK(*copy == std::string(1000, 'a'));
    copy.reset();
    std::string next = message_text();
    CHECK(next.empty());
    CHECK(next.capacity() == capacity);
    CHECK(next.data() == buffer);
  });
}

TEST_CASE("message: a text still held by a session is not handed out again") {
  on_fresh_thread([] {
    std::string t = message_text();
    t = "held by a slow session";
    Message held = make_message(std::move(t));
    for (int i = 0; i < 100; ++i) {
      std::string other = message_text();
      CHECK(other.data() != held->data());
      other = "another message " + std::to_string(i);
      make_message(std::move(other));  // dropped at once: recycled
    }
    CHECK(*held == "held by a slow session");
  });
}

TEST_CASE("message: a large text (a snapshot) is freed, not kept") {
  on_fresh_thread([] {
    std::string big = message_text();
    big.assign(100'000, 'x');
    make_message(std::move(big));
    CHECK(message_text().capacity() < 100'000);
  });
}

}  // namespace
