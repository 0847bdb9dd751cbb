#pragma once
// The server and the proxy keep times as whole Unix seconds (Last-Modified, Date, the
// If-Modified-Since they compare): core's HTTP-date (sisyphus/core/http_date.hpp) in that unit.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sisyphus/core/http_date.hpp"

namespace sisyphus::proxy {

inline std::string format_http_date(std::int64_t unix_seconds) {
  return sisyphus::format_http_date(SysSeconds{std::chrono::seconds{unix_seconds}});
}

inline std::optional<std::int64_t> parse_http_date(std::string_view text) {
  const auto t = sisyphus::parse_http_date(text);
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

using sisyphus::unix_now;

}  // namespace sisyphus::proxy
