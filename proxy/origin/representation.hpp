#pragma once
// The representation a request is answered with: which bytes (synthetic content or a file
// confined to the file root), its size and its validators (ETag, Last-Modified).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "sisyphus/model/scenario.hpp"

namespace sisyphus::proxy {

// Random access to the bytes of one representation. Thread-compatible: one reader per
// response.
class ContentSource {
 public:
  virtual ~ContentSource() = default;
  // Bytes [offset, offset + out.size()); throws std::runtime_error on an I/O error or a file
  // that shrank.
  virtual void read(std::uint64_t offset, std::span<std::byte> out) const = 0;
  // A descriptor whose byte at `offset` is read()'s (a file resource, or synthetic content
  // written once into a memfd): the body's bytes that no fault touches go from it straight
  // into the socket (sendfile(2)), not through a buffer. -1 when there is none.
  virtual int file_descriptor() const { return -1; }
};

struct Representation {
  std::uint64_t size = 0;
  std::uint64_t content_seed = 0;
  std::uint32_t generation = 0;
  std::optional<std::string> etag;            // header value: "\"1-4000000\"" or "W/\"1-4000000\""
  std::optional<std::int64_t> last_modified;  // unix seconds
  bool digest = false;                        // send Repr-Digest
  std::shared_ptr<const ContentSource> source;
};

// ETag of (content seed, size), deterministic: strong "\"<seed hex>-<size hex>\"", weak
// the same behind W/ (docs/faults.md "validators").
std::optional<std::string> etag_for(model::EtagKind kind, std::uint64_t content_seed,
                                    std::uint64_t size);
// Last-Modified of generation g: 2024-01-01T00:00:00Z plus g hours, so a resource change
// moves the date forward by a whole hour and If-Range dates of the old version never match.
std::int64_t last_modified_for(std::uint32_t generation);

// RFC 9110 §8.8.3.2: strong comparison (both strong, same opaque tag) and weak comparison
// (same opaque tag). Arguments are entity-tags as sent, with W/ prefix and quotes.
bool strong_match(std::string_view a, std::string_view b);
bool weak_match(std::string_view a, std::string_view b);
// If-None-Match: "*" or a list of entity-tags; true when any weakly matches `etag`
// (a list without a parsable tag matches nothing).
bool if_none_match_matches(std::string_view header, const std::optional<std::string>& etag);

std::shared_ptr<const ContentSource> synthetic_source(std::uint64_t seed);
// The first `size` bytes of content `seed`, generated once into a memfd (anonymous memory,
// no file name): a source with a file_descriptor(). nullptr when the memfd cannot be made
// (then synthetic_source() serves).
std::shared_ptr<const ContentSource> synthetic_file_source(std::uint64_t seed, std::uint64_t size);

// Generation `generation` of `resource`, `size` bytes read from `source`: its content seed
// and validators as the origin serves them. The origin session and original_head() both
// describe a representation with it, so a prefill sees exactly what a request would.
Representation describe(const model::Resource& resource, std::uint32_t generation,
                        std::uint64_t size, std::shared_ptr<const ContentSource> source);

// Opens the file of a `resource.file` scenario, refusing any path that resolves (symlinks
// included) outside `root`. Sets `error` and returns nullptr when refused or unreadable;
// `size` is the file's size at open time.
std::shared_ptr<const ContentSource> open_file_source(const model::Resource& resource,
                                                      const std::filesystem::path& root,
                                                      std::uint64_t& size, std::string& error);

}  // namespace sisyphus::proxy
