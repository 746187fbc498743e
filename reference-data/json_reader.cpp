#include "reference-data/json_reader.hpp"

#include <algorithm>
#include <set>

#include "reference-data/catalogue_bounds.hpp"

namespace rex::refdata::detail {

namespace {

using simdjson::dom::element_type;

std::string_view type_name(element_type type) {
  switch (type) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64: return "an integer";
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a number with a fraction or exponent";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "an unknown value";
}

[[noreturn]] void wrong_type(const Node& node, std::string_view expected) {
  fail(Rule::kWrongType, node.path,
       "expected " + std::string(expected) + ", got " + std::string(type_name(node.value.type())));
}

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!letter(key[0])) return false;
  return std::all_of(key.begin(), key.end(), [&](char c) { return letter(c) || digit(c); });
}

std::string_view string_of(const Node& node) {
  std::string_view text;
  if (node.value.get_string().get(text) != simdjson::SUCCESS) wrong_type(node, "a string");
  return text;
}

}  // namespace

void fail(Rule rule, const std::string& path, std::string detail) {
  throw CatalogueError(rule, path, std::move(detail));
}

std::string quote_text(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string member_path(const std::string& parent, std::string_view key) {
  if (is_identifier(key)) return parent + "." + std::string(key);
  return parent + "[" + quote_text(key) + "]";
}

std::string element_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string read_text(const Node& node) {
  const std::string_view text = string_of(node);
  if (text.empty()) fail(Rule::kBadText, node.path, "text must not be empty");
  if (text.size() > kMaxTextBytes) {
    fail(Rule::kBadText, node.path,
         "text of " + std::to_string(text.size()) + " bytes, more than " +
             std::to_string(kMaxTextBytes));
  }
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      fail(Rule::kBadText, node.path, "control character in " + quote_text(text));
    }
  }
  return std::string(text);
}

std::string read_code(const Node& node) {
  const std::string_view text = string_of(node);
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto tail = [&](char c) { return upper(c) || (c >= '0' && c <= '9') || c == '_'; };
  const bool ok = !text.empty() && text.size() <= kMaxCodeLength && upper(text[0]) &&
                  std::all_of(text.begin(), text.end(), tail);
  if (!ok) {
    fail(Rule::kBadCode, node.path,
         quote_text(text) + " is not a code: [A-Z][A-Z0-9_]*, at most " +
             std::to_string(kMaxCodeLength) + " characters");
  }
  return std::string(text);
}

std::int64_t read_int(const Node& node) {
  switch (node.value.type()) {
    case element_type::INT64: {
      std::int64_t value = 0;
      if (node.value.get_int64().get(value) != simdjson::SUCCESS) wrong_type(node, "an integer");
      return value;
    }
    case element_type::UINT64:
      fail(Rule::kOutOfRange, node.path, "integer larger than 9223372036854775807 (int64)");
    default:
      wrong_type(node, "an integer");
  }
}

bool read_bool(const Node& node) {
  bool value = false;
  if (node.value.get_bool().get(value) != simdjson::SUCCESS) wrong_type(node, "true or false");
  return value;
}

std::vector<Node> read_array(const Node& node) {
  simdjson::dom::array array;
  if (node.value.get_array().get(array) != simdjson::SUCCESS) wrong_type(node, "an array");
  std::vector<Node> items;
  std::size_t index = 0;
  for (simdjson::dom::element item : array) {
    items.push_back(Node{item, element_path(node.path, index)});
    ++index;
  }
  return items;
}

ObjectReader::ObjectReader(const Node& node, std::initializer_list<std::string_view> allowed)
    : path_(node.path) {
  if (node.value.get_object().get(object_) != simdjson::SUCCESS) wrong_type(node, "an object");
  std::set<std::string_view> seen;
  for (simdjson::dom::key_value_pair field : object_) {
    if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end()) {
      std::string expected;
      for (std::string_view name : allowed) {
        expected += expected.empty() ? "" : ", ";
        expected += name;
      }
      fail(Rule::kUnknownField, member_path(path_, field.key),
           "unknown field " + quote_text(field.key) + "; this object takes: " + expected);
    }
    if (!seen.insert(field.key).second) {
      fail(Rule::kDuplicateField, member_path(path_, field.key),
           "field " + quote_text(field.key) + " appears more than once");
    }
  }
}

bool ObjectReader::has(std::string_view key) const {
  simdjson::dom::element ignored;
  return object_.at_key(key).get(ignored) == simdjson::SUCCESS;
}

std::optional<Node> ObjectReader::optional(std::string_view key) const {
  simdjson::dom::element value;
  if (object_.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return Node{value, path_of(key)};
}

Node ObjectReader::required(std::string_view key) const {
  std::optional<Node> node = optional(key);
  if (!node) fail(Rule::kMissingField, path_of(key), "required field " + quote_text(key) + " is missing");
  return *node;
}

std::string ObjectReader::optional_text(std::string_view key) const {
  const std::optional<Node> node = optional(key);
  return node ? read_text(*node) : std::string();
}

std::int64_t ObjectReader::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const Node node = required(key);
  const std::int64_t value = read_int(node);
  if (value < min || value > max) {
    fail(Rule::kOutOfRange, node.path,
         std::to_string(value) + " is outside [" + std::to_string(min) + ", " +
             std::to_string(max) + "]");
  }
  return value;
}

std::int64_t ObjectReader::positive(std::string_view key, std::int64_t max) const {
  const Node node = required(key);
  const std::int64_t value = read_int(node);
  if (value <= 0) fail(Rule::kNotPositive, node.path, std::to_string(value) + " must be > 0");
  if (value > max) {
    fail(Rule::kOutOfRange, node.path,
         std::to_string(value) + " is larger than the maximum " + std::to_string(max));
  }
  return value;
}

std::vector<Node> ObjectReader::non_empty_array(std::string_view key) const {
  std::vector<Node> items = array(key);
  if (items.empty()) fail(Rule::kEmpty, path_of(key), "must have at least one entry");
  return items;
}

}  // namespace rex::refdata::detail
