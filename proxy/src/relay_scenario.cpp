// Scenario loading for `sisyphus proxy`: the model's relay mode (resource = a path glob) and
// the fault kinds that can apply to a relayed response.
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/scenario/loader.hpp"

namespace sisyphus::proxy {

scenario::Scenario load_relay_scenario_file(const std::filesystem::path& file) {
  scenario::Scenario s =
      scenario::load_file(file, FaultRegistry::instance(), scenario::LoadMode::relay);
  FaultRegistry::instance().check_relayable(s);
  return s;
}

scenario::Scenario load_relay_scenario_string(std::string_view text, std::string_view name) {
  scenario::Scenario s =
      scenario::load_string(text, name, FaultRegistry::instance(), scenario::LoadMode::relay);
  FaultRegistry::instance().check_relayable(s);
  return s;
}

}  // namespace sisyphus::proxy
