// rex-replay: runs a workload file through a fresh engine and prints, readably, every trade, the
// rejects, and the final books. Today it is what `ops/run.sh` shows; later it is the auditor's
// quick look at a command stream.
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "matcher/engine.hpp"
#include "reference-data/loader.hpp"
#include "workload/command_text.hpp"
#include "workload/event_text.hpp"

namespace {

using namespace rex;
using matcher::Event;
using matcher::EventType;
using matcher::Side;

constexpr matcher::Timestamp kBeijingOffset = 8ull * 3600 * 1'000'000'000;
constexpr std::size_t kBookLevelsShown = 5;

std::string clock_time(matcher::Timestamp t) {
  const auto local = t + kBeijingOffset;
  const auto seconds = local / 1'000'000'000 % 86'400;
  const auto millis = local / 1'000'000 % 1000;
  std::ostringstream out;
  out << std::setfill('0') << std::setw(2) << seconds / 3600 << ':' << std::setw(2) << seconds / 60 % 60 << ':'
      << std::setw(2) << seconds % 60 << '.' << std::setw(3) << millis;
  return out.str();
}

std::string tonnes(matcher::Quantity kg) {
  std::ostringstream out;
  out << kg / 1000 << '.' << std::setfill('0') << std::setw(3) << kg % 1000 << " t";
  return out.str();
}

std::string yuan(matcher::Price fen) {
  // Thousands separators make CNY/t figures readable at a glance: 72,350.00.
  const std::string plain = workload::format_price(fen);
  const std::size_t dot = plain.find('.');
  const std::size_t first_digit = plain[0] == '-' ? 1 : 0;
  std::string out;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > first_digit && i < dot && (dot - i) % 3 == 0) out += ',';
    out += plain[i];
  }
  return out;
}

struct InstrumentTotals {
  std::size_t trades = 0;
  matcher::Quantity volume = 0;
  std::int64_t value = 0;  // fen x kg; exact (a day's value stays far below 2^63)
  matcher::Price low = 0;
  matcher::Price high = 0;
};

class Replay {
 public:
  Replay(const refdata::Catalogue& catalogue, bool all_events)
      : catalogue_(catalogue), codes_(catalogue.instruments()), engine_(catalogue.instruments()), all_events_(all_events) {}

  void run(std::istream& in) {
    workload::WorkloadReader reader(in, codes_);
    matcher::EventBuffer events;
    while (auto command = reader.next()) {
      events.clear();
      engine_.process(*command, events);
      ++commands_;
      for (const Event& e : events) show(e);
    }
  }

  void summary() const {
    std::cout << "\n== Summary: " << commands_ << " commands, " << accepted_ << " orders accepted, " << rejected_
              << " rejected\n";
    for (const auto& [code, n] : rejects_) {
      std::cout << "   " << std::setw(4) << n << " x " << matcher::reject_name(code) << ": " << matcher::reject_text(code) << "\n";
    }
    for (const auto& [id, t] : totals_) {
      const auto vwap = static_cast<matcher::Price>(t.value / t.volume);  // rounded toward zero
      std::cout << "   " << std::left << std::setw(24) << catalogue_.instruments()[id].code << std::right << std::setw(4)
                << t.trades << " trades  " << std::setw(12) << tonnes(t.volume) << "  low " << yuan(t.low) << "  high "
                << yuan(t.high) << "  VWAP " << yuan(vwap) << " CNY/t\n";
    }
    std::cout << "\n== Final books (best " << kBookLevelsShown << " levels a side; quantity shown / orders)\n";
    for (const auto& spec : catalogue_.instruments()) {
      const auto bids = levels(spec.id, Side::kBuy);
      const auto asks = levels(spec.id, Side::kSell);
      if (bids.empty() && asks.empty()) continue;
      std::cout << "\n" << spec.code << "\n";
      std::cout << "   " << std::setw(26) << "BID" << "   |   " << "ASK\n";
      for (std::size_t i = 0; i < std::max(bids.size(), asks.size()); ++i) {
        std::cout << "   " << std::setw(26) << (i < bids.size() ? bids[i] : "") << "   |   " << (i < asks.size() ? asks[i] : "")
                  << "\n";
      }
    }
    std::cout << "\nOpen orders: " << engine_.open_orders() << "\n";
  }

