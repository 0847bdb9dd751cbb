#pragma once
// What the loader knows of fault kinds. The proxy's fault registry implements it, so that
// this library stays free of the server.
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/model/param_table.hpp"
#include "sisyphus/model/scenario.hpp"

namespace sisyphus::model {

class FaultCatalog {
 public:
  virtual ~FaultCatalog() = default;
  virtual std::vector<std::string> kinds() const = 0;
  virtual bool knows(std::string_view kind) const = 0;
  // The keys of a kind it knows. The loader checks each fault's parameters against them
  // (shape, unknown keys, required keys, types) and reads the typed values, defaults
  // included, before validate() sees the fault.
  virtual const ParamTable& params(std::string_view kind) const = 0;
  // The kind's own rules: across keys and against the scenario (an offset beyond the
  // resource). Throws ScenarioError via FaultParams::fail.
  virtual void validate(const FaultSpec& spec, const Scenario& scenario) const = 0;
};

}  // namespace sisyphus::model
