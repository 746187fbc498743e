// The listen address as rexd takes it: a numeric IPv4 or IPv6 address (Asio's make_address takes
// the same), checked where it is read so a bad one stops rexd before the journal is touched.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
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

// Why rexd could not listen on `address` (valid) and `port` now: a bind tried and undone, before
// anything is written, so a start that will fail on a port in use fails first. Empty: it could.
inline std::string listen_port_problem(const std::string& address, std::uint16_t port) {
  if (port == 0) return {};
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  } else {
    return listen_address_problem(address);
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("no socket: ") + std::strerror(errno);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // as the server binds
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0;
  const int error = errno;
  ::close(fd);
  return bound ? std::string() : "cannot listen on " + address + " port " + std::to_string(port) + ": " + std::strerror(error);
}

}  // namespace rex::gateway
