#include "scenario_checks.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <exception>
#include <optional>
#include <string>
#include <typeinfo>

#include "check.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::fuzz {
namespace {

// `what` loads `text`, which the loader wrote itself: it must not refuse it.
model::Scenario reload(std::string_view what, const std::string& text, std::string_view name,
                       LoadScenario load) {
  try {
    return load(text, name);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "the scenario's own {} does not load again: {}\n{}", what, e.what(), text);
  }
  return {};  // not reached: FUZZ_CHECK(false) aborts
}

void check_faults_build(const model::Scenario& s) {
  const auto& registry = proxy::FaultRegistry::instance();
  auto check = [&](const model::FaultSpec& spec) {
    try {
      const auto fault = registry.build(spec, s);
      FUZZ_CHECK(fault && fault->kind() == spec.kind, "fault '{}' built as another kind",
                 spec.kind);
    } catch (const std::exception& e) {
      FUZZ_CHECK(false, "fault '{}' was accepted by the loader but does not build: {}", spec.kind,
                 e.what());
    }
  };
  for (const auto& entry : s.attempts) {
    for (const auto& spec : entry.faults) check(spec);
  }
  for (const auto& rule : s.faults) check(rule.fault);
}

std::string json_of(const model::Scenario& s) {
  try {
    return model::to_json(s);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "an accepted scenario cannot be written as JSON: {}", e.what());
  }
  return {};
}

std::string yaml_of(const model::Scenario& s) {
  try {
    YAML::Emitter out;
    out << model::to_yaml(s);
    FUZZ_CHECK(out.good(), "the YAML emitter failed: {}", out.GetLastError());
    return out.c_str();
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "an accepted scenario cannot be written as YAML: {}", e.what());
  }
  return {};
}

}  // namespace

void check_scenario_text(std::string_view text, std::string_view name, LoadScenario load) {
  std::optional<model::Scenario> loaded;
  try {
    loaded = load(text, name);
  } catch (const model::ScenarioError& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with(name), "error without the file name: {}",
               e.what());
    return;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "the loader let a {} escape instead of a ScenarioError: {}", typeid(e).name(),
               e.what());
  }
  check_faults_build(*loaded);

  const std::string json = json_of(*loaded);
  boost::system::error_code ec;
  boost::json::parse(json, ec);
  FUZZ_CHECK(!ec, "to_json wrote invalid JSON ({}):\n{}", ec.message(), json);
  const model::Scenario from_json = reload("JSON", json, name, load);
  FUZZ_CHECK(model::equivalent(*loaded, from_json), "JSON round trip changed the scenario:\n{}",
             json);

  const std::string yaml = yaml_of(*loaded);
  const model::Scenario from_yaml = reload("YAML", yaml, name, load);
  FUZZ_CHECK(model::equivalent(*loaded, from_yaml), "YAML round trip changed the scenario:\n{}",
             yaml);
}

}  // namespace sisyphus::fuzz
