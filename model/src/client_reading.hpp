#pragma once
// The `client:` section of the scenario schema, read in one place for every schema that
// takes it: a scenario's `client:`, and a matrix's strategies and axes, whose keys are
// applied on top of the scenario's client (docs/matrix.md).
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/model/scenario.hpp"
#include "yaml_params.hpp"

namespace sisyphus::model::detail {

// Applies the keys of `c` (a mapping, or null for none) to `client`: a key it does not give
// keeps the value `client` already has. Checks them as a scenario's client section: unknown
// keys (with "did you mean"), the kind's choices, command placeholders, backoff cap >= base,
// a prefill no larger than `resource`, no `sha256` when one of `changes` is random (the last
// version is not known before the run). `prefill` is replaced as a whole (a plain size means
// `changed: false`). Throws ScenarioError at the offending key or value.
void read_client(const Params& c, ClientOptions& client, const Resource& resource,
                 const std::vector<Change>& changes);

// The keys `client:` takes, in the order errors list them.
const std::vector<std::string>& client_keys();
// The keys of the mapping under a client key (`backoff`, `prefill`); empty for a key whose
// value is a single scalar.
const std::vector<std::string>& client_subkeys(std::string_view key);

}  // namespace sisyphus::model::detail
