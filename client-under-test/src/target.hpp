#pragma once
// Where a request goes: scheme, host, port and request-target of an http(s) URL, the
// credentials its userinfo carries, and the resolution of a redirect's Location against it.
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::client::detail {

struct Target {
  std::string url;             // normalized absolute URL (no fragment, no userinfo)
  bool tls = false;            // https
  std::string host;            // for DNS / the socket: no brackets around IPv6
  std::string port;            // "80" / "443" when the URL has none
  std::string host_header;     // Host: as the URL spells it (brackets, non-default port)
  std::string request_target;  // path and query, at least "/"
  bool host_is_ip = false;     // no SNI, and certificates are checked against the address
  // `Basic base64(user:password)` of the URL's userinfo (percent-decoded), kept out of `url`
  // so that no error message or redirect resolution carries the password along.
  std::optional<std::string> authorization;
};

// RFC 6454 §4: the same scheme, host (case-insensitive) and port. Credentials go only to the
// origin they were given for.
bool same_origin(const Target& a, const Target& b);

// nullopt (and `error` set) when the URL is not an absolute http or https URL.
std::optional<Target> parse_target(std::string_view url, std::string& error);

// The target a redirect's Location (absolute or relative, RFC 3986 §5) points to.
std::optional<Target> resolve_location(const Target& base, std::string_view location,
                                       std::string& error);

}  // namespace sisyphus::client::detail
