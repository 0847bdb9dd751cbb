// The scenario loader (model::load_string) with the real fault registry as its catalogue:
// the input is a scenario file, loaded as `sisyphus serve` and `sisyphus run` load one and
// as `sisyphus proxy` does (relay mode). check_scenario_text says what must hold.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario_checks.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace {

using namespace sisyphus;

model::Scenario load_served(std::string_view text, std::string_view name) {
  return model::load_string(text, name, proxy::FaultRegistry::instance(), model::LoadMode::serve);
}

model::Scenario load_relayed(std::string_view text, std::string_view name) {
  return model::load_string(text, name, proxy::FaultRegistry::instance(), model::LoadMode::relay);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::check_scenario_text(text, "fuzz.yaml", load_served);
  fuzz::check_scenario_text(text, "fuzz.yaml", load_relayed);
  return 0;
}
