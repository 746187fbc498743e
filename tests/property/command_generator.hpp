// A seeded, reproducible stream of stamped commands for the property tests: every order type and
// instruction, valid and invalid, on a few narrow books with few participants, so that crossing,
// self-trade prevention, all-or-none skips, iceberg refills, amends and expiries happen often.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "matcher/command.hpp"
#include "reference-data/types.hpp"
#include "tests/reference_book/reference_book.hpp"

namespace rex::testing {

// The instruments the property tests trade: narrow bands (a handful of ticks) so orders cross.
std::vector<refdata::InstrumentSpec> property_instruments();

// splitmix64: tiny, fast, and the same numbers on every platform and standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [lo, hi] (inclusive); the modulo bias is irrelevant for test generation.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  bool percent(int p) { return between(0, 99) < p; }  // true with probability p / 100
  bool permille(int p) { return between(0, 999) < p; }

 private:
  std::uint64_t state_;
};

// Known engine defects the stream can steer around while the others are hunted; all off by
// default, so the property test holds the engine to the whole spec.
struct Narrowing {
  // No size cut at the same price (priority kept) of an order resting at a marketable price
  // (a book crossed by an all-or-none lot), and none of a quality bid: the engine does not match
  // it afterwards.
  bool no_marketable_size_cut = false;
  // No amend by another participant of an order whose instrument is halted (which check wins).
  bool no_foreign_amend_when_halted = false;
  // No HALT commands at all (resumes still come, and change nothing).
  bool no_halts = false;
  // Quality bids only at prices that stay inside every band of their commodity once converted, so
  // the "B + D(J) inside J's band" eligibility rule never decides.
  bool no_quality_bid_outside_band = false;
  // No amend of a post-only order that changes both its price and its quantity.
  bool no_post_only_reprice_resize = false;
  // No post-only buy with STP decrement.
  bool no_post_only_decrement = false;
};

class CommandGenerator {
 public:
  CommandGenerator(std::uint64_t seed, std::vector<refdata::InstrumentSpec> instruments,
                   Narrowing narrowing = {});

  // The next command. `book` (the reference, in the state the engine is in) is only read to aim
  // cancels and amends at live orders and to keep the books from growing without bound.
  matcher::Command next(const ReferenceBook& book);

 private:
  struct Target {
    matcher::OrderView order;
    refdata::InstrumentId instrument = 0;  // the instrument it names
    bool quality_bid = false;
  };

  // Stamps `c`; `at` asks for that timestamp (when it does not go back in time).
  void stamp(matcher::Command& c, std::optional<refdata::Timestamp> at);
  matcher::Command new_order();
  matcher::Command cancel(const std::vector<Target>& live);
  matcher::Command amend(const std::vector<Target>& live, const ReferenceBook& book);
  matcher::Command mass_cancel();
  matcher::Command halt_or_resume(matcher::CommandType type);
  std::vector<Target> live_orders(const ReferenceBook& book) const;
  std::pair<refdata::Price, refdata::Price> common_band(refdata::InstrumentId instrument) const;

  refdata::InstrumentId any_instrument();
  refdata::ParticipantId any_participant();
  refdata::Quantity lot_quantity(const refdata::InstrumentSpec& spec, int max_lots);
  refdata::Price band_price(const refdata::InstrumentSpec& spec);
  refdata::Price order_price(const refdata::InstrumentSpec& spec, matcher::Side side);
  refdata::Quantity bad_quantity(const refdata::InstrumentSpec& spec);
  matcher::QualityTerms assay(const refdata::InstrumentSpec& spec);
  matcher::QualityTerms bounds(const refdata::InstrumentSpec& spec);
  void accepted_sets(matcher::Command& c);
  void spoil_quality(matcher::Command& c);
  refdata::Price bad_price(const refdata::InstrumentSpec& spec);

  Random random_;
  Narrowing narrowing_;
  std::vector<refdata::InstrumentSpec> instruments_;
  matcher::SequenceNumber last_seq_ = 0;  // of the last command that passes the stamp checks
  refdata::Timestamp last_timestamp_ = 0;
  // How the market behaves for a while: prices reach `reach` ticks past the middle of the band
  // into the other side, cancels pick up once more than `target_book` orders rest, and some
  // limit orders are made GTC.
  struct Regime {
    int reach = 2;
    std::size_t target_book = 60;
    int gtc_percent = 0;  // share of limit orders forced to GTC, for deeper books
  };
  Regime regime_;
  std::uint64_t commands_ = 0;
  struct Created {
    refdata::InstrumentId instrument = 0;  // the instrument the new order named
    bool post_only = false;
  };
  std::map<matcher::OrderId, Created> created_;
};

}  // namespace rex::testing
