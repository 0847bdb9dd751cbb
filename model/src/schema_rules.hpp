#pragma once
// Rules that more than one schema reads with (scenario files, matrix files), written once.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "yaml_params.hpp"

namespace sisyphus::model::detail {

// The key's value as an integer from `min` to `max`, else "expected an integer from MIN to
// MAX, got N" at the value.
std::uint32_t bounded(const Params& p, std::string_view key, std::uint64_t min,
                      std::uint64_t max = std::numeric_limits<std::uint32_t>::max());

// The required `name:` of a scenario or matrix: lowercase letters, digits and '-' (it names
// report files and directories, and is typed on command lines).
std::string read_name(const Params& root);

}  // namespace sisyphus::model::detail
