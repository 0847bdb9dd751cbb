#pragma once
// HTTP-date (RFC 9110 §5.6.7), shared by the server, the proxy and the client: senders write
// IMF-fixdate; recipients also accept the obsolete RFC 850 and asctime forms.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus {

using SysSeconds = std::chrono::sys_seconds;

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT")
// or asctime ("Sun Nov  6 08:49:37 1994"), surrounding spaces and tabs ignored. nullopt when
// the text is none of them or names no real date. The day name must be one of the seven
// but is not checked against the date (as curl and nginx do): the date decides.
std::optional<SysSeconds> parse_http_date(std::string_view text);
std::string format_http_date(SysSeconds t);  // IMF-fixdate

// Whole seconds since the Unix epoch, the unit of Last-Modified and Date.
std::int64_t unix_now();

}  // namespace sisyphus
