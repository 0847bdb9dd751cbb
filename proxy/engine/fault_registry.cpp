#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "sisyphus/model/scenario_error.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy {
namespace faults {
// One declaration per faults/<name>.cpp; the build generates the list from the file names.
#define SISYPHUS_FAULT(name) const FaultKind& name##_kind();
#include "fault_list.inc"
#undef SISYPHUS_FAULT
}  // namespace faults

const FaultRegistry& FaultRegistry::instance() {
  static const FaultRegistry registry;
  return registry;
}

FaultRegistry::FaultRegistry() {
  // The scenario key must be the file name: a fault is found in the tree by its key.
  auto add = [this](const FaultKind& kind, std::string_view file_stem) {
    if (kind.name != file_stem || kind.parse == nullptr || kind.summary.empty()) {
      throw std::logic_error(fmt::format(
          "fault kind in faults/{}.cpp must be named '{}' and have a summary and a parser",
          file_stem, file_stem));
    }
    model::check_table(kind.name, kind.params);
    kinds_.push_back(&kind);
  };
#define SISYPHUS_FAULT(name) add(faults::name##_kind(), #name);
#include "fault_list.inc"
#undef SISYPHUS_FAULT
  std::sort(kinds_.begin(), kinds_.end(),
            [](const FaultKind* a, const FaultKind* b) { return a->name < b->name; });
}

const FaultKind* FaultRegistry::find(std::string_view name) const {
  auto it = std::lower_bound(kinds_.begin(), kinds_.end(), name,
                             [](const FaultKind* k, std::string_view n) { return k->name < n; });
  return it != kinds_.end() && (*it)->name == name ? *it : nullptr;
}

std::vector<std::string> FaultRegistry::kinds() const {
  std::vector<std::string> names;
  names.reserve(kinds_.size());
  for (const FaultKind* k : kinds_) names.emplace_back(k->name);
  return names;
}

bool FaultRegistry::knows(std::string_view kind) const {
  return find(kind) != nullptr;
}

const model::ParamTable& FaultRegistry::params(std::string_view kind) const {
  const FaultKind* found = find(kind);
  if (found == nullptr) {
    throw std::logic_error(fmt::format("no key table for unknown fault kind '{}'", kind));
  }
  return found->params;
}

std::unique_ptr<Fault> FaultRegistry::build(const model::FaultSpec& spec,
                                            const model::Scenario& scenario) const {
  const FaultKind* kind = find(spec.kind);
  if (kind == nullptr) {
    // The loader says the same, at the kind's key; this is for specs built in code.
    const std::string hint = model::closest_match(spec.kind, kinds());
    spec.params.fail(
        hint.empty() ? fmt::format("unknown fault kind '{}', expected one of {}", spec.kind,
                                   fmt::join(kinds(), ", "))
                     : fmt::format("unknown fault kind '{}', did you mean '{}'?", spec.kind, hint));
  }
  return kind->parse(spec.params, scenario);
}

void FaultRegistry::validate(const model::FaultSpec& spec, const model::Scenario& scenario) const {
  build(spec, scenario);
}

namespace {

// Every fault the scenario writes: its attempts:, each resource's own attempts: and its
// faults: rules.
template <typename F>
void for_each_fault(const model::Scenario& scenario, F&& f) {
  for (const auto& entry : scenario.attempts) {
    for (const auto& spec : entry.faults) f(spec);
  }
  for (const auto& resource : scenario.resources) {
    if (!resource.attempts) continue;
    for (const auto& entry : *resource.attempts) {
      for (const auto& spec : entry.faults) f(spec);
    }
  }
  for (const auto& rule : scenario.faults) f(rule.fault);
}

}  // namespace

void FaultRegistry::check_relayable(const model::Scenario& scenario) const {
  for_each_fault(scenario, [this](const model::FaultSpec& spec) {
    const FaultKind* kind = find(spec.kind);
    if (kind != nullptr && !kind->relayable) {
      spec.params.fail(fmt::format("fault '{}' cannot apply to a relayed response: {}", kind->name,
                                   kind->not_relayable_because));
    }
  });
}

void FaultRegistry::check_plain_http(const model::Scenario& scenario) const {
  for_each_fault(scenario, [this](const model::FaultSpec& spec) {
    const FaultKind* kind = find(spec.kind);
    if (kind == nullptr) return;
    for (const model::ParamKey& key : kind->params.keys) {
      if (key.tls_only && spec.params.has(key.name)) {
        spec.params.fail(key.name, fmt::format("'{}' in {} needs HTTPS: serve the scenario with "
                                               "server: {{tls: true}} (or --tls)",
                                               key.name, kind->name));
      }
    }
  });
}

}  // namespace sisyphus::proxy
