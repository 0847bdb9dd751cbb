#pragma once
// The Sisyphus-Client request header (docs/server.md "Clients"): a client names itself so
// that a sisyphus server numbers its attempts per (client, path) instead of per path. The
// rule for the token lives here, where the server that reads it and the client that sends
// it both find it.
#include <cstddef>
#include <string_view>

namespace sisyphus {

inline constexpr std::string_view kClientHeader = "Sisyphus-Client";
inline constexpr std::size_t kClientTokenMax = 64;

// 1 to 64 characters of [A-Za-z0-9._-]: no ':' (the seeding labels put the token between
// colons), no spaces or commas (one token per field, nothing to trim).
constexpr bool is_client_token(std::string_view token) {
  if (token.empty() || token.size() > kClientTokenMax) return false;
  for (const char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sisyphus
