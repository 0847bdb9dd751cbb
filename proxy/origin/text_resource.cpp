#include "origin/text_resource.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "sisyphus/core/sha256.hpp"
#include "sisyphus/model/text_template.hpp"

namespace sisyphus::proxy {
namespace {

class TextSource final : public ContentSource {
 public:
  explicit TextSource(std::string bytes) : bytes_(std::move(bytes)) {}
  void read(std::uint64_t offset, std::span<std::byte> out) const override {
    if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
      throw std::runtime_error("read past the end of a text resource");
    }
    std::memcpy(out.data(), bytes_.data() + offset, out.size());
  }

 private:
  std::string bytes_;
};

}  // namespace

std::string digest_identity(const model::Resource& resource, std::uint64_t content_seed) {
  // A text's bytes are fixed by its id and the described resource's version.
  if (resource.is_text()) return fmt::format("text:{}:{}", resource.id, content_seed);
  return resource.is_file() ? "file:" + resource.resolved_file + ":" + *resource.file
                            : fmt::format("seed:{}", content_seed);
}

std::string fill_text(const model::Scenario& scenario, const model::Resource& text,
                      std::uint32_t generation, const std::filesystem::path& file_root,
                      SyntheticFiles& files, DigestCache& digests, std::string& error) {
  const model::Resource* of = model::described_by(scenario, text);
  if (of == nullptr) return *text.text;
  const model::Resource& described = *of;
  std::uint64_t size = described.size;
  std::shared_ptr<const ContentSource> source;
  if (described.is_file()) {
    source = open_file_source(described, file_root, size, error);
    if (!source) return "";
  }
  const std::uint64_t seed = described.content_seed(generation);
  model::DescribedResource d{
      described.path, size, [&] {
        if (!source) source = files.get(seed, size);
        const Representation rep = describe(described, generation, size, source);
        const Sha256::Digest digest = digests.digest(rep, digest_identity(described, seed));
        return to_hex(digest);
      }};
  return model::expand_text(*text.text, d);
}

Representation text_representation(const model::Resource& text, std::uint32_t generation,
                                   std::uint64_t content_seed, std::string bytes) {
  const std::uint64_t size = bytes.size();
  Representation rep =
      describe(text, generation, size, std::make_shared<TextSource>(std::move(bytes)));
  rep.content_seed = content_seed;
  rep.etag = etag_for(text.etag, content_seed, size);
  return rep;
}

}  // namespace sisyphus::proxy
