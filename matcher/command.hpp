// What the sequencer hands the engine: a request already stamped with its sequence number and time.
#pragma once

#include <algorithm>
#include <array>
#include <initializer_list>
#include <memory>
#include <stdexcept>

#include "matcher/types.hpp"

namespace rex::matcher {

enum class CommandType : std::uint8_t {
  kNewOrder = 0,
  kCancel = 1,
  kAmend = 2,
  kMassCancel = 3,  // scope: participant and/or instrument, kAny* for "all"
  kEndOfDay = 4,    // the trading session ends: every DAY order expires
  kClock = 5,       // carries only a timestamp: expires GTD orders due by then
  kHalt = 6,        // operator: stop trading in an instrument, a commodity, or everything
  kResume = 7,      // operator: resume trading in that scope
  // operator: new reference data in force from this command (Engine::process_reference_data, which
  // also takes the new instrument specs); `reference_data` names it (the first 32 bits of the
  // catalogue's SHA-256)
  kReferenceData = 8,
};

// Quality terms an order carries (docs/quality-matching.md): on a sell, the lot's assay (each
// term's min == max == the measured value); on a buy, the buyer's own bounds.
inline constexpr std::size_t kMaxQualityTerms = 8;

struct QualityTerms {
  std::uint8_t count = 0;  // terms used, ascending attribute, no repeats
  std::array<AttributeRange, kMaxQualityTerms> terms{};

  // Terms from a list, in the order given (at most kMaxQualityTerms).
  static QualityTerms of(std::initializer_list<AttributeRange> ranges) {
    if (ranges.size() > kMaxQualityTerms) throw std::invalid_argument("more than kMaxQualityTerms quality terms");
    QualityTerms q;
    q.count = static_cast<std::uint8_t>(ranges.size());
    std::copy(ranges.begin(), ranges.end(), q.terms.begin());
    return q;
  }

  bool operator==(const QualityTerms&) const = default;
};

// A command's quality terms, held out of line: most orders carry none, and without them a command
// stays within two cache lines (every command crosses the inbound queue and the matcher; 200 bytes
// of terms inline cost plain orders 10-15 % of their speed, bench/RESULTS.md). A value like any
// other field: copies copy the terms, == compares them, and no terms take no memory.
class CommandQuality {
 public:
  CommandQuality() = default;
  explicit CommandQuality(const QualityTerms& terms) { *this = terms; }
  CommandQuality(const CommandQuality& other) : CommandQuality(other.get()) {}
  CommandQuality(CommandQuality&&) noexcept = default;
  CommandQuality& operator=(const CommandQuality& other) { return *this = other.get(); }
  CommandQuality& operator=(CommandQuality&&) noexcept = default;
  ~CommandQuality() = default;

  CommandQuality& operator=(const QualityTerms& terms) {
    if (terms.count == 0) {
      terms_.reset();
    } else if (terms_ != nullptr) {
      *terms_ = terms;
    } else {
      terms_ = std::make_unique<QualityTerms>(terms);
    }
    return *this;
  }

  const QualityTerms& get() const { return terms_ != nullptr ? *terms_ : kNoTerms; }
  // The terms to change in place: allocated (empty) on first use.
  QualityTerms& edit() {
    if (terms_ == nullptr) terms_ = std::make_unique<QualityTerms>();
    return *terms_;
  }
  operator const QualityTerms&() const { return get(); }  // NOLINT(google-explicit-constructor)
  const QualityTerms* operator->() const { return &get(); }
  const QualityTerms& operator*() const { return get(); }
  bool operator==(const CommandQuality& other) const { return get() == other.get(); }

 private:
  static inline const QualityTerms kNoTerms{};
  std::unique_ptr<QualityTerms> terms_;
};

struct Command {
  CommandType type = CommandType::kNewOrder;
  Side side = Side::kBuy;
  OrderType order_type = OrderType::kLimit;
  TimeInForce time_in_force = TimeInForce::kGoodTillCancel;
  SelfTradePrevention self_trade = SelfTradePrevention::kNone;
  bool post_only = false;
  bool all_or_none = false;
  SequenceNumber seq = 0;   // strictly increasing; also the id of the order a kNewOrder creates
  Timestamp timestamp = 0;  // never decreasing
  ParticipantId participant = 0;  // who sent it; for kMassCancel, whose orders (or kAnyParticipant)
  InstrumentId instrument = 0;    // for kMassCancel, which book (or kAnyInstrument)
  OrderId order_id = 0;     // target of kCancel and kAmend
  Price price = 0;          // limit price; for kAmend 0 keeps the current price
  Quantity quantity = 0;    // order quantity; for kAmend the new open quantity, 0 keeps it
  Quantity display_quantity = 0;  // iceberg slice size; 0 shows everything
  Quantity min_quantity = 0;      // must trade at least this much on entry; 0 for none
  Timestamp expiry = 0;     // GTD only: expires when a command stamped at or after it arrives
  std::uint32_t commodity = kAnyCommodity;  // scope of kHalt and kResume, with `instrument`
  std::uint32_t reference_data = 0;  // kReferenceData: the new reference data's id (fits the padding)
  // Buy only: the grades and hubs (catalogue indices, bit i = index i) the buyer accepts; 0 means
  // just the instrument's own grade / hub. The price is always in the named instrument's terms.
  std::uint64_t accepted_grades = 0;
  std::uint64_t accepted_hubs = 0;
  CommandQuality quality;    // sell: assay; buy: bounds
  bool replace_quality = false;  // kAmend: replace the bounds and accepted sets with the ones given

  bool operator==(const Command&) const = default;
};

}  // namespace rex::matcher
