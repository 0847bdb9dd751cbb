#include "sisyphus/runner/selection.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <system_error>

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

std::size_t parse_count(std::string_view text, std::string_view whole) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw ParseError(fmt::format("bad shard '{}': expected I/N such as 1/4 (1 <= I <= N)", whole));
  }
  return n;
}

}  // namespace

std::filesystem::path catalogue_dir() {
  const char* env = std::getenv("SISYPHUS_CATALOGUE");
  if (env != nullptr && env[0] != '\0') return env;
  return SISYPHUS_CATALOGUE_DIR;
}

Loaded load_scenarios(const std::vector<std::filesystem::path>& inputs) {
  Loaded out;
  const auto files = detail::input_files(inputs, catalogue_dir(), "scenario", out.errors);
  out.scenarios = detail::load_each<model::Scenario>(
      files, "scenario", [](const auto& file) { return proxy::load_scenario_file(file); },
      out.errors);
  return out;
}

Shard Shard::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    throw ParseError(fmt::format("bad shard '{}': expected I/N such as 1/4 (1 <= I <= N)", text));
  }
  Shard s;
  s.index = parse_count(text.substr(0, slash), text);
  s.count = parse_count(text.substr(slash + 1), text);
  if (s.count == 0 || s.index == 0 || s.index > s.count) {
    throw ParseError(fmt::format("bad shard '{}': expected I/N such as 1/4 (1 <= I <= N)", text));
  }
  return s;
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
    if (k % shard.count == shard.index - 1) out.push_back(std::move(scenarios[k]));
  }
  return out;
}

}  // namespace sisyphus::runner
