// Where the reference book's orders rest and what it shows: construction, the queries, the ladders
// (placing, removing and finding an order) and the market data a command's changes publish.
#include "tests/reference_book/reference_book.hpp"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/reference_book/reference_book_internal.hpp"

namespace rex::testing {

using matcher::EventType;
using matcher::OrderId;
using matcher::Side;
using matcher::TimeInForce;
using refdata::Price;
using refdata::Quantity;
using namespace reference_book_internal;

// ---------------------------------------------------------------------------------------------
// Construction and queries

ReferenceBook::ReferenceBook(std::vector<InstrumentSpec> instruments, std::uint32_t reference_data)
    : specs_(std::move(instruments)), reference_data_(reference_data) {
  for (const InstrumentSpec& s : specs_) {
    Book book;
    book.spec = s;
    state_.books.emplace(s.id, std::move(book));
  }
}

namespace {

OrderView view_of(InstrumentId, matcher::OrderId id, refdata::ParticipantId participant, Side side,
                  TimeInForce tif, bool aon, Price price, Quantity open, Quantity visible, Quantity display,
                  refdata::Timestamp expiry) {
  OrderView v;
  v.id = id;
  v.participant = participant;
  v.side = side;
  v.time_in_force = tif;
  v.all_or_none = aon;
  v.price = price;
  v.open = open;
  v.visible = visible;
  v.display = display;
  v.expiry = expiry;
  return v;
}

}  // namespace

std::vector<OrderView> ReferenceBook::orders(InstrumentId instrument, Side side) const {
  std::vector<OrderView> views;
  auto it = state_.books.find(instrument);
  if (it == state_.books.end()) return views;
  for (const Order* o : all_in_priority_order(state_)) {
    if (o->quality_bid || o->instrument != instrument || o->side != side) continue;
    views.push_back(view_of(o->instrument, o->id, o->participant, o->side, o->time_in_force, o->all_or_none,
                            o->price, o->open, o->visible, o->display, o->expiry));
  }
  return views;
}

std::vector<OrderView> ReferenceBook::quality_bids(std::uint32_t commodity) const {
  std::vector<OrderView> views;
  for (const Order* o : all_in_priority_order(state_)) {
    if (!o->quality_bid || spec(o->instrument).commodity != commodity) continue;
    views.push_back(view_of(o->instrument, o->id, o->participant, o->side, o->time_in_force, o->all_or_none,
                            o->price, o->open, o->visible, o->display, o->expiry));
  }
  return views;
}

std::size_t ReferenceBook::open_orders() const { return all_in_priority_order(state_).size(); }

std::vector<const ReferenceBook::Order*> ReferenceBook::all_in_priority_order(const State& state) {
  std::vector<const Order*> result;
  for (const auto& [id, book] : state.books) {
    for (auto level = book.bids.rbegin(); level != book.bids.rend(); ++level) {
      for (const Order& o : level->second) result.push_back(&o);
    }
    for (const auto& [price, queue] : book.asks) {
      for (const Order& o : queue) result.push_back(&o);
    }
  }
  for (const auto& [commodity, ladder] : state.quality) {
    for (auto level = ladder.rbegin(); level != ladder.rend(); ++level) {
      for (const Order& o : level->second) result.push_back(&o);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Where orders rest

Price ReferenceBook::ladder_key(const State& state, const Order& order) {
  if (!order.quality_bid) return order.price;
  return order.price - state.books.at(order.instrument).spec.differential;
}

ReferenceBook::Ladder& ReferenceBook::ladder_of(State& state, const Order& order) {
  Book& book = state.books.at(order.instrument);
  if (order.quality_bid) return state.quality[book.spec.commodity];
  return book.side(order.side);
}

void ReferenceBook::place(State& state, Order order) {
  order.placed = state.next_placement++;
  const Price key = ladder_key(state, order);
  ladder_of(state, order)[key].push_back(order);
}

void ReferenceBook::remove(State& state, const Order& order) {
  const OrderId id = order.id;  // `order` may live in the queue it is removed from
  const Price key = ladder_key(state, order);
  Ladder& ladder = ladder_of(state, order);
  auto level = ladder.find(key);
  if (level == ladder.end()) return;
  level->second.remove_if([id](const Order& o) { return o.id == id; });
  if (level->second.empty()) ladder.erase(level);
}

ReferenceBook::Order* ReferenceBook::find(State& state, OrderId id) {
  auto in = [id](Ladder& ladder) -> Order* {
    for (auto& [price, queue] : ladder) {
      for (Order& o : queue) {
        if (o.id == id) return &o;
      }
    }
    return nullptr;
  };
  for (auto& [instrument, book] : state.books) {
    if (Order* o = in(book.bids)) return o;
    if (Order* o = in(book.asks)) return o;
  }
  for (auto& [commodity, ladder] : state.quality) {
    if (Order* o = in(ladder)) return o;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Market data

ReferenceBook::LevelSnapshot ReferenceBook::snapshot_levels() const {
  LevelSnapshot levels;
  for (const auto& [instrument, book] : state_.books) {
    for (int s = 0; s < 2; ++s) {
      for (const auto& [price, queue] : book.side(s == 0 ? Side::kBuy : Side::kSell)) {
        Level level{instrument, s, price, 0, 0};
        for (const Order& o : queue) {
          level.visible += o.visible;
          level.count += 1;
        }
        levels.push_back(level);
      }
    }
  }
  return levels;
}

ReferenceBook::TopSnapshot ReferenceBook::snapshot_tops() const {
  TopSnapshot tops;
  for (const InstrumentSpec& s : specs_) tops[s.commodity];
  for (const Order* o : all_in_priority_order(state_)) {
    const InstrumentSpec& s = spec(o->instrument);
    const Price base = o->price - s.differential;
    Top& top = tops[s.commodity];
    if (o->side == Side::kBuy) {
      if (!top.has_bid || base > top.bid) top.bid = base;
      top.has_bid = true;
    } else {
      if (!top.has_ask || base < top.ask) top.ask = base;
      top.has_ask = true;
    }
  }
  return tops;
}

void ReferenceBook::emit_market_data(const LevelSnapshot& before, const TopSnapshot& tops_before,
                                     const Command& c, std::vector<Event>& out) const {
  // Levels that differ, by merging the two sorted snapshots; a level missing on one side is 0/0.
  const LevelSnapshot after = snapshot_levels();
  auto key = [](const Level& l) { return std::tie(l.instrument, l.side, l.price); };
  std::vector<Level> changed;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && key(before[i]) < key(after[j]))) {
      changed.push_back(Level{before[i].instrument, before[i].side, before[i].price, 0, 0});
      ++i;
    } else if (i == before.size() || key(after[j]) < key(before[i])) {
      changed.push_back(after[j]);
      ++j;
    } else {
      if (before[i].visible != after[j].visible || before[i].count != after[j].count) changed.push_back(after[j]);
      ++i;
      ++j;
    }
  }
  // Instrument, then the buy side highest price first, then the sell side lowest price first.
  std::stable_sort(changed.begin(), changed.end(), [](const Level& a, const Level& b) {
    if (a.instrument != b.instrument) return a.instrument < b.instrument;
    if (a.side != b.side) return a.side < b.side;
    return a.side == 0 ? a.price > b.price : a.price < b.price;
  });
  for (const Level& level : changed) {
    Event e = base_event(c, EventType::kBookLevel);
    e.instrument = level.instrument;
    e.side = level.side == 0 ? Side::kBuy : Side::kSell;
    e.price = level.price;
    e.quantity = level.visible;
    e.order_count = level.count;
    out.push_back(e);
  }
  for (const auto& [commodity, top] : snapshot_tops()) {
    if (tops_before.at(commodity) == top) continue;
    Event e = base_event(c, EventType::kCommodityTop);
    e.commodity = static_cast<std::uint16_t>(commodity);
    e.has_bid = top.has_bid;
    e.price = top.bid;
    e.has_ask = top.has_ask;
    e.ask = top.ask;
    out.push_back(e);
  }
}

}  // namespace rex::testing
