#include "wire/endpoint.hpp"

#include <fmt/format.h>

#include <charconv>

#include "sisyphus/core/error.hpp"

namespace sisyphus::proxy {

boost::asio::ip::tcp::endpoint parse_endpoint(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return ParseError(fmt::format(
        "invalid address '{}': {} (expected HOST:PORT, e.g. 127.0.0.1:8080, [::1]:0)", text, why));
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) throw bad("missing ':PORT'");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || p != port_text.data() + port_text.size() ||
      port > 65535) {
    throw bad("the port must be a number from 0 to 65535");
  }
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  boost::system::error_code aec;
  auto address = boost::asio::ip::make_address(host, aec);
  if (aec) throw bad(fmt::format("'{}' is not an IPv4 or IPv6 address", host));
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace sisyphus::proxy
