// The resource an HTTP request target names: its path, whatever form the client wrote it in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rex::gateway {

// The decoded path of a request target: the query dropped, the absolute form
// ("http://host/path", RFC 9112 3.2.2) reduced to its path, %XX escapes decoded (RFC 3986 2.1).
// nullopt for a malformed escape.
std::optional<std::string> request_path(std::string_view target);

}  // namespace rex::gateway
