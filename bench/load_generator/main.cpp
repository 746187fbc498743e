// rex-load: drives a running rexd over many WebSocket connections with a configurable order mix
// and rate, and reports throughput and order-to-acknowledgement latency percentiles.
//
//   rex-load --port 8080 --connections 32 --rate 100000 --seconds 10 --mix 60,30,10
//
// Every connection logs in (demo keys, round robin over --participants), then sends new passive
// limit orders, cancels of its own resting orders, and aggressive IOC orders, in the --mix
// proportions. --rate is the total target in orders per second (0: closed loop, each connection
// keeps --window requests in flight). Every tick (--tick-us, default 500 µs) the orders due are spread round robin over
// the connections, --burst at a time (default 1), and each connection writes what it was given in
// one system call. Latency is measured from just before that write to the arrival of the order's
// "ack" (or "reject"), on one clock, in this process.
// One thread runs every connection (the generator must leave the machine's cores to rexd); --cpus
// keeps it to the given CPUs (rexd's io_cpus can then give the gateway's I/O thread another).
// Boost 1.74 asio needs <utility> (std::exchange) before it under C++20.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <sys/prctl.h>

#include "gateway/cpu_list.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int connections = 32;
  std::uint64_t rate = 0;  // orders per second, all connections together; 0 = closed loop
  int window = 64;         // requests in flight per connection at most
  int burst = 1;           // orders one connection sends back to back (one write) when its turn comes
  int tick_us = 500;       // pacing interval: the orders due in it leave together
  std::vector<unsigned> cpus;  // the generator runs on these CPUs only; empty: anywhere
  double seconds = 10;     // measured time
  double warmup = 2;       // not measured
  int mix_new = 60, mix_cancel = 30, mix_aggressive = 10;
  int live_cap = 100;      // resting orders per connection before new orders give way to cancels
  std::vector<std::string> participants = {"zytrade"};
  std::vector<std::string> instruments = {"FE-HMS8020-ANYANG", "CU-BARLEY-XUCHANG", "AL-TAINT-ZHENGZHOU",
                                          "WP-OCC11-ZHENGZHOU"};
  std::uint64_t seed = 20261128;
  bool json = false;
  bool timeline = false;  // also print latency percentiles per 500 ms of the measured time
  bool batch = true;  // log in with "batch": true (several replies per frame)
};

// Demo prices and lots of the bundled catalogue's instruments (fen per tonne, kg).
struct InstrumentTerms {
  std::string code;
  std::int64_t mid = 0;
  std::int64_t tick = 0;
  std::int64_t lot = 0;
};

InstrumentTerms terms_of(const std::string& code) {
  if (code.rfind("FE-", 0) == 0) return {code, 270'000, 100, 10'000};
  if (code.rfind("CU-", 0) == 0) return {code, 7'600'000, 1'000, 1'000};
  if (code.rfind("AL-", 0) == 0) return {code, 1'650'000, 1'000, 5'000};
  return {code, 155'000, 100, 10'000};  // WP
}

void append_price(std::string& s, std::int64_t fen) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, fen / 100);
  s.append(buf, r.ptr);
  s += '.';
  s += static_cast<char>('0' + (fen % 100) / 10);
  s += static_cast<char>('0' + fen % 10);
}

