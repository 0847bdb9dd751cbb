#pragma once
// The headers of a resource's original representation (generation 0), for a prefill: what
// an earlier, killed run of the client would have seen.
#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/runner/client_adapter.hpp"

namespace sisyphus::runner::detail {

// Serves `scenario` without its attempts, faults and changes on a private in-process server
// and sends it one HEAD. The scenario's own server never sees the request, so its log and
// attempt numbering stay the client's. Throws std::runtime_error on failure.
OriginalHead probe_original(const model::Scenario& scenario, TimeScale time_scale);

}  // namespace sisyphus::runner::detail
