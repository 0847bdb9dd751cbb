// Scenario loading with the proxy's fault registry as the catalogue of fault kinds.
#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::proxy {

model::Scenario load_scenario_file(const std::filesystem::path& file) {
  return model::load_file(file, FaultRegistry::instance());
}

model::Scenario load_scenario_string(std::string_view text, std::string_view name) {
  return model::load_string(text, name, FaultRegistry::instance());
}

}  // namespace sisyphus::proxy