void append_u(std::string& s, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

// Finds "key":"digits" or "key":digits and returns the number (0 if absent).
std::uint64_t find_number(std::string_view text, std::string_view key) {
  const auto at = text.find(key);
  if (at == std::string_view::npos) return 0;
  std::size_t i = at + key.size();
  if (i < text.size() && text[i] == '"') ++i;
  std::uint64_t v = 0;
  std::from_chars(text.data() + i, text.data() + text.size(), v);
  return v;
}

std::string_view find_type(std::string_view text) {
  constexpr std::string_view kKey = "\"type\":\"";
  const auto at = text.find(kKey);
  if (at == std::string_view::npos) return {};
  const auto start = at + kKey.size();
  const auto end = text.find('"', start);
  return text.substr(start, end - start);
}

struct Stats {
  std::vector<std::uint32_t> ack_ns;  // new order -> ack, measured phase only (ns, capped at 4 s)
  std::vector<std::uint32_t> ack_at_ms;  // when each ack_ns sample arrived, ms into the measured time
  Clock::time_point measure_start{};
  std::uint64_t sent = 0, sent_new = 0, acks = 0, rejects = 0, fills = 0, cancels = 0, other = 0;
  std::uint64_t throttled = 0;
  std::map<std::uint64_t, std::uint64_t> reject_codes;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& ioc, const Options& o, int index, Stats& stats, const bool& measuring)
      : ws_(ioc), options_(o), index_(index), stats_(stats), measuring_(measuring), rng_(o.seed + index),
        sent_at_(static_cast<std::size_t>(std::max(o.window, 1)) * 4) {
    for (const auto& code : o.instruments) terms_.push_back(terms_of(code));
  }

  void start(const tcp::endpoint& endpoint) {
    ws_.next_layer().connect(endpoint);
    ws_.next_layer().set_option(tcp::no_delay(true));
    ws_.handshake(options_.host + ":" + std::to_string(options_.port), "/ws");
    const std::string key = "demo-" + options_.participants[static_cast<std::size_t>(index_) % options_.participants.size()];
    ws_.write(asio::buffer(R"({"op":"login","api_key":")" + key + (options_.batch ? R"(","batch":true})" : "\"}")));
    beast::flat_buffer b;
    ws_.read(b);
    const std::string reply = beast::buffers_to_string(b.data());
    if (find_type(reply) != "login_ack") throw std::runtime_error("login failed: " + reply);
    read();
  }

  bool ready() const { return in_flight_ < static_cast<std::size_t>(options_.window) && !closed_; }

  // Sends one request chosen by the mix.
  void send_one() {
    std::string m;
    m.reserve(256);
    const int roll = static_cast<int>(rng_() % 100);
    const bool cancel = roll >= options_.mix_new && roll < options_.mix_new + options_.mix_cancel;
    const bool aggressive = roll >= options_.mix_new + options_.mix_cancel;
    const std::uint64_t req = ++next_req_;
    if ((cancel || live_.size() >= static_cast<std::size_t>(options_.live_cap)) && !live_.empty()) {
      const std::size_t pick = rng_() % live_.size();
      const std::uint64_t id = live_[pick];
      live_[pick] = live_.back();
      live_.pop_back();
      m = R"({"op":"cancel","req":)";
      append_u(m, req);
      m += R"(,"order_id":")";
      append_u(m, id);
      m += "\"}";
      queue(std::move(m), req, false);
      return;
    }
    const auto& t = terms_[rng_() % terms_.size()];
    const bool buy = (rng_() & 1) != 0;
    std::int64_t price;
    if (aggressive) {
      price = buy ? t.mid + 5 * t.tick : t.mid - 5 * t.tick;
    } else {
      const auto distance = static_cast<std::int64_t>(1 + rng_() % 20);
      price = buy ? t.mid - distance * t.tick : t.mid + distance * t.tick;
    }
    m = R"({"op":"new_order","req":)";
    append_u(m, req);
    m += R"(,"cl_ord_id":"c)";
    append_u(m, static_cast<std::uint64_t>(index_));
    m += '-';
    append_u(m, req);
    m += R"(","instrument":")";
    m += t.code;
    m += buy ? R"(","side":"buy","price":")" : R"(","side":"sell","price":")";
    append_price(m, price);
    m += R"(","qty":")";
    append_u(m, static_cast<std::uint64_t>(t.lot * static_cast<std::int64_t>(1 + rng_() % 3)));
    m += aggressive ? R"(","tif":"ioc"})" : R"("})";
    queue(std::move(m), req, true);
  }

  // Writes what send_one() queued: everything a connection sends in one tick goes in one system call.
  void flush() {
    if (!writing_ && !pending_.empty() && !closed_) write_next();
  }

  void close() {
    closed_ = true;
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }

 private:
  void queue(std::string m, std::uint64_t req, bool is_new) {
    ++in_flight_;
    ++stats_.sent;
    if (is_new) ++stats_.sent_new;
    Slot& slot = sent_at_[req % sent_at_.size()];
    slot.req = req;
    slot.is_new = is_new;
    unstamped_.push_back(req);  // stamped when its write starts (write_next)
    append_frame(pending_, m);
  }

  // Client frames built here rather than by Beast, so that everything queued goes out in one
  // write (one system call for many orders): FIN + text, the mask bit with an all-zero key (RFC
  // 6455 requires the bit, a zero key leaves the payload as it is), 7/16/64-bit length.
  static void append_frame(std::string& out, std::string_view payload) {
    out += static_cast<char>(0x81);
    const std::size_t n = payload.size();
    if (n < 126) {
      out += static_cast<char>(0x80 | n);
    } else if (n < 65536) {
      out += static_cast<char>(0x80 | 126);
      out += static_cast<char>(n >> 8);
      out += static_cast<char>(n & 0xff);
    } else {
      out += static_cast<char>(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
    }
    out.append(4, '\0');
    out += payload;
  }

  void write_next() {
    writing_ = true;
    // Latency counts from here, just before the system call that sends the orders: not the time
    // this one thread spent writing to the other connections first in the same tick.
    const auto now = Clock::now();
    for (std::uint64_t req : unstamped_) sent_at_[req % sent_at_.size()].at = now;
    unstamped_.clear();
    writing_buffer_.swap(pending_);
    pending_.clear();
    asio::async_write(ws_.next_layer(), asio::buffer(writing_buffer_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        self->writing_buffer_.clear();
                        if (ec) {
                          self->closed_ = true;
                          return;
                        }
                        if (!self->pending_.empty()) self->write_next();
                      });
  }

  // Server frames are read straight off the socket into one large buffer and split here (they
  // are unmasked; rexd neither fragments nor compresses): one receive takes everything that
  // arrived, where a read per frame through Beast costs a second, empty receive each time.
  void read() {
    if (in_end_ == in_.size()) in_.resize(in_.size() * 2);  // a frame larger than the buffer
    ws_.next_layer().async_read_some(
        asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          if (ec) {
            self->closed_ = true;
            return;
          }
          self->in_end_ += n;
          self->split_frames();
          self->read();
        });
  }

  void split_frames() {
    std::size_t at = 0;
    for (;;) {
      const std::size_t left = in_end_ - at;
      if (left < 2) break;
      const auto* p = reinterpret_cast<const unsigned char*>(in_.data() + at);
      const unsigned opcode = p[0] & 0x0f;
      std::size_t header = 2;
      std::uint64_t length = p[1] & 0x7f;
      if (length == 126) {
        header = 4;
        if (left < header) break;
        length = (std::uint64_t{p[2]} << 8) | p[3];
      } else if (length == 127) {
        header = 10;
        if (left < header) break;
        length = 0;
        for (int i = 2; i < 10; ++i) length = (length << 8) | p[i];
      }
      if (left - header < length) break;
      const std::string_view payload(in_.data() + at + header, static_cast<std::size_t>(length));
      if (opcode == 0x8) {  // close
        closed_ = true;
      } else if (opcode == 0x1 || opcode == 0x0) {
        on_frame(payload);
      }
      at += header + static_cast<std::size_t>(length);
    }
    if (at > 0) {
      std::memmove(in_.data(), in_.data() + at, in_end_ - at);
      in_end_ -= at;
    }
  }

  // A frame is one message, or (batch mode) a JSON array of messages: split at depth-1 objects.
  void on_frame(std::string_view text) {
    if (text.empty() || text[0] != '[') return on_message(text);
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    std::size_t start = 0;
    for (std::size_t i = 1; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        if (depth++ == 0) start = i;
      } else if (c == '}') {
        if (--depth == 0) on_message(text.substr(start, i - start + 1));
      }
    }
  }

  void forget(std::uint64_t id) {
    auto it = std::find(live_.begin(), live_.end(), id);
    if (it == live_.end()) return;
    *it = live_.back();
    live_.pop_back();
  }

  void on_message(std::string_view text) {
    const auto now = Clock::now();
    const std::string_view type = find_type(text);
    const std::uint64_t req = text.find("\"req\":") != std::string_view::npos ? find_number(text, "\"req\":") : 0;
    if (type == "fill") {
      ++stats_.fills;
      if (text.find("\"leaves\":\"0\"") != std::string_view::npos) forget(find_number(text, "\"order_id\":"));
      return;
    }
    if (req == 0) {
      if (type == "cancelled") {
        ++stats_.cancels;
        if (text.find("\"leaves\":\"0\"") != std::string_view::npos) forget(find_number(text, "\"order_id\":"));
      } else {
        ++stats_.other;
      }
      return;
    }
    if (in_flight_ > 0) --in_flight_;
    const Slot& slot = sent_at_[req % sent_at_.size()];
    if (type == "ack") {
      ++stats_.acks;
      if (text.find("\"tif\":\"ioc\"") == std::string_view::npos) live_.push_back(find_number(text, "\"order_id\":"));
    } else if (type == "reject") {
      ++stats_.rejects;
      ++stats_.reject_codes[find_number(text, "\"code\":")];
    } else if (type == "cancelled") {
      ++stats_.cancels;
    } else {
      ++stats_.other;
    }
    if (measuring_ && slot.req == req && slot.is_new) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot.at).count();
      stats_.ack_ns.push_back(static_cast<std::uint32_t>(std::min<long long>(ns, 4'000'000'000LL)));
      stats_.ack_at_ms.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(now - stats_.measure_start).count()));
    }
  }

  struct Slot {
    std::uint64_t req = 0;
    bool is_new = false;
    Clock::time_point at;
  };

  websocket::stream<tcp::socket> ws_;
  const Options& options_;
  int index_;
  Stats& stats_;
  const bool& measuring_;
  std::mt19937_64 rng_;
  std::vector<InstrumentTerms> terms_;
  std::vector<Slot> sent_at_;
  std::vector<std::uint64_t> unstamped_;  // requests queued, not yet written
  std::string pending_;         // frames queued while a write is in progress
  std::string writing_buffer_;  // the frames being written
  std::vector<std::uint64_t> live_;
  std::string in_ = std::string(std::size_t{1} << 18, '\0');  // received, not yet split into frames
  std::size_t in_end_ = 0;
  std::uint64_t next_req_ = 0;
  std::size_t in_flight_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

