// rex-loopback-floor: what order-to-ack latency costs on this machine with no exchange at all.
//
// rex-load's traffic shape (N connections, a fixed total rate, 500 µs ticks whose orders go out
// round robin, each connection's share in one write, latency from just before that write to the
// reply) against the least a server can do: a forked process whose one network thread reads
// whatever arrived, answers every request with a fixed-size reply and writes each connection's
// replies in one send. With --hops H the network thread instead hands each read's requests
// through H worker threads in turn (a ring and an eventfd wake-up per hand-over, as rexd's
// sequencer and journal writer), the last handing them back before they are answered. No
// parsing, matching or journal: the figures are a floor for rexd's on the same machine.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct Options {
  int connections = 8;
  long rate = 100000;
  int seconds = 8;
  int warmup = 2;
  long tick_us = 500;
  int hops = 0;
  std::size_t request_bytes = 160;  // about rex-load's new_order, framed
  std::size_t reply_bytes = 200;    // about rexd's ack
  long work_ns = 0;                 // busy work per request on the network thread (stands for parsing, checks, JSON)
};


[[noreturn]] void fail(const char* what) {
  std::perror(what);
  std::exit(2);
}

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void busy(long ns) {
  if (ns <= 0) return;
  const std::int64_t until = now_ns() + ns;
  while (now_ns() < until) {
  }
}

void no_delay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) fail("TCP_NODELAY");
}

void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) fail("O_NONBLOCK");
}

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;  // loopback, small replies: rare, spin
      fail("send");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// A request or reply: its id (the client's index of the send time), then padding.
struct Item {
  std::uint32_t connection;
  std::uint64_t id;
};

// Single producer, single consumer; the consumer sleeps on an eventfd when it finds it empty.
class Ring {
 public:
  explicit Ring(std::size_t capacity) : items_(capacity), wake_(eventfd(0, EFD_NONBLOCK)) {
    if (wake_ < 0) fail("eventfd");
  }
  int wake_fd() const { return wake_; }
  void push_all(const std::vector<Item>& batch) {
    std::size_t head = head_.load(std::memory_order_relaxed);
    for (const Item& item : batch) {
      while (head - tail_.load(std::memory_order_acquire) == items_.size()) std::this_thread::yield();
      items_[head % items_.size()] = item;
      ++head;
    }
    head_.store(head, std::memory_order_release);
    if (sleeping_.load(std::memory_order_seq_cst)) {
      const std::uint64_t one = 1;
      if (::write(wake_, &one, sizeof one) != sizeof one) fail("eventfd write");
    }
  }
  // Takes what is there into `out`; blocks (when `block`) until something is.
  void take(std::vector<Item>& out, bool block) {
    out.clear();
    for (;;) {
      std::size_t tail = tail_.load(std::memory_order_relaxed);
      const std::size_t head = head_.load(std::memory_order_acquire);
      if (head != tail) {
        for (; tail != head; ++tail) out.push_back(items_[tail % items_.size()]);
        tail_.store(tail, std::memory_order_release);
        return;
      }
      if (!block) return;
      sleeping_.store(true, std::memory_order_seq_cst);
      if (head_.load(std::memory_order_seq_cst) == tail) {
        std::uint64_t count = 0;
        pollfd p{wake_, POLLIN, 0};
        ::poll(&p, 1, -1);
        [[maybe_unused]] const ssize_t r = ::read(wake_, &count, sizeof count);
      }
      sleeping_.store(false, std::memory_order_relaxed);
    }
  }
  void drain_wake() {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t r = ::read(wake_, &count, sizeof count);
  }
  bool has_items() const { return head_.load(std::memory_order_seq_cst) != tail_.load(std::memory_order_relaxed); }
  void set_sleeping(bool s) { sleeping_.store(s, std::memory_order_seq_cst); }

 private:
  std::vector<Item> items_;
  std::atomic<std::size_t> head_{0};
  std::atomic<std::size_t> tail_{0};
  std::atomic<bool> sleeping_{false};
  int wake_;
};

