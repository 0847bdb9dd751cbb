// The origin's answer to a HEAD, without a connection: the same Representation the session
// builds for generation 0, the same build_response with an empty plan, the same digest
// computation. What the session's head writer adds itself (Content-Length or
// Transfer-Encoding) follows from the spec as it does there.
#include "sisyphus/proxy/original_head.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

#include "origin/digest_cache.hpp"
#include "origin/representation.hpp"
#include "origin/response_spec.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy {
namespace {

constexpr std::uint32_t kOriginal = 0;

std::optional<std::string> field(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Representation original_representation(const model::Resource& resource,
                                       const std::filesystem::path& file_root) {
  if (!resource.is_file()) {
    return describe(resource, kOriginal, resource.size,
                    synthetic_source(resource.content_seed(kOriginal)));
  }
  std::uint64_t size = resource.size;
  std::string why;
  auto source = open_file_source(resource, file_root, size, why);
  if (!source) throw std::runtime_error(fmt::format("{}: {}", resource.path, why));
  return describe(resource, kOriginal, size, std::move(source));
}

}  // namespace

RepresentationHead original_head(const model::Scenario& scenario,
                                 const std::filesystem::path& file_root) {
  const Representation rep = original_representation(scenario.resource(), file_root);
  RequestHeaders head;
  head.head = true;
  const ResponsePlan no_faults;
  const ResponseSpec spec = build_response(head, rep, no_faults, scenario.server, unix_now());

  RepresentationHead out;
  out.etag = field(spec.headers, "ETag");
  out.last_modified = field(spec.headers, "Last-Modified");
  out.date = field(spec.headers, "Date").value_or("");
  if (spec.repr_digest) {
    // A cache of its own, used once: the key only has to name this representation.
    DigestCache digests;
    out.repr_digest = digests.get(rep, "original");
  }
  out.chunked = spec.announce_length && spec.chunked;
  if (spec.announce_length && !spec.chunked) out.content_length = spec.content_length;
  return out;
}

}  // namespace sisyphus::proxy
