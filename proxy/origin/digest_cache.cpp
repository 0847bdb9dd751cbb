#include "origin/digest_cache.hpp"

#include <algorithm>

#include "origin/digest_fields.hpp"

namespace sisyphus::proxy {
namespace {

void hash_range(Sha256& sha, const ContentSource& source, std::uint64_t first, std::uint64_t length,
                std::vector<std::byte>& buffer) {
  for (std::uint64_t done = 0; done < length;) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - done));
    source.read(first + done, std::span(buffer.data(), n));
    sha.update(std::span<const std::byte>(buffer.data(), n));
    done += n;
  }
}

}  // namespace

Sha256::Digest DigestCache::digest(const Representation& rep, const std::string& identity) {
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
    hash_range(sha, *rep.source, 0, rep.size, buffer);
    entry->value = sha.finish();
  });
  return entry->value;
}

std::string DigestCache::get(const Representation& rep, const std::string& identity) {
  return digest_field(digest(rep, identity));
}

Sha256::Digest DigestCache::content(const std::vector<BodyPart>& body, const Representation& rep,
                                    const std::string& identity) {
  if (body.size() == 1 && body[0].from_resource && body[0].source_first == 0 &&
      body[0].length == rep.size) {
    return digest(rep, identity);
  }
  Sha256 sha;
  std::vector<std::byte> buffer;
  for (const BodyPart& part : body) {
    if (!part.from_resource) {
      sha.update(std::string_view(part.literal));
      continue;
    }
    if (buffer.empty())
      buffer.resize(std::min<std::uint64_t>(1 << 20, std::max<std::uint64_t>(part.length, 1)));
    hash_range(sha, *rep.source, part.source_first, part.length, buffer);
  }
  return sha.finish();
}

}  // namespace sisyphus::proxy
