// Participants: identity, kind, roles, commodity permissions and trading limits.
#include <algorithm>
#include <set>
#include <string>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decode.hpp"

namespace rex::refdata::detail {

namespace {

ParticipantKind read_kind(const Node& node) {
  const std::string text = read_text(node);
  for (ParticipantKind kind : {ParticipantKind::kRecycler, ParticipantKind::kMill,
                               ParticipantKind::kTrader, ParticipantKind::kExchange}) {
    if (text == kind_name(kind)) return kind;
  }
  fail(Rule::kBadKind, node.path,
       quote_text(text) + " is not one of \"recycler\", \"mill\", \"trader\", \"exchange\"");
}

std::vector<Role> read_roles(const ObjectReader& reader) {
  std::vector<Role> roles;
  for (const Node& node : reader.non_empty_array("roles")) {
    const std::string text = read_text(node);
    bool known = false;
    for (Role role : {Role::kTrader, Role::kOperator, Role::kAuditor}) {
      if (text != role_name(role)) continue;
      known = true;
      if (std::find(roles.begin(), roles.end(), role) != roles.end()) {
        fail(Rule::kDuplicateEntry, node.path, "role " + quote_text(text) + " listed twice");
      }
      roles.push_back(role);
    }
    if (!known) {
      fail(Rule::kBadRole, node.path,
           quote_text(text) + " is not one of \"trader\", \"operator\", \"auditor\"");
    }
  }
  return roles;
}

CommodityPermission read_permission(const Node& node, const DecodeState& state) {
  const ObjectReader reader(node, {"commodity", "sides"});
  CommodityPermission permission;
  permission.commodity = resolve(state.commodities, reader.required("commodity"), "commodity");
  for (const Node& side : reader.non_empty_array("sides")) {
    const std::string text = read_text(side);
    bool* flag = text == "buy" ? &permission.buy : text == "sell" ? &permission.sell : nullptr;
    if (flag == nullptr) fail(Rule::kBadSide, side.path, quote_text(text) + " is not \"buy\" or \"sell\"");
    if (*flag) fail(Rule::kDuplicateEntry, side.path, "side " + quote_text(text) + " listed twice");
    *flag = true;
  }
  return permission;
}

}  // namespace

void decode_participants(const ObjectReader& root, DecodeState& state) {
  CatalogueData& data = state.data;
  CodeIndex codes;
  std::set<ParticipantId> ids;
  for (const Node& node : root.non_empty_array("participants")) {
    const ObjectReader reader(node, {"id", "code", "name", "name_zh", "group", "kind", "roles",
                                     "permissions", "limits"});
    Participant participant;
    participant.id = static_cast<ParticipantId>(reader.integer("id", 1, kAnyParticipant - 1));
    if (!ids.insert(participant.id).second) {
      fail(Rule::kDuplicateCode, reader.path_of("id"),
           "participant id " + std::to_string(participant.id) + " is already used");
    }
    add_code(codes, reader.required("code"), "participant");
    participant.code = reader.code("code");
    participant.name = reader.text("name");
    participant.name_zh = reader.optional_text("name_zh");
    participant.group = reader.text("group");
    participant.kind = read_kind(reader.required("kind"));
    participant.roles = read_roles(reader);

    const bool trader = participant.has_role(Role::kTrader);
    if (!trader) {
      for (std::string_view key : {"permissions", "limits"}) {
        if (reader.has(key)) {
          fail(Rule::kRoleConflict, reader.path_of(key),
               "only a participant with the \"trader\" role has " + std::string(key));
        }
      }
    } else {
      std::set<std::uint32_t> commodities;
      for (const Node& permission_node : reader.non_empty_array("permissions")) {
        CommodityPermission permission = read_permission(permission_node, state);
        if (!commodities.insert(permission.commodity).second) {
          fail(Rule::kDuplicateEntry, member_path(permission_node.path, "commodity"),
               "commodity " + data.commodities[permission.commodity].code + " listed twice");
        }
        participant.permissions.push_back(permission);
      }
      const ObjectReader limits(reader.required("limits"),
                                {"max_order_quantity_kg", "max_open_buy_value_fen"});
      participant.max_order_quantity = limits.positive("max_order_quantity_kg", kMaxQuantityKg);
      participant.max_open_buy_value = limits.positive("max_open_buy_value_fen", kMaxValueFen);
    }
    data.participants.push_back(std::move(participant));
  }
}

}  // namespace rex::refdata::detail
