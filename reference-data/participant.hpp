// Who may use the exchange: identity, affiliation, roles, what they may trade and their limits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reference-data/types.hpp"

namespace rex::refdata {

enum class ParticipantKind : std::uint8_t { kRecycler, kMill, kTrader, kExchange };

enum class Role : std::uint8_t {
  kTrader,    // may send orders, within its permissions and limits
  kOperator,  // may halt and resume trading and load reference data
  kAuditor,   // may read the journal and replay it
};

// One commodity a participant may trade, and on which sides.
struct CommodityPermission {
  std::uint32_t commodity = 0;  // index into the catalogue's commodity table
  bool buy = false;
  bool sell = false;
};

struct Participant {
  ParticipantId id = 0;  // >= 1; the id every command and trade carries
  std::string code;      // e.g. "ZZGREEN"
  std::string name;
  std::string name_zh;   // may be empty
  std::string group;     // affiliation (the group company, or the exchange itself)
  ParticipantKind kind = ParticipantKind::kRecycler;
  std::vector<Role> roles;  // catalogue order, no repeats
  std::vector<CommodityPermission> permissions;  // empty unless the participant is a trader
  Quantity max_order_quantity = 0;  // kg per order; 0 when not a trader
  std::int64_t max_open_buy_value = 0;  // fen, sum of price x quantity of open buys; 0 when not a trader

  bool has_role(Role role) const;
  bool may_buy(std::uint32_t commodity) const;
  bool may_sell(std::uint32_t commodity) const;
};

std::string_view kind_name(ParticipantKind kind);  // "recycler"
std::string_view role_name(Role role);             // "trader"

}  // namespace rex::refdata