[[noreturn]] void serve(int listener, const Options& o) {
  const int epoll = epoll_create1(0);
  std::vector<int> sockets;
  for (int i = 0; i < o.connections; ++i) {
    const int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) fail("accept");
    no_delay(fd);
    set_nonblocking(fd);
    epoll_event ev{EPOLLIN, {.u32 = static_cast<std::uint32_t>(i)}};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) != 0) fail("epoll_ctl");
    sockets.push_back(fd);
  }
  // The hand-over chain: rings[0] to worker 0, …, rings[hops] back to the network thread.
  std::vector<std::unique_ptr<Ring>> rings;
  for (int h = 0; h <= o.hops; ++h) rings.push_back(std::make_unique<Ring>(1 << 16));
  for (int h = 0; h < o.hops; ++h) {
    std::thread([&rings, h] {
      std::vector<Item> batch;
      for (;;) {
        rings[static_cast<std::size_t>(h)]->take(batch, true);
        rings[static_cast<std::size_t>(h) + 1]->push_all(batch);
      }
    }).detach();
  }
  Ring& back = *rings[static_cast<std::size_t>(o.hops)];
  if (o.hops > 0) {
    epoll_event ev{EPOLLIN, {.u32 = 0xffffffffu}};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, back.wake_fd(), &ev) != 0) fail("epoll_ctl");
  }
  std::vector<std::string> partial(sockets.size());
  std::vector<std::string> out(sockets.size());
  std::string reply(o.reply_bytes, 'r');
  std::vector<Item> items;
  std::vector<Item> answered;
  char buffer[65536];
  epoll_event events[64];
  const auto answer = [&](const std::vector<Item>& list) {
    for (const Item& item : list) {
      std::memcpy(reply.data(), &item.id, sizeof item.id);
      out[item.connection] += reply;
    }
    for (std::size_t c = 0; c < out.size(); ++c) {
      if (out[c].empty()) continue;
      write_all(sockets[c], out[c].data(), out[c].size());
      out[c].clear();
    }
  };
  for (;;) {
    int timeout = -1;
    if (o.hops > 0) {
      back.set_sleeping(true);
      if (back.has_items()) timeout = 0;  // pushed before it saw the flag
    }
    int n = epoll_wait(epoll, events, 64, timeout);
    if (o.hops > 0) back.set_sleeping(false);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("epoll_wait");
    }
    items.clear();
    for (int e = 0; e < n; ++e) {
      const std::uint32_t c = events[e].data.u32;
      if (c == 0xffffffffu) {
        back.drain_wake();
        continue;
      }
      // As Asio does: read, and read again until the socket says EAGAIN.
      for (;;) {
        const ssize_t got = ::recv(sockets[c], buffer, sizeof buffer, 0);
        if (got == 0) std::_Exit(0);
        if (got < 0) {
          if (errno == EAGAIN) break;
          if (errno == ECONNRESET) std::_Exit(0);  // the client went, replies unread
          fail("recv");
        }
        std::string& p = partial[c];
        p.append(buffer, static_cast<std::size_t>(got));
        std::size_t at = 0;
        for (; p.size() - at >= o.request_bytes; at += o.request_bytes) {
          Item item{c, 0};
          std::memcpy(&item.id, p.data() + at, sizeof item.id);
          busy(o.work_ns);
          items.push_back(item);
        }
        p.erase(0, at);
      }
    }
    if (o.hops == 0) {
      answer(items);
    } else {
      if (!items.empty()) rings[0]->push_all(items);
      back.take(answered, false);
      answer(answered);
    }
  }
}

int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) fail("connect");
  no_delay(fd);
  set_nonblocking(fd);
  return fd;
}

std::string format_us(std::int64_t ns) {
  char text[32];
  if (ns >= 1'000'000) std::snprintf(text, sizeof text, "%.2f ms", static_cast<double>(ns) / 1e6);
  else std::snprintf(text, sizeof text, "%lld µs", static_cast<long long>(ns / 1000));
  return text;
}

