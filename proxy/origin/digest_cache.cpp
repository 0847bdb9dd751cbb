#include "origin/digest_cache.hpp"

#include <vector>

#include "sisyphus/core/sha256.hpp"

namespace sisyphus::proxy {

std::string DigestCache::get(const Representation& rep, const std::string& identity) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[{identity, rep.size}];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::call_once(entry->once, [&] {
    Sha256 sha;
    std::vector<std::byte> buffer(1 << 20);
    for (std::uint64_t offset = 0; offset < rep.size;) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), rep.size - offset));
      rep.source->read(offset, std::span(buffer.data(), n));
      sha.update(std::span<const std::byte>(buffer.data(), n));
      offset += n;
    }
    const Sha256::Digest d = sha.finish();
    entry->value = "sha-256=:" + to_base64(d) + ":";
  });
  return entry->value;
}

}  // namespace sisyphus::proxy