 private:
  std::string participant(matcher::ParticipantId id) const {
    const auto* p = catalogue_.find_participant(id);
    if (p != nullptr) return p->code;
    std::string unknown = "P";  // a participant the catalogue does not name
    unknown += std::to_string(id);
    return unknown;
  }

  std::vector<std::string> levels(matcher::InstrumentId id, Side side) const {
    std::vector<std::string> out;
    std::map<matcher::Price, std::pair<matcher::Quantity, int>> by_price;
    for (const auto& o : engine_.orders(id, side)) {
      auto& [qty, n] = by_price[o.price];
      qty += o.visible;
      ++n;
    }
    auto add = [&](const auto& entry) {
      std::ostringstream line;
      line << tonnes(entry.second.first) << " / " << entry.second.second << " @ " << yuan(entry.first);
      out.push_back(line.str());
    };
    if (side == Side::kBuy) {
      for (auto it = by_price.rbegin(); it != by_price.rend() && out.size() < kBookLevelsShown; ++it) add(*it);
    } else {
      for (auto it = by_price.begin(); it != by_price.end() && out.size() < kBookLevelsShown; ++it) add(*it);
    }
    return out;
  }

  void show(const Event& e) {
    if (all_events_ && e.type != EventType::kTrade) {
      std::cout << clock_time(e.timestamp) << "  " << workload::format_event(e, codes_) << "\n";
    }
    switch (e.type) {
      case EventType::kAccepted: ++accepted_; break;
      case EventType::kRejected: ++rejected_; ++rejects_[e.reject]; break;
      case EventType::kTrade: {
        auto& t = totals_[e.instrument];
        t.low = t.trades == 0 ? e.price : std::min(t.low, e.price);
        t.high = t.trades == 0 ? e.price : std::max(t.high, e.price);
        ++t.trades;
        t.volume += e.quantity;
        t.value += e.price * e.quantity;
        const bool taker_buys = e.side == Side::kBuy;
        const auto buyer = taker_buys ? e.taker_participant : e.participant;
        const auto seller = taker_buys ? e.participant : e.taker_participant;
        std::cout << clock_time(e.timestamp) << "  trade " << std::setw(4) << e.trade_id << "  " << std::left << std::setw(24)
                  << catalogue_.instruments()[e.instrument].code << std::right << std::setw(10) << tonnes(e.quantity) << " @ "
                  << std::setw(10) << yuan(e.price) << " CNY/t   " << participant(buyer) << " buys from " << participant(seller)
                  << (taker_buys ? "  (buyer aggressed)" : "  (seller aggressed)") << "\n";
        break;
      }
      default: break;
    }
  }

  const refdata::Catalogue& catalogue_;
  workload::InstrumentCodes codes_;
  matcher::Engine engine_;
  bool all_events_;
  std::size_t commands_ = 0;
  std::size_t accepted_ = 0;
  std::size_t rejected_ = 0;
  std::map<matcher::RejectCode, std::size_t> rejects_;
  std::map<matcher::InstrumentId, InstrumentTotals> totals_;
};

int usage() {
  std::cerr << "usage: rex-replay [--catalogue <catalogue.json>] [--events] <workload-file>\n"
               "  Runs the workload through a fresh engine; prints trades, rejects and the final books.\n"
               "  --events  also print every other event in the workload event format\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string catalogue_path(rex::refdata::kBundledCataloguePath);
  std::string workload_path;
  bool all_events = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--catalogue") == 0 && i + 1 < argc) catalogue_path = argv[++i];
    else if (std::strcmp(argv[i], "--events") == 0) all_events = true;
    else if (argv[i][0] == '-') return usage();
    else workload_path = argv[i];
  }
  if (workload_path.empty()) return usage();
  try {
    const auto catalogue = rex::refdata::load_catalogue_file(catalogue_path);
    std::ifstream in(workload_path);
    if (!in) throw std::runtime_error("cannot open " + workload_path);
    std::cout << "rex replay of " << workload_path << "\ncatalogue " << catalogue.version() << " (sha256 "
              << catalogue.content_hash() << ")\n\n";
    Replay replay(catalogue, all_events);
    replay.run(in);
    replay.summary();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "rex-replay: " << e.what() << "\n";
    return 1;
  }
}
