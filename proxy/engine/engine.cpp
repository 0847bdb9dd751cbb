#include "engine/engine.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sisyphus/model/text_template.hpp"

namespace sisyphus::proxy {
namespace {

// The start of every seeding label of GET k (docs/faults.md "Probability and seeding"):
// "PATH:k" as before clients could name themselves, so every existing replay stays valid, and
// "PATH:CLIENT:k" for a named client, so that two clients' attempt k draw apart.
std::string attempt_label(std::string_view path, std::string_view client, std::uint32_t k) {
  return client.empty() ? fmt::format("{}:{}", path, k) : fmt::format("{}:{}:{}", path, client, k);
}

}  // namespace

FaultEngine::FaultEngine(model::Scenario scenario, TimeScale time_scale,
                         std::shared_ptr<Counters> counters)
    : scenario_(std::move(scenario)),
      time_scale_(time_scale),
      counters_(counters ? std::move(counters) : std::make_shared<Counters>()) {
  for (const model::Resource& resource : scenario_.resources) {
    auto& per_resource = attempt_faults_.emplace_back();
    for (const auto& entry : scenario_.attempts_of(resource)) {
      auto& built = per_resource.emplace_back();
      for (const auto& spec : entry.faults) built.push_back(build(spec));
    }
    const model::Resource* d = model::described_by(scenario_, resource);
    described_.push_back(d == nullptr ? std::string::npos
                                      : static_cast<std::size_t>(d - scenario_.resources.data()));
  }
  for (const auto& rule : scenario_.faults) {
    rules_.push_back(BuiltRule{build(rule.fault), rule.attempts, rule.probability, rule.resources});
  }
}

std::size_t FaultEngine::resource_at(std::string_view path) const {
  const model::Resource* r = scenario_.find_resource(path);
  return r == nullptr ? 0 : static_cast<std::size_t>(r - scenario_.resources.data());
}

std::uint64_t FaultEngine::content_seed_of(std::string_view path, std::uint32_t generation) const {
  const std::size_t at = resource_at(path);
  const std::size_t of = described_[at] == std::string::npos ? at : described_[at];
  return scenario_.resources[of].content_seed(generation);
}

FaultEngine::BuiltFault FaultEngine::build(const model::FaultSpec& spec) const {
  const auto& registry = FaultRegistry::instance();
  BuiltFault built{registry.build(spec, scenario_), true};
  built.relayable = registry.find(spec.kind)->relayable;
  return built;
}

std::uint32_t FaultEngine::generation_at(std::string_view path, std::string_view client,
                                         std::uint32_t attempt, Clock::duration elapsed) const {
  const std::size_t at = resource_at(path);
  if (described_[at] != std::string::npos) {
    return generation_now(scenario_.resources[described_[at]].path, client);
  }
  const std::vector<model::Change>& changes = scenario_.changes_of(scenario_.resources[at]);
  std::uint32_t generation = 0;
  for (std::size_t c = 0; c < changes.size(); ++c) {
    const model::Change& change = changes[c];
    if (change.random()) {
      // Republished before GET k (k >= 2) when the draw of (seed, path, client, k, change)
      // says so: the same attempts see the same versions whatever the arrival order or
      // concurrency.
      for (std::uint32_t k = 2; k <= attempt; ++k) {
        const std::string label = fmt::format("{}:change:{}", attempt_label(path, client, k), c);
        Rng rng(derive_seed(scenario_.seed, label));
        if (rng.chance(change.probability)) ++generation;
      }
      continue;
    }
    const bool by_attempt = change.before_attempt && *change.before_attempt <= attempt;
    const bool by_time = change.at_time && elapsed >= time_scale_(*change.at_time);
    if (by_attempt || by_time) ++generation;
  }
  return generation;
}

std::uint32_t FaultEngine::generation_now(std::string_view path, std::string_view client) const {
  std::uint32_t count = 0;
  Clock::time_point start;
  {
    std::lock_guard lock(counters_->mutex);
    const auto& attempts = counters_->attempts;
    if (auto it = attempts.find({std::string(path), std::string(client)}); it != attempts.end()) {
      count = it->second;
    }
    start = counters_->start;
  }
  return generation_at(path, client, count, Clock::now() - start);
}

Decision FaultEngine::decide(std::string_view method, std::string_view path,
                             std::uint64_t resource_size, bool proxied, std::string_view client) {
  Decision decision = count(method, path, client);
  if (decision.attempt > 0) {
    decision.plan = plan_for(path, decision.attempt, resource_size, proxied, client);
  }
  return decision;
}

Decision FaultEngine::count(std::string_view method, std::string_view path,
                            std::string_view client) {
  Decision decision;
  if (method != "GET") {
    decision.generation = generation_now(path, client);
    decision.content_seed = content_seed_of(path, decision.generation);
    return decision;
  }
  Clock::time_point start;
  {
    std::lock_guard lock(counters_->mutex);
    decision.attempt = ++counters_->attempts[{std::string(path), std::string(client)}];
    start = counters_->start;
  }
  decision.generation = generation_at(path, client, decision.attempt, Clock::now() - start);
  decision.content_seed = content_seed_of(path, decision.generation);
  return decision;
}

ResponsePlan FaultEngine::plan_for(std::string_view path, std::uint32_t attempt,
                                   std::uint64_t resource_size, bool proxied,
                                   std::string_view client) const {
  ResponsePlan plan;
  const RequestContext ctx{"GET", path, attempt, resource_size, proxied, time_scale_};
  // Each fault draws from its own stream, named by what identifies the request in a replay
  // (path, client, attempt, rule), never by arrival order, so concurrency cannot change a
  // choice.
  const std::string base = attempt_label(path, client, attempt);
  auto apply = [&](const BuiltFault& built, std::string_view label, double probability) {
    if (proxied && !built.relayable) return;
    Rng rng(derive_seed(scenario_.seed, label));
    if (!rng.chance(probability)) return;
    built.fault->apply(plan, ctx, rng);
  };
  const std::size_t resource = resource_at(path);
  const auto& attempt_faults = attempt_faults_[resource];
  if (attempt >= 1 && attempt <= attempt_faults.size()) {
    const auto& entry = attempt_faults[attempt - 1];
    for (std::size_t j = 0; j < entry.size(); ++j) {
      apply(entry[j], fmt::format("{}:attempt:{}", base, j), 1.0);
    }
  }
  for (std::size_t r = 0; r < rules_.size(); ++r) {
    const BuiltRule& rule = rules_[r];
    if (!rule.attempts.empty() &&
        std::find(rule.attempts.begin(), rule.attempts.end(), attempt) == rule.attempts.end()) {
      continue;
    }
    if (!rule.resources.empty() &&
        std::find(rule.resources.begin(), rule.resources.end(), resource) == rule.resources.end()) {
      continue;
    }
    apply(rule.fault, fmt::format("{}:{}", base, r), rule.probability);
  }
  return plan;
}

void FaultEngine::reset() {
  std::lock_guard lock(counters_->mutex);
  counters_->attempts.clear();
  counters_->start = Clock::now();
}

}  // namespace sisyphus::proxy
