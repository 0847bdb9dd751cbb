#pragma once
// Small helpers shared by the parameter reader, the loader and the emitter.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sisyphus/model/scenario_error.hpp"

namespace sisyphus::model::detail {

// yaml-cpp marks are 0-based and null for nodes not parsed from text; ours are 1-based,
// line 0 meaning "unknown".
SourceLocation location_of(const YAML::Node& node, const std::string& file);

// What a node is, for "expected X, got Y": "a mapping", "a sequence", "nothing", "'text'".
std::string describe(const YAML::Node& node);

std::string join(const std::vector<std::string>& words);

}  // namespace sisyphus::model::detail
