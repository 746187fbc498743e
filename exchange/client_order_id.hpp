// The one rule for a client's own order id (the WebSocket cl_ord_id, journaled in a command's
// origin): what the gateway accepts and what the journal's decoder insists on, so a journal can
// only hold ids a gateway took (docs/websocket-api.md, docs/journal-format.md).
#pragma once

#include <cstddef>
#include <string_view>

namespace rex::exchange {

// 1 to this many bytes: a UUID fits.
inline constexpr std::size_t kMaxClientOrderIdBytes = 36;

// Printable ASCII without the space (0x21 '!' to 0x7e '~'): FIX's ClOrdID habit.
constexpr bool is_client_order_id_char(char c) { return c >= 0x21 && c <= 0x7e; }

constexpr bool is_client_order_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxClientOrderIdBytes) return false;
  for (char c : id) {
    if (!is_client_order_id_char(c)) return false;
  }
  return true;
}

}  // namespace rex::exchange
