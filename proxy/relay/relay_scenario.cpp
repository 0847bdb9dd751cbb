// Scenario loading for `sisyphus proxy`: the model's relay mode (resource = a path glob) and
// the fault kinds that can apply to a relayed response.
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/model/loader.hpp"

namespace sisyphus::proxy {

model::Scenario load_relay_scenario_file(const std::filesystem::path& file) {
  model::Scenario s =
      model::load_file(file, FaultRegistry::instance(), model::LoadMode::relay);
  FaultRegistry::instance().check_relayable(s);
  return s;
}

model::Scenario load_relay_scenario_string(std::string_view text, std::string_view name) {
  model::Scenario s =
      model::load_string(text, name, FaultRegistry::instance(), model::LoadMode::relay);
  FaultRegistry::instance().check_relayable(s);
  return s;
}

}  // namespace sisyphus::proxy
