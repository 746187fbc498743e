// Rejections of participants: ids, codes, kinds, roles, permissions, sides and limits.
#include <catch2/catch.hpp>

#include <string>

#include "reference-data/loader.hpp"
#include "tests/reference_data/support.hpp"

namespace rex::refdata {
namespace {

using test::require_rejected;
using test::small_catalogue;
using test::small_with;

TEST_CASE("reject out_of_range: participant ids are 1 .. 2^32-2") {
  require_rejected(small_with("{\"id\": 2,", "{\"id\": 0,"), Rule::kOutOfRange, "$.participants[1].id");
  require_rejected(small_with("{\"id\": 2,", "{\"id\": 4294967295,"), Rule::kOutOfRange, "$.participants[1].id");
  require_rejected(small_with("{\"id\": 2,", "{\"id\": -2,"), Rule::kOutOfRange, "$.participants[1].id");
}

TEST_CASE("reject duplicate_code: two participants with one id or one code") {
  require_rejected(small_with("{\"id\": 2,", "{\"id\": 1,"), Rule::kDuplicateCode, "$.participants[1].id");
  require_rejected(small_with("\"code\": \"OPS\"", "\"code\": \"RECYCLER\""), Rule::kDuplicateCode,
                   "$.participants[1].code");
}

TEST_CASE("reject unknown_reference: a permission for an unknown commodity") {
  require_rejected(small_with("{\"commodity\": \"CU\", \"sides\"", "{\"commodity\": \"NI\", \"sides\""),
                   Rule::kUnknownReference, "$.participants[0].permissions[0].commodity");
}

TEST_CASE("reject bad_side: sides are buy and sell") {
  require_rejected(small_with("\"sides\": [\"sell\"]", "\"sides\": [\"hold\"]"), Rule::kBadSide,
                   "$.participants[0].permissions[0].sides[0]");
  require_rejected(small_with("\"sides\": [\"sell\"]", "\"sides\": [\"SELL\"]"), Rule::kBadSide,
                   "$.participants[0].permissions[0].sides[0]");
}

TEST_CASE("reject duplicate_entry: a side, a role or a permitted commodity twice") {
  require_rejected(small_with("\"sides\": [\"buy\", \"sell\"]", "\"sides\": [\"buy\", \"sell\", \"buy\"]"),
                   Rule::kDuplicateEntry, "$.participants[0].permissions[1].sides[2]");
  require_rejected(small_with("\"roles\": [\"operator\"]", "\"roles\": [\"operator\", \"operator\"]"),
                   Rule::kDuplicateEntry, "$.participants[1].roles[1]");
  require_rejected(small_with("{\"commodity\": \"WP\", \"sides\"", "{\"commodity\": \"CU\", \"sides\""),
                   Rule::kDuplicateEntry, "$.participants[0].permissions[1].commodity");
}

TEST_CASE("reject bad_role and bad_kind") {
  require_rejected(small_with("\"roles\": [\"operator\"]", "\"roles\": [\"admin\"]"), Rule::kBadRole,
                   "$.participants[1].roles[0]");
  require_rejected(small_with("\"kind\": \"exchange\"", "\"kind\": \"bank\""), Rule::kBadKind,
                   "$.participants[1].kind");
}

TEST_CASE("reject not_positive: participant limits must be > 0") {
  require_rejected(small_with("\"max_order_quantity_kg\": 100000", "\"max_order_quantity_kg\": 0"),
                   Rule::kNotPositive, "$.participants[0].limits.max_order_quantity_kg");
  require_rejected(small_with("\"max_open_buy_value_fen\": 5000000", "\"max_open_buy_value_fen\": -1"),
                   Rule::kNotPositive, "$.participants[0].limits.max_open_buy_value_fen");
  require_rejected(small_with("\"max_order_quantity_kg\": 100000", "\"max_order_quantity_kg\": 100000001"),
                   Rule::kOutOfRange, "$.participants[0].limits.max_order_quantity_kg");
}

TEST_CASE("reject role_conflict and missing fields: only traders have permissions and limits") {
  require_rejected(small_with("\"roles\": [\"operator\"]",
                              "\"roles\": [\"operator\"], \"limits\": {\"max_order_quantity_kg\": 1, \"max_open_buy_value_fen\": 1}"),
                   Rule::kRoleConflict, "$.participants[1].limits");
  require_rejected(small_with("\"roles\": [\"operator\"]",
                              "\"roles\": [\"operator\"], \"permissions\": [{\"commodity\": \"CU\", \"sides\": [\"buy\"]}]"),
                   Rule::kRoleConflict, "$.participants[1].permissions");
  require_rejected(small_with(",\n     \"limits\": {\"max_order_quantity_kg\": 100000, \"max_open_buy_value_fen\": 5000000}", ""),
                   Rule::kMissingField, "$.participants[0].limits");
  require_rejected(small_with("\"roles\": [\"operator\"]", "\"roles\": [\"operator\", \"trader\"]"),
                   Rule::kMissingField, "$.participants[1].permissions");
}

TEST_CASE("participants decode identity, roles, permissions and limits") {
  const Catalogue catalogue = load_catalogue_string(small_catalogue());
  const Participant* recycler = catalogue.find_participant(ParticipantId{1});
  REQUIRE(recycler != nullptr);
  CHECK(recycler->code == "RECYCLER");
  CHECK(recycler->group == "Test Group");
  CHECK(recycler->kind == ParticipantKind::kRecycler);
  CHECK(recycler->has_role(Role::kTrader));
  CHECK_FALSE(recycler->has_role(Role::kOperator));
  CHECK(recycler->may_sell(0));
  CHECK_FALSE(recycler->may_buy(0));
  CHECK(recycler->may_buy(1));
  CHECK(recycler->max_order_quantity == 100000);
  CHECK(recycler->max_open_buy_value == 5000000);
  const Participant* ops = catalogue.find_participant("OPS");
  REQUIRE(ops != nullptr);
  CHECK(ops->id == 2);
  CHECK(ops->has_role(Role::kOperator));
  CHECK(ops->permissions.empty());
  CHECK(ops->max_order_quantity == 0);
  CHECK(kind_name(ops->kind) == "exchange");
  CHECK(role_name(Role::kAuditor) == "auditor");
}

}  // namespace
}  // namespace rex::refdata
