#pragma once
// A scenario read from a YAML node that is not a file of its own: a matrix's inline
// `scenario:` mapping. Errors name `file` at the node's own positions.
#include <yaml-cpp/yaml.h>

#include <string>

#include "sisyphus/model/fault_catalog.hpp"
#include "sisyphus/model/scenario.hpp"

namespace sisyphus::model::detail {

// As load_string reads its document, in LoadMode::serve; the scenario's `resource.file` is
// relative to `file`'s directory.
Scenario read_scenario(const YAML::Node& doc, const std::string& file, const FaultCatalog& faults);

}  // namespace sisyphus::model::detail