[[noreturn]] void usage(const std::string& what) {
  std::fprintf(stderr,
               "rex-load: %s\nusage: rex-load [--host H] [--port N] [--connections N] [--rate ORDERS_PER_S | 0]\n"
               "  [--window N] [--burst N] [--tick-us N] [--seconds S] [--warmup S] [--mix NEW,CANCEL,AGGRESSIVE] [--live-cap N]\n"
               "  [--participants zytrade,dzmetal] [--instruments A,B] [--seed N] [--no-batch] [--json] [--timeline]\n"
               "  [--cpus LIST]\n",
               what.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--host") o.host = value();
    else if (flag == "--port") o.port = static_cast<std::uint16_t>(std::stoul(value()));
    else if (flag == "--connections") o.connections = std::stoi(value());
    else if (flag == "--rate") o.rate = std::stoull(value());
    else if (flag == "--window") o.window = std::stoi(value());
    else if (flag == "--burst") o.burst = std::stoi(value());
    else if (flag == "--tick-us") o.tick_us = std::stoi(value());
    else if (flag == "--seconds") o.seconds = std::stod(value());
    else if (flag == "--warmup") o.warmup = std::stod(value());
    else if (flag == "--live-cap") o.live_cap = std::stoi(value());
    else if (flag == "--seed") o.seed = std::stoull(value());
    else if (flag == "--participants") o.participants = split(value());
    else if (flag == "--instruments") o.instruments = split(value());
    else if (flag == "--json") o.json = true;
    else if (flag == "--timeline") o.timeline = true;
    else if (flag == "--no-batch") o.batch = false;
    else if (flag == "--cpus") {
      try {
        o.cpus = rex::gateway::parse_cpu_list(value());
      } catch (const std::invalid_argument& e) {
        usage(std::string("--cpus ") + e.what());
      }
    }
    else if (flag == "--mix") {
      auto parts = split(value());
      if (parts.size() != 3) usage("--mix takes NEW,CANCEL,AGGRESSIVE percentages");
      o.mix_new = std::stoi(parts[0]);
      o.mix_cancel = std::stoi(parts[1]);
      o.mix_aggressive = std::stoi(parts[2]);
      if (o.mix_new + o.mix_cancel + o.mix_aggressive != 100) usage("--mix must add up to 100");
    } else usage("unknown option " + flag);
  }
  if (o.connections < 1 || o.window < 1 || o.burst < 1 || o.tick_us < 1 || o.seconds <= 0) {
    usage("connections, window, burst, tick-us and seconds must be positive");
  }
  return o;
}

