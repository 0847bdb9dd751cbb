#pragma once
// `changes:` on a relayed resource. The proxy cannot change the upstream's bytes, so a change
// is what a client can observe of one: from generation g on, the validators it sees are new
// (ETag "x" becomes "x;sisyphus=g", Last-Modified moves g hours forward, as on the origin
// server), and the conditional headers it sends are mapped back before forwarding. A client
// resuming with a validator of another generation therefore gets what a real change gives
// it: If-Range fails (200 with the whole body), If-None-Match does not match, If-Match fails.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sisyphus::proxy::relay {

// The upstream's ETag as the client sees it in generation `g` (unchanged for g = 0 or a
// malformed tag; W/ is kept).
std::string client_etag(std::string_view upstream_etag, std::uint32_t generation);
// The upstream's Last-Modified plus `g` hours (unchanged for g = 0 or an unparsable date).
std::string client_date(std::string_view upstream_date, std::uint32_t generation);
// A date the client sent (If-Range, If-Modified-Since, If-Unmodified-Since) as the upstream
// knows it: minus `g` hours (unchanged when unparsable).
std::string upstream_date(std::string_view client_date, std::uint32_t generation);

// If-Range with an entity-tag: the tag to forward when it belongs to generation `g`, nullopt
// when it belongs to another one: the condition fails, so the caller drops Range and
// If-Range (the upstream then sends 200 and the whole body). A date is mapped with
// upstream_date(); the upstream compares it.
std::optional<std::string> if_range_tag(std::string_view value, std::uint32_t generation);

// If-None-Match / If-Match lists: tags of generation `g` mapped back; tags of another
// generation can match nothing, so If-None-Match drops them (nullopt when none is left)
// and If-Match replaces them with a tag no upstream sends. "*" passes unchanged.
std::optional<std::string> if_none_match_list(std::string_view value, std::uint32_t generation);
std::string if_match_list(std::string_view value, std::uint32_t generation);

}  // namespace sisyphus::proxy::relay
