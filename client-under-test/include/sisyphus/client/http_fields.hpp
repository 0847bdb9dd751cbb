#pragma once
// The response fields the resume logic reads, parsed without Beast: Retry-After (§10.2.3), the
// strength of Last-Modified (§8.8.2.2), entity tags (§8.8.3) and Repr-Digest (RFC 9530).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "sisyphus/core/http_date.hpp"
#include "sisyphus/core/sha256.hpp"
#include "sisyphus/core/units.hpp"

namespace sisyphus::client {

// HTTP-dates: core's (sisyphus/core/http_date.hpp).
using sisyphus::format_http_date;
using sisyphus::parse_http_date;
using sisyphus::SysSeconds;

// Retry-After is delay-seconds or an HTTP-date; a date is turned into a delay from `now`
// (the response's Date when it has one, so clock skew between hosts does not matter).
// A date in the past is a zero delay. nullopt when invalid.
std::optional<Duration> parse_retry_after(std::string_view value, SysSeconds now);

// Last-Modified can stand in If-Range only when strong: the Date it came with is at least
// one second later (RFC 9110 §8.8.2.2). False when either is missing or invalid.
bool last_modified_is_strong(std::optional<std::string_view> last_modified,
                             std::optional<std::string_view> date);

bool is_weak_etag(std::string_view etag);  // W/"..."
// A syntactically valid entity-tag (strong or weak): "xyz" or W/"xyz".
bool is_valid_etag(std::string_view etag);

// The sha-256 member of a Repr-Digest or Content-Digest dictionary (`sha-256=:BASE64:,
// sha-512=:...:`; RFC 9530 gives both fields one syntax), nullopt when absent or malformed.
std::optional<Sha256::Digest> parse_repr_digest_sha256(std::string_view value);

}  // namespace sisyphus::client
