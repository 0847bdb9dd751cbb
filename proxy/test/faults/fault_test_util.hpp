#pragma once
// Helpers for the fault tests: scenarios from YAML text, loaded against the real registry,
// and the plan their faults make.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::test {

inline model::Scenario load(std::string_view yaml) {
  return model::load_string(yaml, "t.yaml", FaultRegistry::instance());
}

// The error a scenario fails to load with ("t.yaml:LINE:COLUMN: message"), or "" if it loads.
inline std::string load_error(std::string_view yaml) {
  try {
    load(yaml);
  } catch (const model::ScenarioError& e) {
    return e.what();
  }
  return "";
}

// A scenario whose only `attempts:` entry is `entry`, written on line 6 from column 5:
//   1 name: t / 2 seed: 42 / 3 resource: / 4   size: 1000 / 5 attempts: / 6   - <entry>
inline std::string with_attempt(std::string_view entry) {
  return "name: t\nseed: 42\nresource:\n  size: 1000\nattempts:\n  - " + std::string(entry) + "\n";
}

// The same with a `faults:` rule on line 6 from column 5.
inline std::string with_rule(std::string_view rule) {
  return "name: t\nseed: 42\nresource:\n  size: 1000\nfaults:\n  - " + std::string(rule) + "\n";
}

// The plan the faults of that only entry make for GET 1 of a resource of `size` bytes, each
// applied to an empty plan in order, drawing from one Rng(rng_seed).
inline ResponsePlan plan_for(std::string_view entry, std::uint64_t size = 1000, double scale = 1.0,
                             std::uint64_t rng_seed = 7) {
  const model::Scenario s = load(with_attempt(entry));
  ResponsePlan plan;
  Rng rng(rng_seed);
  const RequestContext ctx{"GET", "/file", 1, size, false, TimeScale(scale)};
  for (const auto& spec : s.attempts.at(0).faults) {
    FaultRegistry::instance().build(spec, s)->apply(plan, ctx, rng);
  }
  return plan;
}

}  // namespace sisyphus::proxy::test