double percentile(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1));
  return static_cast<double>(sorted[i]) / 1000.0;  // µs
}

}  // namespace

int main(int argc, char** argv) {
  prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);  // ticks on time: the default 50 µs slack would bunch them
  const Options o = parse(argc, argv);
  if (!o.cpus.empty()) {
    if (const int e = rex::gateway::pin_this_thread(o.cpus); e != 0) {
      std::fprintf(stderr, "rex-load: cannot pin to --cpus: %s\n", std::strerror(e));
      return 2;
    }
  }
  asio::io_context ioc;
  Stats stats;
  if (o.rate > 0) {  // room for every sample up front: a vector doubling mid-run would stall the generator
    const auto samples = static_cast<std::size_t>(static_cast<double>(o.rate) * (o.seconds + 1.0));
    stats.ack_ns.reserve(samples);
    stats.ack_at_ms.reserve(samples);
  }
  stats.ack_ns.reserve(1 << 22);
  stats.ack_at_ms.reserve(1 << 22);
  bool measuring = false;
  const tcp::endpoint endpoint(asio::ip::make_address(o.host), o.port);
  std::vector<std::shared_ptr<Connection>> connections;
  try {
    for (int i = 0; i < o.connections; ++i) {
      connections.push_back(std::make_shared<Connection>(ioc, o, i, stats, measuring));
      connections.back()->start(endpoint);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rex-load: %s\n", e.what());
    return 1;
  }

  // Pacing: every tick, each connection may send its share of the rate (open loop, bounded by
  // the window); with --rate 0 every connection tops its window up (closed loop).
  const auto tick_interval = std::chrono::microseconds(o.tick_us);
  const auto start = Clock::now();
  const auto measure_from = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  const auto end = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::uint64_t due_total = 0;  // orders that should have been sent by now
  std::uint64_t sent_total = 0;
  std::size_t next_connection = 0;  // round robin across ticks, so no connection is favoured
  Stats at_measure_start;
  std::uint64_t sent_at_measure_start = 0;
  asio::steady_timer timer(ioc);
  std::function<void()> tick = [&]() {
    const auto now = Clock::now();
    if (!measuring && now >= measure_from) {
      measuring = true;
      at_measure_start = stats;
      at_measure_start.ack_ns.clear();
      at_measure_start.ack_at_ms.clear();
      stats.measure_start = now;
      sent_at_measure_start = stats.sent;
    }
    if (now >= end) {
      for (auto& c : connections) c->close();
      return;
    }
    if (o.rate == 0) {
      for (auto& c : connections) {
        while (c->ready()) c->send_one(), ++sent_total;
        c->flush();
      }
    } else {
      const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count();
      due_total = static_cast<std::uint64_t>(static_cast<long double>(elapsed) * o.rate / 1e9L);
      std::size_t idle_rounds = 0;
      while (sent_total < due_total && idle_rounds < connections.size()) {
        auto& c = connections[next_connection++ % connections.size()];
        int sent_here = 0;
        while (sent_here < o.burst && sent_total < due_total && c->ready()) {
          c->send_one();
          ++sent_total;
          ++sent_here;
        }
        idle_rounds = sent_here > 0 ? 0 : idle_rounds + 1;
      }
      if (sent_total < due_total) {
        stats.throttled += due_total - sent_total;
        sent_total = due_total;  // do not burst to catch up: that would hide the back-pressure
      }
      for (auto& c : connections) c->flush();
    }
    timer.expires_after(tick_interval);
    timer.async_wait([&](beast::error_code ec) {
      if (!ec) tick();
    });
  };
  tick();
  ioc.run();

  const double secs = o.seconds;
  const auto sent = static_cast<double>(stats.sent - sent_at_measure_start);
  const auto acks = static_cast<double>(stats.acks - at_measure_start.acks);
  const std::uint64_t rejects = stats.rejects - at_measure_start.rejects;
  const auto replies = acks + static_cast<double>(rejects + (stats.cancels - at_measure_start.cancels));
  if (o.timeline) {
    constexpr std::uint32_t kSliceMs = 500;
    std::map<std::uint32_t, std::vector<std::uint32_t>> slices;
    for (std::size_t i = 0; i < stats.ack_ns.size(); ++i) slices[stats.ack_at_ms[i] / kSliceMs].push_back(stats.ack_ns[i]);
    for (auto& [slice, samples] : slices) {
      std::sort(samples.begin(), samples.end());
      std::printf("  t=%5.1f s  acks %6zu  p50 %8.1f  p99 %8.1f  max %8.1f us\n", slice * kSliceMs / 1000.0, samples.size(),
                  percentile(samples, 50), percentile(samples, 99), static_cast<double>(samples.back()) / 1000.0);
    }
  }
  auto lat = stats.ack_ns;
  std::sort(lat.begin(), lat.end());
  const double p50 = percentile(lat, 50), p90 = percentile(lat, 90), p99 = percentile(lat, 99),
               p999 = percentile(lat, 99.9), pmax = lat.empty() ? 0 : static_cast<double>(lat.back()) / 1000.0;
  if (o.json) {
    std::printf("{\"connections\":%d,\"rate\":%llu,\"seconds\":%.1f,\"sent_per_s\":%.0f,\"acks_per_s\":%.0f,"
                "\"replies_per_s\":%.0f,\"rejects\":%llu,\"fills\":%llu,\"throttled\":%llu,"
                "\"ack_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p99.9\":%.1f,\"max\":%.1f,\"samples\":%zu}}\n",
                o.connections, static_cast<unsigned long long>(o.rate), secs, sent / secs, acks / secs, replies / secs,
                static_cast<unsigned long long>(rejects), static_cast<unsigned long long>(stats.fills),
                static_cast<unsigned long long>(stats.throttled), p50, p90, p99, p999, pmax, lat.size());
  } else {
    std::printf("connections %d, target %llu orders/s%s, mix new/cancel/aggressive %d/%d/%d, %.1f s measured\n",
                o.connections, static_cast<unsigned long long>(o.rate), o.rate ? "" : " (closed loop)", o.mix_new,
                o.mix_cancel, o.mix_aggressive, secs);
    std::printf("sent %.0f/s, acks %.0f/s, all replies %.0f/s, rejects %llu, fills %llu, throttled %llu\n",
                sent / secs, acks / secs, replies / secs, static_cast<unsigned long long>(rejects),
                static_cast<unsigned long long>(stats.fills), static_cast<unsigned long long>(stats.throttled));
    std::printf("order-to-ack latency (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (%zu samples)\n", p50,
                p90, p99, p999, pmax, lat.size());
    for (const auto& [code, count] : stats.reject_codes) {
      std::printf("  reject code %llu: %llu\n", static_cast<unsigned long long>(code), static_cast<unsigned long long>(count));
    }
  }
  return 0;
}
