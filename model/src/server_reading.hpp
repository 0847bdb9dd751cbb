#pragma once
// The `server:` section of the scenario schema: ranges, chunked, and overload and outages
// (max_active, over_capacity, outages; docs/server.md, "Overload and outages").
#include "sisyphus/model/scenario.hpp"
#include "yaml_params.hpp"

namespace sisyphus::model::detail {

// Reads `p` (a mapping, or null for the defaults) into `server`. Throws ScenarioError at the
// offending key or value: unknown keys (with "did you mean"), max_active 0, an over_capacity
// status outside 400-599, an outage `how` not reset|refuse|503, a `for` of zero, outages that
// overlap.
void read_server(const Params& p, ServerOptions& server);

}  // namespace sisyphus::model::detail
