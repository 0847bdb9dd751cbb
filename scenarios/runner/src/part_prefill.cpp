#include "part_prefill.hpp"

#include "sisyphus/client/http_fields.hpp"
#include "sisyphus/client/state.hpp"
#include "sisyphus/core/sha256.hpp"

namespace sisyphus::runner::detail {

// Mirrors how the client builds its state from a full response (resume_policy.cpp), from
// the original representation's headers.
void write_part_prefill(const PrefillContext& ctx) {
  const proxy::RepresentationHead& h = ctx.original;
  client::PartState state;
  state.url = ctx.url;
  if (h.etag && client::is_valid_etag(*h.etag)) state.etag = h.etag;
  if (h.last_modified && client::parse_http_date(*h.last_modified)) {
    state.last_modified = h.last_modified;
    state.last_modified_strong = client::last_modified_is_strong(*h.last_modified, h.date);
  }
  if (!h.chunked) state.size = h.content_length;
  if (h.repr_digest) {
    if (auto d = client::parse_repr_digest_sha256(*h.repr_digest))
      state.repr_digest = to_base64(*d);
  }
  state.bytes = ctx.bytes;
  write_original_prefix(ctx, client::part_path(ctx.output));
  client::save_part_state(client::state_path(ctx.output), state, /*sync=*/false);
}

}  // namespace sisyphus::runner::detail
