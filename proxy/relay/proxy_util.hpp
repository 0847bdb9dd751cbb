#pragma once
// Small pieces shared by the proxy session's files: header-field rules of a relay (RFC 9110
// §7.6.1 hop-by-hop fields), explained error responses.
#include <algorithm>
#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "origin/response_spec.hpp"
#include "relay/upstream.hpp"

namespace sisyphus::proxy {

// For the Allow header of a 405 (CONNECT): every other method is relayed.
inline constexpr std::string_view kRelayedMethods =
    "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH, TRACE";

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

inline std::optional<std::string> field_value(const boost::beast::http::fields& fields,
                                              std::string_view name) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::string(it->value());
}

// The field names a Connection header lists (they are hop-by-hop too), lower-cased.
inline std::vector<std::string> connection_tokens(const boost::beast::http::fields& fields) {
  std::vector<std::string> out;
  for (auto it = fields.find(boost::beast::http::field::connection);
       it != fields.end() && iequals(it->name_string(), "connection"); ++it) {
    std::string_view v = it->value();
    while (!v.empty()) {
      const auto comma = v.find(',');
      std::string_view token = v.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (!token.empty()) {
        std::string t(token);
        std::transform(t.begin(), t.end(), t.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
        out.push_back(std::move(t));
      }
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

// Fields that describe one connection, not the message: never forwarded either way.
inline bool is_hop_by_hop(std::string_view name, const std::vector<std::string>& tokens) {
  static constexpr std::string_view kFields[] = {"connection",
                                                 "keep-alive",
                                                 "proxy-connection",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "te",
                                                 "trailer",
                                                 "transfer-encoding",
                                                 "upgrade"};
  for (auto f : kFields) {
    if (iequals(name, f)) return true;
  }
  return std::any_of(tokens.begin(), tokens.end(),
                     [&](const std::string& t) { return iequals(name, t); });
}

// "<code> <reason>\n<why>\n" as text/plain: what the proxy says when it answers itself.
inline ResponseSpec explained_response(int status, std::string_view why, bool head,
                                       std::int64_t now) {
  ResponseSpec spec = text_response(status, head, now);
  spec.body.front().literal += std::string(why) + "\n";
  spec.content_length = spec.body_length();
  return spec;
}

// Runs `f` on the connection's stream, TLS or plain; both branches yield the same awaitable.
template <class F>
auto on_stream(UpstreamConnection& c, F& f) {
  return c.is_tls() ? f(c.tls_stream()) : f(c.plain());
}

}  // namespace sisyphus::proxy
