#pragma once
// RFC 9530 digest fields as the origin sends them: which ones a response carries (the
// scenario's `digest:` and the request's Want-Repr-Digest / Want-Content-Digest), their
// values, and the wrong values the digest faults send instead (docs/server.md "Digests").
#include <optional>
#include <string>
#include <string_view>

#include "sisyphus/core/sha256.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy {

// Whether a response sends a digest field that the request's Want-* field (`want`, absent
// when not sent) prefers. Absent or not a valid Dictionary (RFC 8941: a field that does not
// parse is ignored): yes, unsolicited. Otherwise only when it gives sha-256, the one
// algorithm served, a weight from 1 to 10; a request that accepts only others (or says
// `sha-256=0`) gets no such field rather than one it cannot check.
bool sends_digest_field(const std::optional<std::string>& want);

// "sha-256=:BASE64:" (RFC 9530 §2, a Dictionary with one Byte Sequence member).
std::string digest_field(const Sha256::Digest& digest);

// The value a digest fault sends in place of `digest`'s: `other` the same digest with its
// last bit flipped (well formed, the hash of no bytes served), `malformed` a sha-256 member
// whose byte sequence is not 32 bytes. `none`: the true value.
std::string digest_field(const Sha256::Digest& digest, DigestLie lie);

}  // namespace sisyphus::proxy
