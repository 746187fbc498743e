// The plain, obviously-correct twin of rex::matcher::Engine: docs/order-types.md and
// docs/quality-matching.md written out with maps, lists and linear scans, so the property tests
// can hold the fast engine to them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <set>
#include <vector>

#include "matcher/command.hpp"
#include "matcher/event.hpp"
#include "matcher/order_view.hpp"
#include "reference-data/types.hpp"

namespace rex::testing {

using matcher::Command;
using matcher::Event;
using matcher::OrderView;
using refdata::InstrumentId;
using refdata::InstrumentSpec;

// The largest quantity an order or an amend may carry (docs/order-types.md, check 2).
inline constexpr refdata::Quantity kReferenceMaxQuantity = 1'000'000'000'000;

class ReferenceBook {
 public:
  // `reference_data` is stamped on every trade (docs/quality-matching.md, Trades).
  explicit ReferenceBook(std::vector<InstrumentSpec> instruments, std::uint32_t reference_data = 0);

  // Runs one command and appends its events to `out`.
  void process(const Command& command, std::vector<Event>& out);

  // Resting plain orders of one side of an instrument book, best price first, then time priority.
  std::vector<OrderView> orders(InstrumentId instrument, matcher::Side side) const;
  // Resting quality bids of a commodity, best base-equivalent price first, then time priority;
  // prices in the terms of each bid's own instrument.
  std::vector<OrderView> quality_bids(std::uint32_t commodity) const;
  std::size_t open_orders() const;
  const std::vector<InstrumentSpec>& instruments() const { return specs_; }

 private:
  struct Order {
    matcher::OrderId id = 0;
    refdata::ParticipantId participant = 0;
    InstrumentId instrument = 0;  // the instrument it names; its price is in that one's terms
    matcher::Side side = matcher::Side::kBuy;
    matcher::TimeInForce time_in_force = matcher::TimeInForce::kGoodTillCancel;
    matcher::SelfTradePrevention self_trade = matcher::SelfTradePrevention::kNone;
    bool all_or_none = false;
    bool post_only = false;
    bool market = false;
    refdata::Price price = 0;       // 0 for a market order
    refdata::Quantity open = 0;     // everything still to trade
    refdata::Quantity visible = 0;  // what the book shows (only meaningful while resting)
    refdata::Quantity display = 0;  // iceberg slice size, 0 when not an iceberg
    refdata::Timestamp expiry = 0;
    // Quality (docs/quality-matching.md): a sell's assay or a buy's bounds, and what a buy accepts
    // (grade and hub bit sets, 0 already replaced by its own instrument's grade / hub).
    matcher::QualityTerms quality;
    std::uint64_t accepted_grades = 0;
    std::uint64_t accepted_hubs = 0;
    bool quality_bid = false;  // rests in its commodity's quality ladder at its base price
    // When it took its place in its queue (creation, priority-losing amend, iceberg refill),
    // counted across the whole engine: time priority across books.
    std::uint64_t placed = 0;
  };
  using Queue = std::list<Order>;                  // time priority, front first
  using Ladder = std::map<refdata::Price, Queue>;  // ascending price
  struct Book {
    InstrumentSpec spec;
    Ladder bids;
    Ladder asks;
    Ladder& side(matcher::Side s) { return s == matcher::Side::kBuy ? bids : asks; }
    const Ladder& side(matcher::Side s) const { return s == matcher::Side::kBuy ? bids : asks; }
  };
  // Everything matching changes, so a dry run can work on a copy.
  struct State {
    std::map<InstrumentId, Book> books;
    std::map<std::uint32_t, Ladder> quality;  // commodity -> base-equivalent price -> quality bids
    std::uint64_t next_placement = 1;
  };
  struct Level {
    InstrumentId instrument = 0;
    int side = 0;  // 0 buy, 1 sell
    refdata::Price price = 0;
    refdata::Quantity visible = 0;
    std::uint32_t count = 0;
  };
  // Every level of every instrument book, ordered by instrument, side, ascending price.
  using LevelSnapshot = std::vector<Level>;
  struct Top {  // a commodity's best base-equivalent bid and offer
    bool has_bid = false;
    refdata::Price bid = 0;
    bool has_ask = false;
    refdata::Price ask = 0;
    bool operator==(const Top&) const = default;
  };
  using TopSnapshot = std::map<std::uint32_t, Top>;  // by commodity

  void run(const Command& command, std::vector<Event>& out);
  void new_order(const Command& command, std::vector<Event>& out);
  void cancel(const Command& command, std::vector<Event>& out);
  void amend(const Command& command, std::vector<Event>& out);
  void mass_cancel(const Command& command, std::vector<Event>& out);
  void end_of_day(const Command& command, std::vector<Event>& out);
  void expire_good_till_date(const Command& command, std::vector<Event>& out);
  void halt_or_resume(const Command& command, std::vector<Event>& out, bool halt);

  matcher::RejectCode check_new_order(const Command& command) const;
  matcher::RejectCode check_quality(const Command& command) const;
  // Post-only rules for an order about to enter (or amended to a new price).
  bool post_only_would_trade(const Order& order) const;
  // Matches `incoming` against the eligible resting orders; trades and STP cancels go to `out`.
  void match(State& state, Order& incoming, const Command& command, std::vector<Event>& out,
             matcher::TradeId& next_trade_id) const;
  // What a dry run of `incoming` on a copy of the state would trade.
  refdata::Quantity dry_run_traded(const Order& incoming, const Command& command) const;
  bool marketable_in_own_book(const Order& order) const;

  const InstrumentSpec& spec(InstrumentId id) const { return state_.books.at(id).spec; }
  bool accepts(const Order& bid, InstrumentId lot_instrument) const;
  static bool bounds_accept(const matcher::QualityTerms& bounds, const matcher::QualityTerms& assay);
  static refdata::Price ladder_key(const State& state, const Order& order);
  static Ladder& ladder_of(State& state, const Order& order);
  static void place(State& state, Order order);
  static void remove(State& state, const Order& order);
  static Order* find(State& state, matcher::OrderId id);
  // All resting orders: instrument books by id (buy side best first, then sell side), then the
  // quality bids by commodity, best first; time priority within a price.
  static std::vector<const Order*> all_in_priority_order(const State& state);

  LevelSnapshot snapshot_levels() const;
  TopSnapshot snapshot_tops() const;
  void emit_market_data(const LevelSnapshot& levels_before, const TopSnapshot& tops_before,
                        const Command& command, std::vector<Event>& out) const;

  std::vector<InstrumentSpec> specs_;
  std::uint32_t reference_data_ = 0;
  State state_;
  std::set<InstrumentId> halted_;
  matcher::SequenceNumber last_seq_ = 0;
  refdata::Timestamp last_timestamp_ = 0;
  matcher::TradeId next_trade_id_ = 1;
};

}  // namespace rex::testing
