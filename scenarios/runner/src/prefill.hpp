#pragma once
// `client.prefill` as the runner plays it: an earlier run of the client was killed after
// the first N bytes of the original content (generation 0). What the server serves for it,
// what the client finds when it starts, and what of that counts as already fetched.
#include <cstdint>
#include <filesystem>
#include <string>

#include "sisyphus/model/scenario.hpp"
#include "sisyphus/runner/client_adapter.hpp"

namespace sisyphus::runner::detail {

// The scenario as its server serves it: with `prefill: {changed: true}` the version the
// earlier run saw is gone before this one starts (a change before attempt 1).
model::Scenario served_scenario(const model::Scenario& scenario);

// What the adapter needs to put the prefill where this client keeps a partial download: the
// bytes and the head the original representation was served with (proxy::original_head).
PrefillContext prefill_context(const model::Scenario& scenario, const std::string& url,
                               const std::filesystem::path& output);

// The prefill's bytes when they are still the current version's (an unchanged prefill):
// those need not be sent again, so they do not count as wasted when they are not.
std::uint64_t reusable_prefill(const model::Scenario& scenario);

}  // namespace sisyphus::runner::detail
