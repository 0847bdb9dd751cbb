#include "sisyphus/runner/selection.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>

#include "input_files.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/server.hpp"

#ifndef SISYPHUS_CATALOGUE_DIR
#error "SISYPHUS_CATALOGUE_DIR must be defined by scenarios/runner/CMakeLists.txt"
#endif

namespace sisyphus::runner {
namespace {

void sort_by_name(std::vector<model::Scenario>& scenarios) {
  std::sort(scenarios.begin(), scenarios.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
}

}  // namespace

std::filesystem::path catalogue_dir() {
  return detail::built_in_dir("SISYPHUS_CATALOGUE", "catalogue", SISYPHUS_CATALOGUE_DIR);
}

Loaded load_scenarios(const std::vector<std::filesystem::path>& inputs) {
  Loaded out;
  const auto files = detail::input_files(inputs, catalogue_dir(), "scenario", out.errors);
  out.scenarios = detail::load_each<model::Scenario>(
      files, "scenario", [](const auto& file) { return proxy::load_scenario_file(file); },
      out.errors);
  return out;
}

std::vector<model::Scenario> filter_scenarios(std::vector<model::Scenario> scenarios,
                                              const std::vector<std::string>& globs) {
  if (globs.empty()) return scenarios;
  std::vector<model::Scenario> out;
  for (auto& s : scenarios) {
    const bool match = std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
      return ::fnmatch(g.c_str(), s.name.c_str(), 0) == 0;
    });
    if (match) out.push_back(std::move(s));
  }
  return out;
}

std::vector<model::Scenario> shard_scenarios(std::vector<model::Scenario> scenarios, Shard shard) {
  sort_by_name(scenarios);
  std::vector<model::Scenario> out;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    if (shard.contains(k)) out.push_back(std::move(scenarios[k]));
  }
  return out;
}

}  // namespace sisyphus::runner
