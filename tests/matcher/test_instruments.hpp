// Small instruments for matcher unit tests: a steel book in whole yuan and tonnes, a copper book.
#pragma once

#include <vector>

#include "matcher/command.hpp"
#include "matcher/engine.hpp"
#include "reference-data/types.hpp"

namespace rex::testing {

inline refdata::InstrumentSpec steel_spec() {
  refdata::InstrumentSpec s;
  s.id = 0;
  s.code = "ST-HMS8020-ZHENGZHOU";
  s.tick_size = 100;            // 1 CNY/t
  s.lot_minimum = 1000;         // 1 t
  s.lot_increment = 500;        // 0.5 t
  s.price_floor = 250'000;      // 2,500 CNY/t
  s.price_ceiling = 310'000;    // 3,100 CNY/t
  return s;
}

inline refdata::InstrumentSpec copper_spec() {
  refdata::InstrumentSpec s;
  s.id = 1;
  s.code = "CU-BARLEY-XUCHANG";
  s.commodity = 1;
  s.tick_size = 1000;           // 10 CNY/t
  s.lot_minimum = 1000;
  s.lot_increment = 1000;
  s.price_floor = 6'500'000;
  s.price_ceiling = 8'000'000;
  return s;
}

inline std::vector<refdata::InstrumentSpec> test_instruments() { return {steel_spec(), copper_spec()}; }

// Builds commands with increasing sequence numbers and a fixed clock the test advances.
class CommandFactory {
 public:
  matcher::Command limit(matcher::ParticipantId p, matcher::Side side, matcher::Quantity qty, matcher::Price px,
                         matcher::InstrumentId ins = 0) {
    matcher::Command c = stamp();
    c.type = matcher::CommandType::kNewOrder;
    c.participant = p;
    c.instrument = ins;
    c.side = side;
    c.quantity = qty;
    c.price = px;
    return c;
  }
  matcher::Command market(matcher::ParticipantId p, matcher::Side side, matcher::Quantity qty) {
    matcher::Command c = limit(p, side, qty, 0);
    c.order_type = matcher::OrderType::kMarket;
    c.time_in_force = matcher::TimeInForce::kImmediateOrCancel;
    return c;
  }
  matcher::Command cancel(matcher::ParticipantId p, matcher::OrderId id) {
    matcher::Command c = stamp();
    c.type = matcher::CommandType::kCancel;
    c.participant = p;
    c.order_id = id;
    return c;
  }
  matcher::Command amend(matcher::ParticipantId p, matcher::OrderId id, matcher::Quantity qty, matcher::Price px) {
    matcher::Command c = cancel(p, id);
    c.type = matcher::CommandType::kAmend;
    c.quantity = qty;
    c.price = px;
    return c;
  }
  matcher::Command of_type(matcher::CommandType type) {
    matcher::Command c = stamp();
    c.type = type;
    return c;
  }
  void advance(matcher::Timestamp dt) { now_ += dt; }
  matcher::SequenceNumber last_seq() const { return seq_; }

 private:
  matcher::Command stamp() {
    matcher::Command c;
    c.seq = ++seq_;
    c.timestamp = now_;
    return c;
  }
  matcher::SequenceNumber seq_ = 0;
  matcher::Timestamp now_ = 1'000'000'000;
};

}  // namespace rex::testing
