#include "reference-data/participant.hpp"

#include <algorithm>

namespace rex::refdata {

bool Participant::has_role(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Participant::may_buy(std::uint32_t commodity) const {
  return std::any_of(permissions.begin(), permissions.end(), [&](const CommodityPermission& p) {
    return p.commodity == commodity && p.buy;
  });
}

bool Participant::may_sell(std::uint32_t commodity) const {
  return std::any_of(permissions.begin(), permissions.end(), [&](const CommodityPermission& p) {
    return p.commodity == commodity && p.sell;
  });
}

std::string_view kind_name(ParticipantKind kind) {
  switch (kind) {
    case ParticipantKind::kRecycler: return "recycler";
    case ParticipantKind::kMill: return "mill";
    case ParticipantKind::kTrader: return "trader";
    case ParticipantKind::kExchange: return "exchange";
  }
  return "unknown";
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kTrader: return "trader";
    case Role::kOperator: return "operator";
    case Role::kAuditor: return "auditor";
  }
  return "unknown";
}

}  // namespace rex::refdata
