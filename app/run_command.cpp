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
#include "run_flags.hpp"
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
  unsigned jobs = 0;
  std::string out = "sisyphus-report";
  std::optional<std::uint64_t> seed;
  ScenarioRunFlags common;
};

// On a terminal (stderr) a progress line, erased before the table. Otherwise (CI logs) one
// line per scenario on stdout as it finishes, flushed at once, so that a long run is not
// silent until its end.
class ProgressLine {
 public:
  ProgressLine()
      : enabled_(::isatty(::fileno(stderr)) == 1),
        color_(reports::use_color(stderr)),
        line_color_(reports::use_color(stdout)) {}
  void start(std::size_t total) {
    if (!enabled_ || total == 0) return;
    fmt::print(stderr, "\r\x1b[2K{}", reports::format_progress(0, total, 0, "", color_));
    std::fflush(stderr);
  }
  void update(const reports::ScenarioResult& r, std::size_t done, std::size_t total) {
    failed_ += r.passed ? 0 : 1;
    if (!enabled_) {
      fmt::print("{}\n", reports::format_scenario_line(r, done, total, line_color_));
      std::fflush(stdout);
      return;
    }
    fmt::print(stderr, "\r\x1b[2K{}",
               reports::format_progress(done, total, failed_, r.name, color_));
    std::fflush(stderr);
  }
  void clear() {
    if (enabled_) fmt::print(stderr, "\r\x1b[2K");
  }
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool color_;
  bool line_color_;
  std::size_t failed_ = 0;
};

int run(const RunFlags& f) {
  runner::RunOptions options;
  options.client = f.client;
  options.seed = f.seed;
  options.jobs = f.jobs;
  std::optional<runner::Shard> shard;
  try {
    apply_run_flags(f.common, options);
    shard = parse_shard_flag(f.common);
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
  auto selected = runner::filter_scenarios(std::move(loaded.scenarios), f.common.filters);
  if (selected.empty() && !f.common.filters.empty()) {
    fmt::print(stderr, "sisyphus run: no scenario matches --filter {}\n",
               fmt::join(f.common.filters, " --filter "));
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
  if (!progress.enabled()) std::fputs("\n", stdout);  // the lines above, then the table
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
  const reports::Tally tally = reports::tally(results);
  if (tally.not_started > 0) {
    fmt::print(stderr, "sisyphus run: the client of {} scenario{} could not start (see above)\n",
               tally.not_started, tally.not_started == 1 ? "" : "s");
  }
  return reports::exit_code(tally);
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
  cmd->add_option("--jobs,-j", f->jobs, "Scenarios run at once (default: the number of cores)");
  cmd->add_option("--out", f->out, "Report directory (default sisyphus-report)");
  cmd->add_option("--seed", f->seed, "Override every scenario's seed");
  add_scenario_run_flags(*cmd, f->common,
                         {.selects = "scenarios",
                          .sliced = "scenarios (by name)",
                          .one_run = "scenario",
                          .default_deadline = "3 x expect.max_duration, else 60s, time-scaled"});
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
