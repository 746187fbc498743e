// The reference book's matching, with nothing optimised: it gathers every eligible resting order,
// sorts them and takes the first one it may trade with, again and again. A dry run of the very same
// matching on a copy of the state answers FOK, minimum quantity and post-only.
#include "tests/reference_book/reference_book.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

#include "tests/reference_book/reference_book_internal.hpp"

namespace rex::testing {

using matcher::CancelReason;
using matcher::EventType;
using matcher::QualityTerms;
using matcher::SelfTradePrevention;
using matcher::Side;
using matcher::TradeId;
using refdata::Price;
using refdata::Quantity;
using namespace reference_book_internal;

// ---------------------------------------------------------------------------------------------
// Matching

bool ReferenceBook::accepts(const Order& bid, InstrumentId lot_instrument) const {
  if (!bid.quality_bid) return lot_instrument == bid.instrument;
  const InstrumentSpec& lot = spec(lot_instrument);
  return lot.commodity == spec(bid.instrument).commodity && (bid.accepted_grades & bit(lot.grade)) != 0 &&
         (bid.accepted_hubs & bit(lot.hub)) != 0;
}

bool ReferenceBook::bounds_accept(const QualityTerms& bounds, const QualityTerms& assay) {
  for (std::size_t i = 0; i < bounds.count; ++i) {
    const auto& bound = bounds.terms[i];
    bool measured = false;
    for (std::size_t j = 0; j < assay.count; ++j) {
      if (assay.terms[j].attribute != bound.attribute) continue;
      measured = true;
      if (!bound.contains(assay.terms[j].min)) return false;
    }
    if (!measured) return false;  // quality unknown: not acceptable
  }
  return true;
}

void ReferenceBook::match(State& state, Order& in, const Command& c, std::vector<Event>& out,
                          TradeId& next_trade_id) const {
  const InstrumentSpec& named = spec(in.instrument);

  auto cancelled = [&](const Order& o, Quantity quantity, Quantity leaves) {
    Event e = order_event(c, EventType::kCancelled, o.instrument, o.participant, o.id, o.side, o.price);
    e.cancel_reason = CancelReason::kSelfTradePrevention;
    e.quantity = quantity;
    e.leaves = leaves;
    out.push_back(e);
  };

  // An eligible resting order within the incoming order's limit.
  struct Candidate {
    Order* order = nullptr;
    Price rank = 0;            // the adjusted price it is compared by
    InstrumentId lot = 0;      // the instrument the trade is on
    Price trade_price = 0;     // the resting order's price in the lot's terms
  };

  while (in.open > 0) {
    std::vector<Candidate> candidates;
    if (in.side == Side::kSell) {
      // Bids in the lot's terms: plain bids on it, and the quality bids that accept it.
      const InstrumentId lot = in.instrument;
      const Price limit = in.market ? named.price_floor : in.price;
      for (auto& [price, queue] : state.books.at(lot).bids) {
        if (price < limit) continue;
        for (Order& o : queue) candidates.push_back({&o, price, lot, price});
      }
      auto ladder = state.quality.find(named.commodity);
      if (ladder != state.quality.end()) {
        for (auto& [base, queue] : ladder->second) {
          const Price in_lot_terms = base + named.differential;
          if (in_lot_terms < limit || !in_band(named, in_lot_terms)) continue;
          for (Order& o : queue) {
            if (accepts(o, lot) && bounds_accept(o.quality, in.quality)) {
              candidates.push_back({&o, in_lot_terms, lot, in_lot_terms});
            }
          }
        }
      }
      std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(b.rank, a.order->placed) < std::tie(a.rank, b.order->placed);
      });
    } else {
      // Asks by base-equivalent price, on every instrument the bid accepts (a plain bid: its own).
      const Price base_limit = (in.market ? named.price_ceiling : in.price) - named.differential;
      for (auto& [lot, book] : state.books) {
        if (!accepts(in, lot) || (lot != in.instrument && halted_.contains(lot))) continue;
        // A limit quality bid reaches J only while its price in J's terms is inside J's band; a
        // market bid has no price of its own (it trades at asks, which are inside their bands).
        if (in.quality_bid && !in.market && !in_band(book.spec, base_limit + book.spec.differential)) continue;
        for (auto& [price, queue] : book.asks) {
          const Price base = price - book.spec.differential;
          if (base > base_limit) continue;
          for (Order& o : queue) {
            if (in.quality_bid && !bounds_accept(in.quality, o.quality)) continue;
            candidates.push_back({&o, base, lot, price});
          }
        }
      }
      std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(a.rank, a.order->placed) < std::tie(b.rank, b.order->placed);
      });
    }

    // The first one it may trade with: all-or-none lots too big or too small are passed by.
    const Candidate* target = nullptr;
    Quantity x = 0;
    for (const Candidate& candidate : candidates) {
      const Order& o = *candidate.order;
      const Quantity tradable = o.display > 0 ? o.visible : o.open;
      const Quantity size = std::min(in.open, tradable);
      if (o.all_or_none && size < o.open) continue;
      if (in.all_or_none && size < in.open) continue;
      target = &candidate;
      x = size;
      break;
    }
    if (target == nullptr) return;
    Order& rest = *target->order;

    // After `rest` lost x (trade or decrement): gone, refilled to the back, or shrunk in place.
    auto after_reduction = [&]() {
      if (rest.open == 0) {
        remove(state, rest);
      } else if (rest.display == 0) {
        rest.visible = rest.open;
      } else if (rest.visible == 0) {
        Order refilled = rest;
        refilled.visible = std::min(refilled.display, refilled.open);
        remove(state, rest);
        place(state, refilled);
      }
    };

    if (rest.participant == in.participant && in.self_trade != SelfTradePrevention::kNone) {
      switch (in.self_trade) {
        case SelfTradePrevention::kCancelResting:
          cancelled(rest, rest.open, 0);
          remove(state, rest);
          continue;
        case SelfTradePrevention::kCancelIncoming:
          cancelled(in, in.open, 0);
          in.open = 0;
          return;
        case SelfTradePrevention::kCancelBoth:
          cancelled(rest, rest.open, 0);
          remove(state, rest);
          cancelled(in, in.open, 0);
          in.open = 0;
          return;
        case SelfTradePrevention::kDecrement:
          rest.open -= x;
          if (rest.display > 0) rest.visible -= x;
          in.open -= x;
          cancelled(rest, x, rest.open);
          cancelled(in, x, in.open);
          after_reduction();
          continue;
        case SelfTradePrevention::kNone:
          break;
      }
    }

    rest.open -= x;
    if (rest.display > 0) rest.visible -= x;
    in.open -= x;
    Event trade = base_event(c, EventType::kTrade);
    trade.instrument = target->lot;
    trade.side = in.side;
    trade.trade_id = next_trade_id++;
    trade.order_id = rest.id;
    trade.taker_order_id = in.id;
    trade.participant = rest.participant;
    trade.taker_participant = in.participant;
    trade.price = target->trade_price;
    trade.base_price = target->trade_price - spec(target->lot).differential;
    trade.reference_data = reference_data_;
    trade.quantity = x;
    trade.leaves = rest.open;
    trade.taker_leaves = in.open;
    out.push_back(trade);
    after_reduction();
  }
}

