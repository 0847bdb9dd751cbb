#pragma once
// The header fields the origin server sends for a HEAD of a scenario's resource in its
// original version (generation 0: before any change, with no fault), computed by the
// origin's own representation code without serving anything. The runner's prefill needs
// them: they are what an earlier, killed run of a client had seen.
// No Beast types in this header on purpose, as in server.hpp.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "sisyphus/model/scenario.hpp"

namespace sisyphus::proxy {

// Each field as the response head carries it; absent fields are nullopt.
struct RepresentationHead {
  std::optional<std::string> etag;              // ETag, W/ prefix included
  std::optional<std::string> last_modified;     // Last-Modified, an HTTP-date
  std::string date;                             // Date: the time of the call
  std::optional<std::string> repr_digest;       // Repr-Digest: "sha-256=:BASE64:"
  std::optional<std::uint64_t> content_length;  // Content-Length; nullopt when chunked
  bool chunked = false;                         // Transfer-Encoding: chunked
};

// `file_root` confines a `resource.file` as ServerOptions::file_root does. With
// `resource.digest` the whole representation is read once to hash it. Throws
// std::runtime_error when the file cannot be served (outside the root, unreadable).
RepresentationHead original_head(const model::Scenario& scenario,
                                 const std::filesystem::path& file_root);

}  // namespace sisyphus::proxy
