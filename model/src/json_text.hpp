#pragma once
// The model's one JSON writer (emit.cpp), for trees built with yaml-cpp: a plain scalar that
// reads as a JSON number or true/false is written bare, a scalar tagged "!" always as a string.
#include <yaml-cpp/yaml.h>

#include <string>

namespace sisyphus::model::detail {

std::string json_text(const YAML::Node& node);  // indented, with a final newline

}  // namespace sisyphus::model::detail
