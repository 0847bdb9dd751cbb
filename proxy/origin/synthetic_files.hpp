#pragma once
// Synthetic content generated once per version and shared by every response of it: each
// (content seed, size) is written into a memfd on first use (synthetic_file_source()), so its
// bodies go to the socket with sendfile(2) instead of being generated and copied slice by
// slice (docs/server.md "Holding a herd"). Bounded: versions larger than kMaxSize are not
// kept (they are generated per write, as before), and at most kVersions are, the least
// recently used one evicted first (a response still sending it keeps its memfd alive).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "origin/representation.hpp"

namespace sisyphus::proxy {

class SyntheticFiles {
 public:
  static constexpr std::uint64_t kMaxSize = 64ull << 20;
  static constexpr std::size_t kVersions = 4;

  // The first `size` bytes of content `seed`: from the memfd when it is kept or can be,
  // else generated on every read (synthetic_source()). The first caller of a version fills
  // it (4 MiB: about 2 ms); callers meanwhile wait for it.
  std::shared_ptr<const ContentSource> get(std::uint64_t seed, std::uint64_t size);

 private:
  struct Version {
    std::uint64_t seed;
    std::uint64_t size;
    std::shared_ptr<const ContentSource> source;
  };
  std::mutex mutex_;
  std::vector<Version> versions_;  // most recently used last
};

}  // namespace sisyphus::proxy
