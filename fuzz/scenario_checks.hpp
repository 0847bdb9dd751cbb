#pragma once
// The scenario loader's invariants, shared by the scenario target (YAML files) and the
// admin-json target (PUT /v1/scenario bodies).
#include <string_view>

#include "sisyphus/model/scenario.hpp"

namespace sisyphus::fuzz {

// One way of loading scenario text: the model loader in some mode with the real fault
// registry, or the proxy's load_*scenario_string that the admin API calls.
using LoadScenario = model::Scenario (*)(std::string_view text, std::string_view name);

// Loads `text` as `name` with `load`. An input it refuses must be refused with a
// ScenarioError naming `name` (the loader's contract: no other exception escapes). A
// scenario it accepts must
//  - build every one of its faults with the fault registry (validation is building),
//  - write as JSON (model::to_json, what GET /v1/scenario answers) that is valid JSON and
//    loads again, with `load`, into an equivalent scenario,
//  - write as YAML (model::to_yaml) that loads again into an equivalent scenario.
void check_scenario_text(std::string_view text, std::string_view name, LoadScenario load);

}  // namespace sisyphus::fuzz
