// The path an HTTP request target names, in origin or absolute form, percent-encoded or not.
#include <catch2/catch.hpp>

#include "gateway/http_target.hpp"

using rex::gateway::request_path;

TEST_CASE("request targets: query dropped, absolute form reduced, escapes decoded", "[gateway][http]") {
  CHECK(request_path("/health") == "/health");
  CHECK(request_path("/health?verbose=1") == "/health");
  CHECK(request_path("http://127.0.0.1:8080/api/v1/instruments") == "/api/v1/instruments");
  CHECK(request_path("http://127.0.0.1:8080") == "/");
  CHECK(request_path("http://x/a?b=http://y/c") == "/a");
  CHECK(request_path("/api/v1/books/CU%2DBARLEY%2dXUCHANG") == "/api/v1/books/CU-BARLEY-XUCHANG");
  CHECK(request_path("/a%2fb") == "/a/b");
  CHECK(request_path("/x://y") == "/x://y");  // an origin-form path that happens to hold "://"
  // malformed escapes
  CHECK_FALSE(request_path("/books/CU%2"));
  CHECK_FALSE(request_path("/books/CU%"));
  CHECK_FALSE(request_path("/books/CU%zz"));
  CHECK_FALSE(request_path("/books/%-1"));
  CHECK_FALSE(request_path("/books/%+1"));
}
