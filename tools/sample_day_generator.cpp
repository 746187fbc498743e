// rex-sample-day: writes the bundled sample trading day (ops/sample-day/) from a seed, so the file
// can be regenerated and reviewed. Buyers and sellers respect the catalogue's permissions; the
// flow mixes every order type the engine has. A shadow engine tracks which orders are live, so
// amends and cancels name real orders.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "matcher/engine.hpp"
#include "reference-data/loader.hpp"
#include "workload/command_text.hpp"

namespace {

using namespace rex;
using matcher::Command;
using matcher::CommandType;
using matcher::Side;

constexpr matcher::Timestamp kNanosPerSecond = 1'000'000'000;
// 2026-11-27 09:00 Beijing time (01:00 UTC); the session runs to 15:00.
constexpr matcher::Timestamp kSessionOpen = 1'795'741'200ull * kNanosPerSecond;
constexpr matcher::Timestamp kSessionLength = 6ull * 3600 * kNanosPerSecond;

struct LiveOrder {
  matcher::OrderId id;
  matcher::ParticipantId participant;
  matcher::InstrumentId instrument;
  matcher::Price price;
  matcher::Quantity quantity;
};

class SampleDay {
 public:
  SampleDay(const refdata::Catalogue& catalogue, std::uint64_t seed)
      : catalogue_(catalogue), rng_(seed), engine_(catalogue.instruments()) {
    // One book per commodity: its base grade at its base hub, where the liquidity is.
    for (const auto& commodity : catalogue.commodities()) {
      for (const auto& spec : catalogue.instruments()) {
        if (spec.grade == commodity.base_grade && spec.hub == commodity.base_hub) {
          instruments_.push_back(spec.id);
          break;
        }
      }
    }
    for (auto id : instruments_) {
      const auto& spec = catalogue.instruments()[id];
      fair_.push_back((spec.price_floor + spec.price_ceiling) / 2 / spec.tick_size * spec.tick_size);
    }
  }

  std::vector<Command> generate(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      // Evenly spread through the session with up to 80 % of a step of jitter, so time never goes back.
      const matcher::Timestamp step = kSessionLength / count;
      now_ = kSessionOpen + step * i + rng_() % (step * 4 / 5);
      const int r = static_cast<int>(rng_() % 100);
      if (r < 12 && !live_.empty()) cancel();
      else if (r < 20 && !live_.empty()) amend();
      else new_order();
    }
    Command eod = stamp(CommandType::kEndOfDay);
    submit(eod);
    return commands_;
  }

 private:
  Command stamp(CommandType type) {
    Command c;
    c.type = type;
    c.seq = ++seq_;
    c.timestamp = now_;
    return c;
  }

  // A participant allowed to trade this side of this commodity, or 0 when none is.
  matcher::ParticipantId pick_participant(std::uint32_t commodity, Side side) {
    std::vector<matcher::ParticipantId> allowed;
    for (const auto& p : catalogue_.participants()) {
      if (side == Side::kBuy ? p.may_buy(commodity) : p.may_sell(commodity)) allowed.push_back(p.id);
    }
    return allowed.empty() ? 0 : allowed[rng_() % allowed.size()];
  }

