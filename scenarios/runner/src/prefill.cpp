#include "prefill.hpp"

#include "scenario_server.hpp"
#include "sisyphus/proxy/original_head.hpp"

namespace sisyphus::runner::detail {
namespace {

constexpr std::uint64_t kOriginal = 0;

std::uint64_t prefill_bytes(const model::Scenario& s) {
  return s.client.prefill ? s.client.prefill->resolve(s.resource().size) : 0;
}

}  // namespace

model::Scenario served_scenario(const model::Scenario& s) {
  model::Scenario served = s;
  if (s.client.prefill && s.client.prefill_changed) {
    model::Change change;
    change.before_attempt = 1;
    // The first resource's changes: its own when it has them.
    auto& changes = served.resource().changes ? *served.resource().changes : served.changes;
    changes.insert(changes.begin(), change);
  }
  return served;
}

PrefillContext prefill_context(const model::Scenario& s, const std::string& url,
                               const std::filesystem::path& output) {
  PrefillContext p;
  p.url = url;
  p.output = output;
  p.bytes = prefill_bytes(s);
  p.original_seed = s.resource().content_seed(kOriginal);
  if (s.resource().is_file()) p.file = s.resource().resolved_file;
  p.original = proxy::original_head(s, file_root(s));
  return p;
}

std::uint64_t reusable_prefill(const model::Scenario& s) {
  return s.client.prefill_changed ? 0 : prefill_bytes(s);
}

}  // namespace sisyphus::runner::detail
