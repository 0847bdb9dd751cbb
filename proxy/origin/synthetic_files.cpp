#include "origin/synthetic_files.hpp"

#include <algorithm>

namespace sisyphus::proxy {

std::shared_ptr<const ContentSource> SyntheticFiles::get(std::uint64_t seed, std::uint64_t size) {
  if (size > kMaxSize) return synthetic_source(seed);
  std::lock_guard lock(mutex_);
  auto it = std::find_if(versions_.begin(), versions_.end(),
                         [&](const Version& v) { return v.seed == seed && v.size == size; });
  if (it != versions_.end()) {
    std::rotate(it, it + 1, versions_.end());
    return versions_.back().source;
  }
  auto source = synthetic_file_source(seed, size);
  if (!source) return synthetic_source(seed);
  if (versions_.size() == kVersions) versions_.erase(versions_.begin());
  versions_.push_back({seed, size, source});
  return source;
}

}  // namespace sisyphus::proxy
