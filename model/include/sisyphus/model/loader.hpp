#pragma once
// YAML (and JSON, a subset of YAML) -> Scenario.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/model/fault_catalog.hpp"
#include "sisyphus/model/scenario.hpp"

// Declared, not included: only to_yaml() names it, and its callers include yaml-cpp
// themselves, so that nothing else that loads scenarios compiles against yaml-cpp.
namespace YAML {
class Node;
}

namespace sisyphus::model {

// Throws ScenarioError ("file:line:column: what was expected") on any error, including
// unknown keys (with "did you mean"), bad units, unknown fault kinds. Fault parameters are
// checked last, against the whole scenario: first by their kind's key table, then by the
// catalog's validate().
Scenario load_file(const std::filesystem::path& file, const FaultCatalog& faults);
Scenario load_string(std::string_view text, std::string_view file_name, const FaultCatalog& faults);

// What the scenario is loaded for. `relay` (`sisyphus proxy`): the resource is whatever the
// upstream serves, so `resource` may give only `path`, a glob of the request paths the faults
// apply to (`*` matches any characters, `/` included; default `/*`, every path); size, seed,
// file, etag, last_modified and digest are errors that say why.
enum class LoadMode { serve, relay };
Scenario load_file(const std::filesystem::path& file, const FaultCatalog& faults, LoadMode mode);
Scenario load_string(std::string_view text, std::string_view file_name, const FaultCatalog& faults,
                     LoadMode mode);

// One rule as a `faults:` entry writes it (`{"drop": {"at": "50%", "attempts": [1]}}`, JSON or
// YAML), checked as the rules of a scenario file are: its kind's key table, then the kind's own
// rules against `scenario`. For POST /v1/faults; errors name `file_name`'s line and column.
FaultRule load_fault_rule_string(std::string_view text, std::string_view file_name,
                                 const FaultCatalog& faults, const Scenario& scenario);

// Every *.yaml / *.yml under dir (not recursive), sorted by file name.
std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& dir);

// The scenario as a YAML/JSON-compatible tree (include <yaml-cpp/yaml.h> to use it):
// emitting it and loading it again yields an equal scenario.
YAML::Node to_yaml(const Scenario& scenario);
std::string to_json(const Scenario& scenario);  // the same tree as JSON (GET /v1/scenario)

// Same schema content (what to_json emits), ignoring source positions and source_file.
bool equivalent(const Scenario& a, const Scenario& b);

}  // namespace sisyphus::model