int run_client(const std::vector<int>& sockets, const Options& o) {
  prctl(PR_SET_TIMERSLACK, 1UL);
  const int epoll = epoll_create1(0);
  const int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  epoll_event tev{EPOLLIN, {.u32 = 0xffffffffu}};
  epoll_ctl(epoll, EPOLL_CTL_ADD, timer, &tev);
  for (std::size_t c = 0; c < sockets.size(); ++c) {
    epoll_event ev{EPOLLIN, {.u32 = static_cast<std::uint32_t>(c)}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, sockets[c], &ev);
  }
  const std::size_t total = static_cast<std::size_t>(o.rate) * static_cast<std::size_t>(o.seconds + o.warmup + 1);
  std::vector<std::int64_t> sent_at(total, 0);
  std::vector<std::int64_t> latencies;
  latencies.reserve(total);
  std::vector<std::string> partial(sockets.size());
  std::vector<std::string> out(sockets.size());
  std::string request(o.request_bytes, 'q');
  const std::int64_t start = now_ns();
  const std::int64_t measure_from = start + std::int64_t{o.warmup} * 1'000'000'000;
  const std::int64_t end = measure_from + std::int64_t{o.seconds} * 1'000'000'000;
  const std::int64_t tick = o.tick_us * 1000;
  std::int64_t next_tick = start;
  std::uint64_t next_id = 0;
  std::size_t next_connection = 0;
  std::size_t answered = 0;
  std::size_t measured_sent = 0;
  char buffer[65536];
  epoll_event events[64];
  while (next_tick < end) {
    // This tick's orders, round robin, each connection's in one write.
    const auto due = static_cast<std::uint64_t>((next_tick - start) / 1000 * o.rate / 1'000'000);
    const std::size_t count = due > next_id ? static_cast<std::size_t>(due - next_id) : 0;
    std::vector<std::uint64_t> ids;
    for (std::size_t i = 0; i < count; ++i) {
      std::memcpy(request.data(), &next_id, sizeof next_id);
      out[next_connection] += request;
      next_connection = (next_connection + 1) % sockets.size();
      ++next_id;
    }
    std::uint64_t first = next_id - count;
    for (std::size_t c = 0; c < sockets.size(); ++c) {
      if (out[c].empty()) continue;
      const std::int64_t t = now_ns();
      for (std::size_t at = 0; at < out[c].size(); at += o.request_bytes) {
        std::uint64_t id = 0;
        std::memcpy(&id, out[c].data() + at, sizeof id);
        sent_at[id] = t;
        if (t >= measure_from) ++measured_sent;
      }
      write_all(sockets[c], out[c].data(), out[c].size());
      out[c].clear();
    }
    (void)first;
    next_tick += tick;
    itimerspec when{{0, 0}, {static_cast<time_t>(next_tick / 1'000'000'000), static_cast<long>(next_tick % 1'000'000'000)}};
    timerfd_settime(timer, TFD_TIMER_ABSTIME, &when, nullptr);
    // Replies until the next tick is due.
    for (bool due_now = false; !due_now;) {
      const int n = epoll_wait(epoll, events, 64, -1);
      for (int e = 0; e < n; ++e) {
        const std::uint32_t c = events[e].data.u32;
        if (c == 0xffffffffu) {
          std::uint64_t expirations = 0;
          [[maybe_unused]] const ssize_t r = ::read(timer, &expirations, sizeof expirations);
          due_now = true;
          continue;
        }
        for (;;) {
          const ssize_t got = ::recv(sockets[c], buffer, sizeof buffer, 0);
          if (got <= 0) {
            if (got < 0 && errno == EAGAIN) break;
            fail("recv");
          }
          const std::int64_t t = now_ns();
          std::string& p = partial[c];
          p.append(buffer, static_cast<std::size_t>(got));
          std::size_t at = 0;
          for (; p.size() - at >= o.reply_bytes; at += o.reply_bytes) {
            std::uint64_t id = 0;
            std::memcpy(&id, p.data() + at, sizeof id);
            ++answered;
            if (sent_at[id] >= measure_from) latencies.push_back(t - sent_at[id]);
          }
          p.erase(0, at);
        }
      }
    }
  }
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double q) {
    return latencies.empty() ? 0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * static_cast<double>(latencies.size())))];
  };
  std::printf("loopback floor: %d connections, %ld/s, tick %ld µs, %d hop(s), %ld ns work per request, %zu-byte "
              "requests, %zu-byte replies\n",
              o.connections, o.rate, o.tick_us, o.hops, o.work_ns, o.request_bytes, o.reply_bytes);
  std::printf("measured %zu of %zu sent in %d s (%zu answered in all)\n", latencies.size(), measured_sent, o.seconds,
              answered);
  std::printf("latency p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n", format_us(pct(0.5)).c_str(),
              format_us(pct(0.9)).c_str(), format_us(pct(0.99)).c_str(), format_us(pct(0.999)).c_str(),
              format_us(latencies.empty() ? 0 : latencies.back()).c_str());
  return latencies.size() + 100 < measured_sent ? 1 : 0;  // most of them must have come back
}

long number(const char* flag, const char* text) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 0) {
    std::fprintf(stderr, "%s: not a number: %s\n", flag, text);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", argv[i]);
      return 2;
    }
    const long v = number(argv[i], argv[i + 1]);
    ++i;
    if (flag == "--connections") o.connections = static_cast<int>(std::max(1L, v));
    else if (flag == "--rate") o.rate = std::max(1L, v);
    else if (flag == "--seconds") o.seconds = static_cast<int>(std::max(1L, v));
    else if (flag == "--warmup") o.warmup = static_cast<int>(v);
    else if (flag == "--tick-us") o.tick_us = std::max(1L, v);
    else if (flag == "--hops") o.hops = static_cast<int>(v);
    else if (flag == "--work-ns") o.work_ns = v;
    else if (flag == "--request-bytes") o.request_bytes = static_cast<std::size_t>(std::max(8L, v));
    else if (flag == "--reply-bytes") o.reply_bytes = static_cast<std::size_t>(std::max(8L, v));
    else {
      std::fprintf(stderr,
                   "usage: rex-loopback-floor [--connections 8] [--rate 100000] [--seconds 8] [--warmup 2] "
                   "[--tick-us 500] [--hops 0] [--work-ns 0] [--request-bytes 160] [--reply-bytes 200]\n");
      return 2;
    }
  }
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listener, 128) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    fail("listen");
  }
  const pid_t server = fork();
  if (server < 0) fail("fork");
  if (server == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    serve(listener, o);
  }
  close(listener);
  std::vector<int> sockets;
  for (int i = 0; i < o.connections; ++i) sockets.push_back(connect_to(ntohs(a.sin_port)));
  const int rc = run_client(sockets, o);
  for (int fd : sockets) close(fd);
  int status = 0;
  rusage server_usage{};
  rusage client_usage{};
  wait4(server, &status, 0, &server_usage);
  getrusage(RUSAGE_SELF, &client_usage);
  const auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  std::printf("CPU seconds: server %.2f user + %.2f system, client %.2f user + %.2f system\n",
              seconds(server_usage.ru_utime), seconds(server_usage.ru_stime), seconds(client_usage.ru_utime),
              seconds(client_usage.ru_stime));
  return rc;
}
