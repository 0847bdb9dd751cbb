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
  Representation rep;
  rep.size = resource.size;
  rep.content_seed = resource.content_seed(kOriginal);
  rep.generation = kOriginal;
  if (resource.is_file()) {
    std::string why;
    rep.source = open_file_source(resource, file_root, rep.size, why);
    if (!rep.source) throw std::runtime_error(fmt::format("{}: {}", resource.path, why));
  } else {
    rep.source = synthetic_source(rep.content_seed);
  }
  rep.etag = etag_for(resource.etag, rep.content_seed, rep.size);
  if (resource.last_modified) rep.last_modified = last_modified_for(kOriginal);
  rep.digest = resource.digest;
  return rep;
}

}  // namespace

RepresentationHead original_head(const model::Scenario& scenario,
                                 const std::filesystem::path& file_root) {
  const Representation rep = original_representation(scenario.resource, file_root);
  RequestHeaders head;
  head.head = true;
  const ResponsePlan no_faults;
  const ResponseSpec spec = build_response(head, rep, no_faults, scenario.server, unix_now());

  RepresentationHead out;
  out.etag = field(spec.headers, "ETag");
  out.last_modified = field(spec.headers, "Last-Modified");
  out.date = field(spec.headers, "Date").value_or("");
  if (spec.wants_digest) {
    // A cache of its own, used once: the key only has to name this representation.
    DigestCache digests;
    out.repr_digest = digests.get(rep, "original");
  }
  out.chunked = spec.announce_length && spec.chunked;
  if (spec.announce_length && !spec.chunked) out.content_length = spec.content_length;
  return out;
}

}  // namespace sisyphus::proxy
