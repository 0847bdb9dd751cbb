#pragma once
// HTTP-date (RFC 9110 §5.6.7): servers send IMF-fixdate; recipients accept the two obsolete
// forms (RFC 850 and asctime) too. Times are whole seconds since the Unix epoch.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::proxy {

std::string format_http_date(std::int64_t unix_seconds);  // "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> parse_http_date(std::string_view text);
std::int64_t unix_now();

}  // namespace sisyphus::proxy
