// Scenario loading with the proxy's fault registry as the catalogue of fault kinds.
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/scenario/loader.hpp"

namespace sisyphus::proxy {

scenario::Scenario load_scenario_file(const std::filesystem::path& file) {
  return scenario::load_file(file, FaultRegistry::instance());
}

scenario::Scenario load_scenario_string(std::string_view text, std::string_view name) {
  return scenario::load_string(text, name, FaultRegistry::instance());
}

}  // namespace sisyphus::proxy
