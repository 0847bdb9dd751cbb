// `sisyphus run [FILE|DIR ...]`: run scenarios against a client, print the table, write the
// reports, exit 0 when every expectation held, 1 when some failed, 2 on bad input.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/reports/console.hpp"
#include "sisyphus/reports/report.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "sisyphus/runner/runner.hpp"
#include "sisyphus/runner/selection.hpp"
#include "sisyphus/runner/signal_guard.hpp"

namespace sisyphus::app {
namespace {

struct RunFlags {
  std::vector<std::string> inputs;
  std::optional<std::string> client;
  std::vector<std::string> filters;
  unsigned jobs = 0;
  std::optional<std::string> shard;
  std::string out = "sisyphus-report";
  std::optional<std::uint64_t> seed;
  double time_scale = 1.0;
  std::optional<std::string> deadline;
  bool keep = false;
  std::optional<std::string> work_dir;
};

// The progress line lives on stderr and only on a terminal; it is erased before the table.
class ProgressLine {
 public:
  ProgressLine() : enabled_(::isatty(::fileno(stderr)) == 1), color_(reports::use_color(stderr)) {}
  void start(std::size_t total) {
    if (!enabled_ || total == 0) return;
    fmt::print(stderr, "\r\x1b[2K{}", reports::format_progress(0, total, 0, "", color_));
    std::fflush(stderr);
  }
  void update(const reports::ScenarioResult& r, std::size_t done, std::size_t total) {
    failed_ += r.passed ? 0 : 1;
    if (!enabled_) return;
    fmt::print(stderr, "\r\x1b[2K{}",
               reports::format_progress(done, total, failed_, r.name, color_));
    std::fflush(stderr);
  }
  void clear() {
    if (enabled_) fmt::print(stderr, "\r\x1b[2K");
  }

 private:
  bool enabled_;
  bool color_;
  std::size_t failed_ = 0;
};

int run(const RunFlags& f) {
  runner::RunOptions options;
  options.client = f.client;
  options.seed = f.seed;
  options.jobs = f.jobs;
  options.keep = f.keep;
  if (f.work_dir) options.work_root = *f.work_dir;
  if (!(f.time_scale > 0)) {
    fmt::print(stderr, "sisyphus run: --time-scale must be greater than 0, got {}\n", f.time_scale);
    return kExitUsage;
  }
  options.time_scale = TimeScale(f.time_scale);
  std::optional<runner::Shard> shard;
  try {
    if (f.deadline) options.deadline = parse_duration(*f.deadline);
    if (f.shard) shard = runner::Shard::parse(*f.shard);
    if (f.client) runner::make_client(*f.client);  // a bad --client fails before any run
  } catch (const ParseError& e) {
    fmt::print(stderr, "sisyphus run: {}\n", e.what());
    return kExitUsage;
  }

  std::vector<std::filesystem::path> inputs(f.inputs.begin(), f.inputs.end());
  runner::Loaded loaded = runner::load_scenarios(inputs);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) fmt::print(stderr, "{}\n", e);
    fmt::print(stderr, "sisyphus run: {} bad scenario input{}; nothing was run\n",
               loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
    return kExitUsage;
  }
  const std::string label = runner::run_client_label(loaded.scenarios, options);
  auto selected = runner::filter_scenarios(std::move(loaded.scenarios), f.filters);
  if (selected.empty() && !f.filters.empty()) {
    fmt::print(stderr, "sisyphus run: no scenario matches --filter {}\n",
               fmt::join(f.filters, " --filter "));
    return kExitUsage;
  }
  if (shard) selected = runner::shard_scenarios(std::move(selected), *shard);

  // Ctrl-C kills the clients' process groups too (they do not get the terminal's signal).
  const runner::SignalGuard signals;
  ProgressLine progress;
  progress.start(selected.size());
  const reports::RunResults results =
      runner::run_scenarios(selected, options, label,
                               [&](const reports::ScenarioResult& r, std::size_t done,
                                   std::size_t total) { progress.update(r, done, total); });
  progress.clear();

  const bool color = reports::use_color(stdout);
  std::fputs(reports::format_console_table(results, color).c_str(), stdout);
  const std::string failures = reports::format_failures(results, color);
  if (!failures.empty()) fmt::print("\n{}", failures);
  try {
    reports::write_all(results, f.out);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus run: {}\n", e.what());
    return kExitUsage;
  }
  fmt::print("reports: {}/results.json, junit.xml, summary.md, report.html\n", f.out);
  return reports::tally(results).failed == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void add_run_command(CLI::App& root, int& exit_code) {
  auto f = std::make_shared<RunFlags>();
  auto* cmd = root.add_subcommand(
      "run",
      "Run scenarios against a client and report verdicts, attempts and wasted bytes. With no "
      "FILE: the built-in catalogue. Exit 0: every expectation held; 1: some failed; 2: bad "
      "input (nothing run).");
  cmd->add_option("FILE", f->inputs, "Scenario files or directories of them (*.yaml)");
  cmd->add_option("--client", f->client,
                  "reference | reference-cli | naive | curl | wget | aria2c | 'command: TEMPLATE' "
                  "({url} {output} {max_attempts} {workdir}); default: each scenario's client");
  // One glob per --filter, so that in `--filter 'drop*' DIR` DIR stays an input.
  cmd->add_option("--filter", f->filters,
                  "Only scenarios whose name matches this glob (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--jobs,-j", f->jobs, "Scenarios run at once (default: the number of cores)");
  cmd->add_option("--shard", f->shard,
                  "I/N: run the I-th of N deterministic slices (by name); join with report merge");
  cmd->add_option("--out", f->out, "Report directory (default sisyphus-report)");
  cmd->add_option("--seed", f->seed, "Override every scenario's seed");
  cmd->add_option("--time-scale", f->time_scale,
                  "Multiply every scenario duration and the reference client's backoff by X");
  cmd->add_option("--deadline", f->deadline,
                  "Kill a client still running after D (default: 3 x expect.max_duration, else "
                  "60s, time-scaled)");
  cmd->add_flag("--keep", f->keep, "Keep each scenario's work directory (paths in the report)");
  cmd->add_option("--work-dir", f->work_dir,
                  "Where scenario work directories go (default: the system temp directory)");
  cmd->callback([f, &exit_code] {
    try {
      exit_code = run(*f);
    } catch (const std::exception& e) {
      fmt::print(stderr, "sisyphus run: {}\n", e.what());
      exit_code = kExitUsage;
    }
  });
}

}  // namespace sisyphus::app
