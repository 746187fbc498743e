// Internal to the loader: typed, path-aware reading of a simdjson DOM. Every failure throws a
// CatalogueError naming the JSON path, e.g. "$.instruments[3].tick_size_fen".
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference-data/catalogue_error.hpp"

namespace rex::refdata::detail {

// A JSON value and where it sits.
struct Node {
  simdjson::dom::element value;
  std::string path;
};

[[noreturn]] void fail(Rule rule, const std::string& path, std::string detail);

std::string member_path(const std::string& parent, std::string_view key);
std::string element_path(const std::string& parent, std::size_t index);
std::string quote_text(std::string_view text);  // for messages: "ab\"c", control bytes escaped

// Node readers; each checks the type (kWrongType) and the rules in its comment.
std::string read_text(const Node& node);  // string, 1..kMaxTextBytes, no control characters
std::string read_code(const Node& node);  // string matching [A-Z][A-Z0-9_]{0,kMaxCodeLength-1}
std::int64_t read_int(const Node& node);  // integer that fits int64 (kOutOfRange otherwise)
bool read_bool(const Node& node);
std::vector<Node> read_array(const Node& node);

// An object whose keys are unique and all in the allowed set, checked when constructed.
class ObjectReader {
 public:
  ObjectReader(const Node& node, std::initializer_list<std::string_view> allowed);

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return member_path(path_, key); }
  bool has(std::string_view key) const;

  Node required(std::string_view key) const;  // kMissingField when absent
  std::optional<Node> optional(std::string_view key) const;

  std::string text(std::string_view key) const { return read_text(required(key)); }
  std::string optional_text(std::string_view key) const;  // "" when absent
  std::string code(std::string_view key) const { return read_code(required(key)); }
  bool boolean(std::string_view key) const { return read_bool(required(key)); }
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  std::int64_t positive(std::string_view key, std::int64_t max) const;  // 1..max, kNotPositive
  std::vector<Node> array(std::string_view key) const { return read_array(required(key)); }
  std::vector<Node> non_empty_array(std::string_view key) const;  // kEmpty when []

 private:
  simdjson::dom::object object_;
  std::string path_;
};

}  // namespace rex::refdata::detail
