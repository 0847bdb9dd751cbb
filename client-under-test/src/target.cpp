#include "target.hpp"

#include <fmt/format.h>

#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cstdint>
#include <span>

#include "sisyphus/core/sha256.hpp"

namespace sisyphus::client::detail {
namespace urls = boost::urls;

namespace {

std::optional<Target> from_url(urls::url_view u, std::string& error) {
  Target t;
  if (u.scheme() == "http") {
    t.tls = false;
  } else if (u.scheme() == "https") {
    t.tls = true;
  } else {
    error = fmt::format("'{}': expected an http:// or https:// URL", std::string(u.buffer()));
    return std::nullopt;
  }
  if (u.encoded_host().empty()) {
    error = fmt::format("'{}': the URL has no host", std::string(u.buffer()));
    return std::nullopt;
  }
  switch (u.host_type()) {
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      t.host = u.host_address();
      t.host_is_ip = true;
      break;
    default:
      t.host = u.host();
      break;
  }
  t.port = u.has_port() ? std::string(u.port()) : (t.tls ? "443" : "80");
  t.host_header =
      u.has_port() ? std::string(u.encoded_host_and_port()) : std::string(u.encoded_host());
  t.request_target = u.encoded_target();
  if (t.request_target.empty() || t.request_target.front() != '/') {
    t.request_target.insert(t.request_target.begin(), '/');
  }
  if (u.has_userinfo()) {
    // RFC 7617: user-id ":" password, as the URL spells them once percent-decoded (a URL
    // with a user and no password sends "user:").
    const std::string pair = u.user() + ":" + u.password();
    t.authorization =
        "Basic " + sisyphus::to_base64(
                       std::span(reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size()));
  }
  urls::url copy(u);
  copy.remove_fragment();
  copy.remove_userinfo();
  t.url = copy.buffer();
  return t;
}

}  // namespace

bool same_origin(const Target& a, const Target& b) {
  return a.tls == b.tls && urls::grammar::ci_is_equal(a.host, b.host) && a.port == b.port;
}

std::optional<Target> parse_target(std::string_view url, std::string& error) {
  auto u = urls::parse_uri(url);
  if (!u) {
    error = fmt::format("invalid URL '{}': {}", url, u.error().message());
    return std::nullopt;
  }
  return from_url(*u, error);
}

std::optional<Target> resolve_location(const Target& base, std::string_view location,
                                       std::string& error) {
  auto ref = urls::parse_uri_reference(location);
  if (!ref) {
    error = fmt::format("invalid Location '{}': {}", location, ref.error().message());
    return std::nullopt;
  }
  urls::url dest;
  auto b = urls::parse_uri(base.url);
  if (!b) {
    error = "invalid base URL " + base.url;
    return std::nullopt;
  }
  if (auto r = urls::resolve(*b, *ref, dest); !r) {
    error = fmt::format("cannot resolve Location '{}': {}", location, r.error().message());
    return std::nullopt;
  }
  return from_url(dest, error);
}

}  // namespace sisyphus::client::detail
