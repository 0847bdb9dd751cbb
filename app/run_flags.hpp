#pragma once
// The flags `run` and `compare` share: which runs (--filter, --shard) and how each scenario
// run is made (--time-scale, --deadline, --keep, --work-dir), declared once so that both
// commands spell, document and check them alike.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/runner/runner.hpp"
#include "sisyphus/runner/selection.hpp"

namespace sisyphus::app {

struct ScenarioRunFlags {
  std::vector<std::string> filters;
  std::optional<std::string> shard;
  double time_scale = 1.0;
  std::optional<std::string> deadline;
  bool keep = false;
  std::optional<std::string> work_dir;
};

// `selects` names what --filter matches ("scenarios", "strategies"), `sliced` what --shard
// slices and how ("scenarios, by name"), `one_run` what a work directory belongs to
// ("scenario", "trial").
struct RunFlagWords {
  std::string_view selects;
  std::string_view sliced;
  std::string_view one_run;
  std::string_view default_deadline;
};
void add_scenario_run_flags(CLI::App& cmd, ScenarioRunFlags& flags, const RunFlagWords& words);

// Sets time_scale, deadline, keep and work_root of `options`. Throws sisyphus::ParseError
// naming the flag for a time scale that is not > 0 or a malformed duration.
void apply_run_flags(const ScenarioRunFlags& flags, runner::RunOptions& options);
// --shard, parsed; throws sisyphus::ParseError for a malformed one.
std::optional<runner::Shard> parse_shard_flag(const ScenarioRunFlags& flags);

}  // namespace sisyphus::app
