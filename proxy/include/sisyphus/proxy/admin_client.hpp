#pragma once
// A client of the admin API (DESIGN.md "Admin API") for `sisyphus admin` and for programs that
// drive a running `sisyphus serve` or `sisyphus proxy`: one request on a fresh connection,
// blocking, bounded in time. No Beast types here (compile times).
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sisyphus::proxy {

struct AdminReply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent

  // The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
  // The server's reason for a 4xx/5xx: the "error" of its JSON body, else the body itself.
  std::string error() const;
};

// The server could not be reached (bad address, refused, timed out): what() names the address.
class AdminUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `method` `target` to the admin API at `address` (HOST:PORT, an IP literal as --admin takes
// it), with `body` (sent with a Content-Length when not empty or when the method is PUT or
// POST). Throws AdminUnreachable when it cannot connect, write or read within `timeout`, and
// sisyphus::ParseError for an address that is not HOST:PORT.
AdminReply admin_request(std::string_view address, std::string_view method, std::string_view target,
                         std::string_view body = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sisyphus::proxy
