// A small JSON writer that appends to a reused std::string: the gateway's outgoing messages.
// Prices and quantities are written as decimal strings (docs/websocket-api.md), never numbers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rex::gateway {

// Appends `text` as a JSON string literal (quotes included), escaping quotes, backslashes and
// control characters.
void append_json_string(std::string& out, std::string_view text);
void append_uint(std::string& out, std::uint64_t value);
void append_int(std::string& out, std::int64_t value);
// Fen as CNY with two decimals: 7596000 -> 75960.00 (no quotes).
void append_price(std::string& out, std::int64_t fen);

// Builds one object or array at a time; commas are handled by the writer.
class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}

  JsonOut& begin_object() { separate(); out_ += '{'; first_ = true; return *this; }
  JsonOut& end_object() { out_ += '}'; first_ = false; return *this; }
  JsonOut& begin_array() { separate(); out_ += '['; first_ = true; return *this; }
  JsonOut& end_array() { out_ += ']'; first_ = false; return *this; }
  // Writes "key": and leaves the writer expecting the value. Key names are the protocol's own
  // identifiers (letters, digits, underscores), so they are not escaped.
  JsonOut& key(std::string_view name) {
    char buf[kShortKey + 4];  // ,"name": in one append: messages have ~8 keys each
    if (name.size() > kShortKey) {
      separate();
      out_ += '"';
      out_ += name;
      out_ += "\":";
    } else {
      std::size_t n = 0;
      if (!first_) buf[n++] = ',';
      buf[n++] = '"';
      std::memcpy(buf + n, name.data(), name.size());
      n += name.size();
      buf[n++] = '"';
      buf[n++] = ':';
      out_.append(buf, n);
    }
    first_ = true;
    return *this;
  }
  JsonOut& string(std::string_view value) { separate(); append_json_string(out_, value); return *this; }
  JsonOut& uint(std::uint64_t value) { separate(); append_uint(out_, value); return *this; }
  JsonOut& integer(std::int64_t value) { separate(); append_int(out_, value); return *this; }
  JsonOut& boolean(bool value) { separate(); out_ += value ? "true" : "false"; return *this; }
  JsonOut& null() { separate(); out_ += "null"; return *this; }
  // Pre-encoded JSON (e.g. an echoed request id).
  JsonOut& raw(std::string_view json) { separate(); out_ += json; return *this; }
  // Decimal strings: "75960.00", "1000", "1795741207027926356".
  JsonOut& price(std::int64_t fen) { separate(); out_ += '"'; append_price(out_, fen); out_ += '"'; return *this; }
  JsonOut& quantity(std::int64_t kg) { separate(); out_ += '"'; append_int(out_, kg); out_ += '"'; return *this; }
  JsonOut& id(std::uint64_t value) { separate(); out_ += '"'; append_uint(out_, value); out_ += '"'; return *this; }

  // key + value shorthands
  JsonOut& field(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonOut& field_uint(std::string_view k, std::uint64_t v) { return key(k).uint(v); }
  JsonOut& field_bool(std::string_view k, bool v) { return key(k).boolean(v); }
  JsonOut& field_price(std::string_view k, std::int64_t v) { return key(k).price(v); }
  JsonOut& field_quantity(std::string_view k, std::int64_t v) { return key(k).quantity(v); }
  JsonOut& field_id(std::string_view k, std::uint64_t v) { return key(k).id(v); }

 private:
  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  static constexpr std::size_t kShortKey = 60;
  std::string& out_;
  bool first_ = true;
};

}  // namespace rex::gateway
