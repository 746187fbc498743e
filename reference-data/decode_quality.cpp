// Quality attributes and grades with their attribute limits.
#include <optional>
#include <set>
#include <string>

#include "reference-data/catalogue_bounds.hpp"
#include "reference-data/decimal.hpp"
#include "reference-data/decode.hpp"

namespace rex::refdata::detail {

namespace {

std::optional<std::int64_t> read_limit_value(const ObjectReader& limit, std::string_view key,
                                             const Attribute& attribute) {
  const std::optional<Node> node = limit.optional(key);
  if (!node) return std::nullopt;
  std::string_view text;
  if (node->value.get_string().get(text) != simdjson::SUCCESS) {
    fail(Rule::kWrongType, node->path,
         "expected a decimal string such as \"99.90\" (JSON numbers are not accepted here)");
  }
  std::int64_t value = 0;
  const DecimalStatus status = parse_decimal(text, attribute.scale, value);
  if (status != DecimalStatus::kOk) {
    fail(Rule::kBadDecimal, node->path,
         quote_text(text) + ": " + std::string(decimal_status_text(status)) + " (attribute " +
             attribute.code + " has scale " + std::to_string(attribute.scale) + ")");
  }
  return value;
}

QualityLimit decode_limit(const Node& node, const DecodeState& state) {
  const ObjectReader limit(node, {"attribute", "min", "max", "source", "approximate", "note"});
  QualityLimit out;
  out.attribute = resolve(state.attributes, limit.required("attribute"), "attribute");
  const Attribute& attribute = state.data.attributes[out.attribute];
  out.min = read_limit_value(limit, "min", attribute);
  out.max = read_limit_value(limit, "max", attribute);
  if (!out.min && !out.max) fail(Rule::kNoBound, node.path, "a limit needs a min, a max or both");
  if (out.min && out.max && *out.min > *out.max) {
    fail(Rule::kMinAboveMax, node.path,
         attribute.code + " min " + format_decimal(*out.min, attribute.scale) + " > max " +
             format_decimal(*out.max, attribute.scale));
  }
  out.source = limit.text("source");
  out.approximate = limit.boolean("approximate");
  out.note = limit.optional_text("note");
  return out;
}

}  // namespace

void decode_attributes(const ObjectReader& root, DecodeState& state) {
  for (const Node& node : root.non_empty_array("attributes")) {
    const ObjectReader reader(node, {"code", "name", "unit", "scale"});
    Attribute attribute;
    add_code(state.attributes, reader.required("code"), "attribute");
    attribute.code = reader.code("code");
    attribute.name = reader.text("name");
    attribute.unit = reader.text("unit");
    attribute.scale = static_cast<int>(reader.integer("scale", 0, kMaxAttributeScale));
    state.data.attributes.push_back(std::move(attribute));
  }
}

void decode_grades(const ObjectReader& root, DecodeState& state) {
  for (const Node& node : root.non_empty_array("grades")) {
    const ObjectReader reader(node, {"code", "commodity", "name", "name_zh", "standard",
                                     "description", "limits"});
    Grade grade;
    add_code(state.grades, reader.required("code"), "grade");
    grade.code = reader.code("code");
    grade.commodity = resolve(state.commodities, reader.required("commodity"), "commodity");
    grade.name = reader.text("name");
    grade.name_zh = reader.optional_text("name_zh");
    grade.standard = reader.text("standard");
    grade.description = reader.optional_text("description");
    std::set<std::uint32_t> attributes_seen;
    for (const Node& limit_node : reader.array("limits")) {
      QualityLimit limit = decode_limit(limit_node, state);
      if (!attributes_seen.insert(limit.attribute).second) {
        fail(Rule::kDuplicateEntry, member_path(limit_node.path, "attribute"),
             "grade " + grade.code + " limits attribute " +
                 state.data.attributes[limit.attribute].code + " twice");
      }
      grade.limits.push_back(std::move(limit));
    }
    state.data.grades.push_back(std::move(grade));
    state.grade_differential_paths.emplace_back();
  }
}

}  // namespace rex::refdata::detail
