#pragma once
// YAML (and JSON, a subset of YAML) -> Scenario.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/model/scenario.hpp"

namespace sisyphus::model {

// What the loader knows of fault kinds; implemented by the proxy's fault registry so that
// this library stays free of the server. validate() throws ScenarioError (via Params::fail)
// when the parameters are wrong for that kind.
class FaultCatalog {
 public:
  virtual ~FaultCatalog() = default;
  virtual std::vector<std::string> kinds() const = 0;
  virtual bool knows(std::string_view kind) const = 0;
  virtual void validate(const FaultSpec& spec, const Scenario& scenario) const = 0;
};

// Throws ScenarioError ("file:line:column: what was expected") on any error, including
// unknown keys (with "did you mean"), bad units, unknown fault kinds.
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

// Every *.yaml / *.yml under dir (not recursive), sorted by file name.
std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& dir);

// The scenario as a YAML/JSON-compatible tree (for GET /v1/scenario and reports):
// emitting it and loading it again yields an equal scenario.
YAML::Node to_yaml(const Scenario& scenario);
std::string to_json(const Scenario& scenario);

// Same schema content (what to_json emits), ignoring source positions and source_file.
bool equivalent(const Scenario& a, const Scenario& b);

}  // namespace sisyphus::model