  void new_order() {
    const std::size_t book = rng_() % instruments_.size();
    const auto& spec = catalogue_.instruments()[instruments_[book]];
    // The fair price drifts a tick at a time, so the day's trades walk a little.
    const int drift = static_cast<int>(rng_() % 3) - 1;
    fair_[book] = std::clamp(fair_[book] + drift * spec.tick_size, spec.price_floor + 20 * spec.tick_size,
                             spec.price_ceiling - 20 * spec.tick_size);
    Command c = stamp(CommandType::kNewOrder);
    c.instrument = spec.id;
    c.side = rng_() % 2 == 0 ? Side::kBuy : Side::kSell;
    c.participant = pick_participant(spec.commodity, c.side);
    if (c.participant == 0) return;
    // Most members ask the exchange to cancel their own resting order rather than self-trade.
    c.self_trade = rng_() % 10 == 0 ? matcher::SelfTradePrevention::kNone : matcher::SelfTradePrevention::kCancelResting;
    // Most orders rest a few ticks from fair; about a quarter cross it.
    const auto offset = static_cast<matcher::Price>(rng_() % 12) - 3;
    c.price = c.side == Side::kBuy ? fair_[book] - offset * spec.tick_size : fair_[book] + offset * spec.tick_size;
    c.quantity = spec.lot_minimum * static_cast<matcher::Quantity>(1 + rng_() % 4);  // 1 to 4 lots
    const int kind = static_cast<int>(rng_() % 100);
    if (kind < 6) {  // market order, immediate
      c.order_type = matcher::OrderType::kMarket;
      c.price = 0;
      c.time_in_force = matcher::TimeInForce::kImmediateOrCancel;
    } else if (kind < 12 && c.side == Side::kSell) {  // one indivisible truck
      c.all_or_none = true;
      c.quantity = 33 * 1000 / spec.lot_increment * spec.lot_increment;
      if (c.quantity < spec.lot_minimum) c.quantity = spec.lot_minimum;
    } else if (kind < 18 && c.side == Side::kBuy) {  // a mill's large bid shown in slices
      c.quantity = spec.lot_minimum * 10;
      c.display_quantity = spec.lot_minimum * 2;
    } else if (kind < 26) {
      c.time_in_force = matcher::TimeInForce::kDay;
    } else if (kind < 32) {
      c.time_in_force = matcher::TimeInForce::kGoodTillDate;
      c.expiry = now_ + (30 + rng_() % 90) * 60 * kNanosPerSecond;
    } else if (kind < 38) {
      c.time_in_force = matcher::TimeInForce::kImmediateOrCancel;
    } else if (kind < 41) {
      c.time_in_force = matcher::TimeInForce::kFillOrKill;
    } else if (kind < 46) {
      c.post_only = true;
    } else if (kind < 50) {
      c.self_trade = matcher::SelfTradePrevention::kCancelBoth;
    }
    submit(c);
  }

  void cancel() {
    const LiveOrder& target = live_[rng_() % live_.size()];
    Command c = stamp(CommandType::kCancel);
    c.participant = target.participant;
    c.order_id = target.id;
    submit(c);
  }

  void amend() {
    const LiveOrder target = live_[rng_() % live_.size()];
    const auto& spec = catalogue_.instruments()[target.instrument];
    Command c = stamp(CommandType::kAmend);
    c.participant = target.participant;
    c.order_id = target.id;
    if (rng_() % 2 == 0 && target.quantity > spec.lot_minimum) {
      c.quantity = spec.lot_minimum;  // a size cut keeps priority
    } else {
      c.price = target.price + static_cast<matcher::Price>(rng_() % 3 + 1) * spec.tick_size *
                                   (rng_() % 2 == 0 ? 1 : -1);
    }
    submit(c);
  }

  void submit(const Command& c) {
    events_.clear();
    engine_.process(c, events_);
    commands_.push_back(c);
    refresh_live();
  }

  void refresh_live() {
    live_.clear();
    for (auto id : instruments_) {
      for (Side side : {Side::kBuy, Side::kSell}) {
        for (const auto& o : engine_.orders(id, side)) live_.push_back({o.id, o.participant, id, o.price, o.open});
      }
    }
  }

  const refdata::Catalogue& catalogue_;
  std::mt19937_64 rng_;
  matcher::Engine engine_;
  matcher::EventBuffer events_;
  std::vector<matcher::InstrumentId> instruments_;
  std::vector<matcher::Price> fair_;
  std::vector<LiveOrder> live_;
  std::vector<Command> commands_;
  matcher::SequenceNumber seq_ = 0;
  matcher::Timestamp now_ = kSessionOpen;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: rex-sample-day <catalogue.json> <out.workload> [commands=600] [seed=20261127]\n";
    return 2;
  }
  try {
    const auto catalogue = rex::refdata::load_catalogue_file(argv[1]);
    const std::size_t count = argc > 3 ? std::stoul(argv[3]) : 600;
    const std::uint64_t seed = argc > 4 ? std::stoull(argv[4]) : 20261127;
    const auto commands = SampleDay(catalogue, seed).generate(count);
    std::ofstream out(argv[2]);
    const rex::workload::InstrumentCodes codes(catalogue.instruments());
    rex::workload::WorkloadWriter writer(out, codes);
    writer.comment("rex sample trading day, 2026-11-27 09:00-15:00 Beijing time; generated by rex-sample-day");
    writer.comment("catalogue " + catalogue.version() + " sha256 " + catalogue.content_hash());
    for (const auto& c : commands) writer.write(c);
    std::cerr << "wrote " << commands.size() << " commands to " << argv[2] << "\n";
    return out.good() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "rex-sample-day: " << e.what() << "\n";
    return 1;
  }
}
