// `sisyphus compare [MATRIX ...]`: run every strategy of each matrix over seeded trials,
// print the comparison, write compare.json / compare.md / compare.html, exit 0 when every
// bound of every matrix's `expect:` held, 1 when some failed, 2 on bad input.
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
#include "sisyphus/reports/compare.hpp"
#include "sisyphus/reports/console.hpp"
#include "sisyphus/runner/compare.hpp"
#include "sisyphus/runner/selection.hpp"
#include "sisyphus/runner/signal_guard.hpp"

namespace sisyphus::app {
namespace {

struct CompareFlags {
  std::vector<std::string> inputs;
  std::optional<std::uint32_t> trials;
  std::optional<std::uint32_t> trial;
  unsigned jobs = 0;
  std::optional<std::uint64_t> seed;
  std::string out = "sisyphus-compare";
  ScenarioRunFlags common;
};

// On a terminal a progress bar on stderr, redrawn after each trial; elsewhere (CI logs) one
// line per finished strategy, so a long comparison never sits silent.
class CompareProgress {
 public:
  CompareProgress()
      : terminal_(::isatty(::fileno(stderr)) == 1), color_(reports::use_color(stderr)) {}

  void update(const runner::TrialProgress& p) {
    if (p.trial->verdict != reports::Verdict::ok) ++not_ok_;
    if (terminal_) {
      fmt::print(stderr, "\r\x1b[2K{}",
                 reports::format_progress(p.done, p.total, not_ok_,
                                          p.matrix->name + ": " + p.cell->strategy, color_));
      std::fflush(stderr);
    }
    if (p.cell_done == p.cell_total) finished(*p.matrix, *p.cell);
  }

  void clear() const {
    if (terminal_) fmt::print(stderr, "\r\x1b[2K");
  }

 private:
  void finished(const reports::MatrixResult& m, const reports::Cell& cell) const {
    if (terminal_) return;
    const reports::CellSummary s = reports::summarize(cell);
    // A herd's records are clients: "3 trials x 500 clients".
    const std::string records =
        cell.clients > 1
            ? fmt::format("{} trials x {} clients", cell.trials.size() / cell.clients, cell.clients)
            : fmt::format("{} trials", cell.trials.size());
    fmt::print(stderr,
               "{}: {}: {}, {} ok, {} corrupt, mean {:.2f} attempts, p95 wasted {}, p50 "
               "{:.2f} s\n",
               m.name, cell.strategy, records, s.verdicts.ok, s.verdicts.corrupt, s.attempts.mean,
               format_size_human(static_cast<std::uint64_t>(s.bytes_wasted.p95)), s.duration_s.p50);
    std::fflush(stderr);
  }

  bool terminal_;
  bool color_;
  std::size_t not_ok_ = 0;
};

runner::CompareOptions options_from(const CompareFlags& f) {
  runner::CompareOptions o;
  o.trials = f.trials;
  o.trial = f.trial;
  o.seed = f.seed;
  o.filters = f.common.filters;
  o.run.jobs = f.jobs;
  apply_run_flags(f.common, o.run);
  o.shard = parse_shard_flag(f.common);
  if (f.trials && *f.trials == 0) throw ParseError("--trials must be at least 1");
  return o;
}

int compare(const CompareFlags& f) {
  runner::CompareOptions options;
  try {
    options = options_from(f);
  } catch (const ParseError& e) {
    fmt::print(stderr, "sisyphus compare: {}\n", e.what());
    return kExitUsage;
  }
  std::vector<std::filesystem::path> inputs(f.inputs.begin(), f.inputs.end());
  runner::LoadedMatrices loaded = runner::load_matrices(inputs);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) fmt::print(stderr, "{}\n", e);
    fmt::print(stderr, "sisyphus compare: {} bad matrix input{}; nothing was run\n",
               loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
    return kExitUsage;
  }
  if (options.trial) {
    for (const auto& m : loaded.matrices) {
      const std::uint32_t n = options.trials.value_or(m.trials);
      if (*options.trial >= n) {
        fmt::print(stderr, "sisyphus compare: --trial {} is not a trial of {} (0 to {})\n",
                   *options.trial, m.name, n - 1);
        return kExitUsage;
      }
    }
  }

  const runner::SignalGuard signals;  // Ctrl-C also stops external clients' process groups
  CompareProgress progress;
  const reports::CompareResults results = runner::compare(
      loaded.matrices, options, [&](const runner::TrialProgress& p) { progress.update(p); });
  progress.clear();
  if (results.matrices.empty()) {
    fmt::print(stderr, "sisyphus compare: no strategy matches --filter {}\n",
               fmt::join(f.common.filters, " --filter "));
    return kExitUsage;
  }

  std::fputs(reports::to_compare_markdown(results).c_str(), stdout);
  try {
    reports::write_compare(results, f.out);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus compare: {}\n", e.what());
    return kExitUsage;
  }
  fmt::print("reports: {}/compare.json, compare.md, compare.html\n", f.out);
  return reports::passed(results) ? kExitOk : kExitFailed;
}

}  // namespace

void add_compare_command(CLI::App& root, int& exit_code) {
  auto f = std::make_shared<CompareFlags>();
  auto* cmd = root.add_subcommand(
      "compare",
      "Compare retry strategies: run each strategy of a matrix over seeded trials (trial t of "
      "every strategy faces the same link) and report distributions. With no MATRIX: the "
      "built-in matrices. Exit 0: every bound held; 1: some failed; 2: bad input.");
  cmd->add_option("MATRIX", f->inputs, "Matrix files or directories of them (*.yaml)");
  cmd->add_option("--trials", f->trials, "Trials per strategy (default: each matrix's trials)");
  cmd->add_option("--trial", f->trial, "Run only trial T (0-based): the replay of one trial");
  cmd->add_option("--jobs,-j", f->jobs,
                  fmt::format("Trials run at once (default: {} x the number of cores)",
                              runner::kDefaultCompareJobsPerCore));
  cmd->add_option("--seed", f->seed, "Override every matrix's seed");
  cmd->add_option("--out", f->out, "Report directory (default sisyphus-compare)");
  add_scenario_run_flags(*cmd, f->common,
                         {.selects = "strategies",
                          .sliced = "trials (trial t goes to slice t mod N + 1)",
                          .one_run = "trial",
                          .default_deadline = "as for run"});
  cmd->callback([f, &exit_code] {
    try {
      exit_code = compare(*f);
    } catch (const std::exception& e) {
      fmt::print(stderr, "sisyphus compare: {}\n", e.what());
      exit_code = kExitUsage;
    }
  });
}

}  // namespace sisyphus::app
