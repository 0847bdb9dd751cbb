#pragma once
// Which scenarios a run gets: the files and directories given (or the built-in catalogue),
// loaded all at once, then --filter and --shard.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/shard.hpp"
#include "sisyphus/model/scenario.hpp"

namespace sisyphus::runner {

// The built-in catalogue: $SISYPHUS_CATALOGUE when set, else the source tree's
// scenarios/catalogue (compiled in).
std::filesystem::path catalogue_dir();

struct Loaded {
  std::vector<model::Scenario> scenarios;  // sorted by name
  std::vector<std::string> errors;         // one message per bad input, "file:line:column: ..."
};

// Each input is a scenario file or a directory of them (*.yaml, *.yml). Every file is
// loaded (faults validated by the proxy's registry) before anything runs; a missing input,
// a malformed file or a name defined twice is an error. Empty `inputs`: the catalogue.
Loaded load_scenarios(const std::vector<std::filesystem::path>& inputs);

using sisyphus::Shard;  // core/shard.hpp: the rule of --shard I/N

// Keeps the scenarios whose name matches any of the globs (fnmatch; none given: all).
std::vector<model::Scenario> filter_scenarios(std::vector<model::Scenario> scenarios,
                                              const std::vector<std::string>& globs);
// Sorted by name, the k-th (0-based) goes to the shard that contains k.
std::vector<model::Scenario> shard_scenarios(std::vector<model::Scenario> scenarios, Shard shard);

}  // namespace sisyphus::runner
