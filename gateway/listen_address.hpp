// The listen address as rexd takes it: a numeric IPv4 or IPv6 address (Asio's make_address takes
// the same), checked where it is read so a bad one stops rexd before the journal is touched.
#pragma once

#include <arpa/inet.h>

#include <string>

namespace rex::gateway {

// Why `address` cannot be listened on as written; empty if it can.
inline std::string listen_address_problem(const std::string& address) {
  unsigned char scratch[16];
  if (::inet_pton(AF_INET, address.c_str(), scratch) == 1 || ::inet_pton(AF_INET6, address.c_str(), scratch) == 1) {
    return {};
  }
  return "'" + address + "' is not an IP address (write 127.0.0.1, 0.0.0.0 or ::1, not a host name)";
}

}  // namespace rex::gateway
