#include "run_flags.hpp"

#include <fmt/format.h>

#include "sisyphus/core/error.hpp"
#include "sisyphus/core/units.hpp"

namespace sisyphus::app {

void add_scenario_run_flags(CLI::App& cmd, ScenarioRunFlags& f, const RunFlagWords& words) {
  // One glob per --filter, so that in `--filter 'drop*' DIR` DIR stays an input.
  cmd.add_option("--filter", f.filters,
                 fmt::format("Only {} whose name matches this glob (repeatable)", words.selects))
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_option("--shard", f.shard,
                 fmt::format("I/N: run the I-th of N deterministic slices of the {}; join with "
                             "report merge",
                             words.sliced));
  cmd.add_option("--time-scale", f.time_scale,
                 "Multiply every scenario duration and the reference client's backoff by X");
  cmd.add_option(
      "--deadline", f.deadline,
      fmt::format("Kill a client still running after D (default: {})", words.default_deadline));
  cmd.add_flag("--keep", f.keep,
               fmt::format("Keep each {}'s work directory (paths in the report)", words.one_run));
  cmd.add_option("--work-dir", f.work_dir,
                 fmt::format("Where {} work directories go (default: the system temp directory)",
                             words.one_run));
}

void apply_run_flags(const ScenarioRunFlags& f, runner::RunOptions& o) {
  if (!(f.time_scale > 0)) {
    throw ParseError(fmt::format("--time-scale must be greater than 0, got {}", f.time_scale));
  }
  o.time_scale = TimeScale(f.time_scale);
  if (f.deadline) o.deadline = parse_duration(*f.deadline);
  o.keep = f.keep;
  if (f.work_dir) o.work_root = *f.work_dir;
}

std::optional<runner::Shard> parse_shard_flag(const ScenarioRunFlags& f) {
  if (!f.shard) return std::nullopt;
  return runner::Shard::parse(*f.shard);
}

}  // namespace sisyphus::app
