#include "gateway/http_target.hpp"

#include <charconv>

namespace rex::gateway {

std::optional<std::string> request_path(std::string_view target) {
  if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos && !target.starts_with('/')) {
    const auto path = target.find('/', scheme + 3);
    target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
  }
  std::string out;
  out.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      out += target[i];
      continue;
    }
    if (i + 2 >= target.size()) return std::nullopt;
    unsigned value = 0;
    const auto r = std::from_chars(target.data() + i + 1, target.data() + i + 3, value, 16);
    if (r.ec != std::errc{} || r.ptr != target.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

}  // namespace rex::gateway
