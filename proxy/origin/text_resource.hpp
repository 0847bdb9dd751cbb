#pragma once
// A text resource (`text:`, docs/scenarios.md "Several resources") as the origin serves it:
// the text with its placeholders filled from the resource it describes, at the version that
// resource has for this client now. A manifest or a `.sha256` beside a file is always the
// file's current description, so a client that reads one and fetches the other across a
// change sees the change.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "origin/digest_cache.hpp"
#include "origin/representation.hpp"
#include "origin/synthetic_files.hpp"
#include "sisyphus/model/scenario.hpp"

namespace sisyphus::proxy {

// The digest cache's key of a resource's version: its file, its synthetic content seed, or
// (a text) its id and the described resource's content seed.
std::string digest_identity(const model::Resource& resource, std::uint64_t content_seed);

// The bytes of `text` when the resource it describes is at `generation` (hashed through
// `digests` when the text has {sha256:…}: blocking, call it off the io threads). Sets
// `error` and returns "" when that resource's file cannot be opened.
std::string fill_text(const model::Scenario& scenario, const model::Resource& text,
                      std::uint32_t generation, const std::filesystem::path& file_root,
                      SyntheticFiles& files, DigestCache& digests, std::string& error);

// The representation of those bytes: the text's own ETag kind, Last-Modified and digest
// flag, versioned by `content_seed` (the described resource's), so an If-Range of the old
// text fails once the described resource has changed.
Representation text_representation(const model::Resource& text, std::uint32_t generation,
                                   std::uint64_t content_seed, std::string bytes);

}  // namespace sisyphus::proxy
