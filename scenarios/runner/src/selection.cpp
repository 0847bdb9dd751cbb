#include "sisyphus/runner/selection.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <system_error>

#include "sisyphus/core/error.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/model/loader.hpp"

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
  std::vector<std::filesystem::path> files;
  const std::vector<std::filesystem::path> roots =
      inputs.empty() ? std::vector<std::filesystem::path>{catalogue_dir()} : inputs;
  for (const auto& input : roots) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      auto found = model::scenario_files(input);
      if (found.empty()) {
        out.errors.push_back(fmt::format("{}: no scenario files (*.yaml, *.yml)", input.string()));
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(input, ec)) {
      files.push_back(input);
    } else {
      out.errors.push_back(fmt::format("{}: no such file or directory", input.string()));
    }
  }
  std::map<std::string, std::string> seen;  // name -> file
  for (const auto& file : files) {
    try {
      model::Scenario s = proxy::load_scenario_file(file);
      auto [it, fresh] = seen.emplace(s.name, file.string());
      if (!fresh) {
        out.errors.push_back(fmt::format("{}: scenario name '{}' is already used by {}",
                                         file.string(), s.name, it->second));
        continue;
      }
      out.scenarios.push_back(std::move(s));
    } catch (const std::exception& e) {
      out.errors.push_back(e.what());
    }
  }
  sort_by_name(out.scenarios);
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

std::vector<model::Scenario> shard_scenarios(std::vector<model::Scenario> scenarios,
                                                Shard shard) {
  sort_by_name(scenarios);
  std::vector<model::Scenario> out;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    if (k % shard.count == shard.index - 1) out.push_back(std::move(scenarios[k]));
  }
  return out;
}

}  // namespace sisyphus::runner