bool ReferenceBook::marketable_in_own_book(const Order& order) const {
  const Book& book = state_.books.at(order.instrument);
  if (order.side == Side::kBuy) return !book.asks.empty() && order.price >= book.asks.begin()->first;
  return !book.bids.empty() && order.price <= book.bids.rbegin()->first;
}

// docs/quality-matching.md, Post-only: a plain order is refused when marketable in its own book
// (all-or-none lots included) or when it would trade with quality bids; a quality bid when it would
// trade at all.
bool ReferenceBook::post_only_would_trade(const Order& order) const {
  if (!order.quality_bid && marketable_in_own_book(order)) return true;
  if (!order.quality_bid && order.side == Side::kBuy) return false;  // quality bids are bids
  Command probe;
  return dry_run_traded(order, probe) > 0;
}

Quantity ReferenceBook::dry_run_traded(const Order& incoming, const Command& command) const {
  State copy = state_;
  Order probe = incoming;
  std::vector<Event> scratch;
  TradeId scratch_trade_id = next_trade_id_;
  match(copy, probe, command, scratch, scratch_trade_id);
  Quantity traded = 0;
  for (const Event& e : scratch) {
    if (e.type == EventType::kTrade) traded += e.quantity;
  }
  return traded;
}

}  // namespace rex::testing
