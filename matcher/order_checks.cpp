#include "matcher/order_checks.hpp"

namespace rex::matcher {
namespace {

bool enums_in_range(const Command& c) {
  return static_cast<unsigned>(c.side) <= 1 && static_cast<unsigned>(c.order_type) <= 1 &&
         static_cast<unsigned>(c.time_in_force) <= 4 && static_cast<unsigned>(c.self_trade) <= 4;
}

bool immediate(TimeInForce tif) {
  return tif == TimeInForce::kImmediateOrCancel || tif == TimeInForce::kFillOrKill;
}

}  // namespace

RejectCode check_quantity(Quantity quantity, const refdata::InstrumentSpec& instrument) {
  if (quantity <= 0) return RejectCode::kQuantityNotPositive;
  if (quantity > kMaxOrderQuantity) return RejectCode::kQuantityTooLarge;
  if (quantity % instrument.lot_increment != 0) return RejectCode::kQuantityNotLotIncrement;
  return RejectCode::kNone;
}

RejectCode check_price(Price price, const refdata::InstrumentSpec& instrument) {
  if (price % instrument.tick_size != 0) return RejectCode::kPriceOffTick;
  if (price < instrument.price_floor || price > instrument.price_ceiling) return RejectCode::kPriceOutsideBand;
  return RejectCode::kNone;
}

RejectCode check_new_order(const Command& c, const refdata::InstrumentSpec& instrument) {
  if (!enums_in_range(c)) return RejectCode::kInvalidEnumValue;

  if (c.quantity <= 0) return RejectCode::kQuantityNotPositive;
  if (c.quantity > kMaxOrderQuantity) return RejectCode::kQuantityTooLarge;
  if (c.quantity < instrument.lot_minimum) return RejectCode::kQuantityBelowLotMinimum;
  if (c.quantity % instrument.lot_increment != 0) return RejectCode::kQuantityNotLotIncrement;

  const bool market = c.order_type == OrderType::kMarket;
  if (market) {
    if (c.price != 0) return RejectCode::kMarketOrderWithPrice;
    if (!immediate(c.time_in_force)) return RejectCode::kMarketOrderNotImmediate;
  } else if (const RejectCode r = check_price(c.price, instrument); r != RejectCode::kNone) {
    return r;
  }

  if (c.post_only && (market || immediate(c.time_in_force))) return RejectCode::kPostOnlyNotResting;

  if (c.display_quantity != 0) {
    if (c.all_or_none) return RejectCode::kIcebergAllOrNone;
    if (c.display_quantity < instrument.lot_minimum || c.display_quantity >= c.quantity ||
        c.display_quantity % instrument.lot_increment != 0) {
      return RejectCode::kDisplayQuantityInvalid;
    }
  }

  if (c.min_quantity != 0) {
    if (c.min_quantity < 0 || c.min_quantity > c.quantity || c.min_quantity % instrument.lot_increment != 0) {
      return RejectCode::kMinQuantityInvalid;
    }
    if (c.all_or_none || c.time_in_force == TimeInForce::kFillOrKill || c.post_only) {
      return RejectCode::kMinQuantityConflict;
    }
  }

  if (c.self_trade == SelfTradePrevention::kDecrement &&
      (c.time_in_force == TimeInForce::kFillOrKill || c.min_quantity != 0)) {
    return RejectCode::kDecrementNotAllowed;
  }

  if (c.time_in_force == TimeInForce::kGoodTillDate) {
    if (c.expiry == 0) return RejectCode::kExpiryMissing;
    if (c.expiry <= c.timestamp) return RejectCode::kExpiryInPast;
  } else if (c.expiry != 0) {
    return RejectCode::kExpiryWithoutGtd;
  }
  return RejectCode::kNone;
}

}  // namespace rex::matcher
