// The plain, obviously-correct twin of rex::matcher::Engine: docs/order-types.md written out with
// maps, lists and linear scans, so the property tests can hold the fast engine to it.
#pragma once

#include <cstddef>
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
  explicit ReferenceBook(std::vector<InstrumentSpec> instruments);

  // Runs one command and appends its events to `out`.
  void process(const Command& command, std::vector<Event>& out);

  // Resting orders of one side, best price first, then time priority.
  std::vector<OrderView> orders(InstrumentId instrument, matcher::Side side) const;
  std::size_t open_orders() const;
  const std::vector<InstrumentSpec>& instruments() const { return specs_; }

 private:
  struct Order {
    matcher::OrderId id = 0;
    refdata::ParticipantId participant = 0;
    InstrumentId instrument = 0;
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
  };
  using Queue = std::list<Order>;          // time priority, front first
  using Ladder = std::map<refdata::Price, Queue>;  // ascending price
  struct Book {
    InstrumentSpec spec;
    Ladder bids;
    Ladder asks;
    Ladder& side(matcher::Side s) { return s == matcher::Side::kBuy ? bids : asks; }
    const Ladder& side(matcher::Side s) const { return s == matcher::Side::kBuy ? bids : asks; }
  };
  struct LevelState {
    refdata::Quantity visible = 0;
    std::uint32_t count = 0;
    bool operator==(const LevelState&) const = default;
  };
  // instrument -> side (0 buy, 1 sell) -> price -> level
  using LevelSnapshot = std::map<InstrumentId, std::map<int, std::map<refdata::Price, LevelState>>>;

  void run(const Command& command, std::vector<Event>& out);
  void new_order(const Command& command, std::vector<Event>& out);
  void cancel(const Command& command, std::vector<Event>& out);
  void amend(const Command& command, std::vector<Event>& out);
  void mass_cancel(const Command& command, std::vector<Event>& out);
  void end_of_day(const Command& command, std::vector<Event>& out);
  void expire_good_till_date(const Command& command, std::vector<Event>& out);
  void halt_or_resume(const Command& command, std::vector<Event>& out, bool halt);

  matcher::RejectCode check_new_order(const Command& command) const;
  // Matches `incoming` against the other side of `book`; trades and STP cancels go to `out`.
  static void match(Book& book, Order& incoming, const Command& command, std::vector<Event>& out,
                    matcher::TradeId& next_trade_id);
  static bool marketable(const Book& book, matcher::Side side, refdata::Price price);
  // All resting orders of a book in the order instrument, buy side, sell side, price, time.
  static std::vector<const Order*> in_priority_order(const Book& book);

  Book* find_book(InstrumentId id);
  const Book* find_book(InstrumentId id) const;
  struct Located {
    Book* book = nullptr;
    Queue* queue = nullptr;
    Queue::iterator it;
  };
  Located find_order(matcher::OrderId id);
  void erase(Book& book, matcher::Side side, refdata::Price price, matcher::OrderId id);

  LevelSnapshot snapshot_levels() const;
  void emit_level_changes(const LevelSnapshot& before, const Command& command, std::vector<Event>& out) const;

  std::vector<InstrumentSpec> specs_;
  std::map<InstrumentId, Book> books_;
  std::set<InstrumentId> halted_;
  matcher::SequenceNumber last_seq_ = 0;
  refdata::Timestamp last_timestamp_ = 0;
  matcher::TradeId next_trade_id_ = 1;
};

}  // namespace rex::testing
