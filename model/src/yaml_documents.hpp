#pragma once
// The documents of a YAML text: the first one built, the others only counted. Replaces
// YAML::LoadAll, which never returns on a ',' outside a flow collection in yaml-cpp 0.7
// (jbeder/yaml-cpp#1040: the parser reports an empty document at the same place forever,
// and LoadAll keeps every one of them until memory runs out).
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

namespace sisyphus::model::detail {

struct Documents {
  YAML::Node first;  // undefined when the text holds no document
  std::size_t count = 0;
  YAML::Mark second;  // where the second document's content starts (when count > 1)
};

// Throws YAML::Exception with its mark for a syntax error, the no-progress case included.
Documents read_documents(const std::string& text);

}  // namespace sisyphus::model::detail
