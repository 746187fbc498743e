#include "gateway/json_out.hpp"

#include <charconv>

namespace rex::gateway {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Runs that need no escaping (nearly every string) are appended whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (u == '"' || u == '\\') {
      out += '\\';
      out += static_cast<char>(u);
    } else {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void append_uint(std::string& out, std::uint64_t value) {
  char buf[24];  // 20 digits for 2^64 - 1
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];  // sign and 19 digits
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_price(std::string& out, std::int64_t fen) {
  constexpr std::int64_t kFenPerYuan = 100;
  std::uint64_t magnitude = fen < 0 ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  if (fen < 0) out += '-';
  append_uint(out, magnitude / kFenPerYuan);
  const auto cents = static_cast<char>(magnitude % kFenPerYuan);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
}

}  // namespace rex::gateway
