// `sisyphus report merge DIR... --out DIR`: join the report directories of shards into one
// report: of `sisyphus run --shard I/N` (results.json: all four files) or of
// `sisyphus compare --shard I/N` (compare.json: compare.json, compare.md, compare.html).
#include <fmt/format.h>

#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/compare.hpp"
#include "sisyphus/reports/console.hpp"
#include "sisyphus/reports/json.hpp"
#include "sisyphus/reports/report.hpp"

namespace sisyphus::app {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string out;
};

// A compare shard: a compare.json file, or a directory with compare.json and no
// results.json (a directory with both is taken as a run report, as before compare existed).
bool is_compare_input(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_directory(p, ec)) return p.filename() == "compare.json";
  return std::filesystem::exists(p / "compare.json", ec) &&
         !std::filesystem::exists(p / "results.json", ec);
}

int merge_compare(const MergeOptions& opts) {
  std::vector<reports::CompareResults> shards;
  for (const auto& dir : opts.inputs) shards.push_back(reports::read_compare(dir));
  const reports::CompareResults merged = reports::merge(std::move(shards));
  reports::write_compare(merged, opts.out);
  std::size_t trials = 0;
  for (const auto& m : merged.matrices) {
    for (const auto& c : m.cells) trials += c.trials.size();
  }
  const bool passed = reports::passed(merged);
  fmt::print("merged {} trials of {} matrices from {} shards into {}: {}\n", trials,
             merged.matrices.size(), opts.inputs.size(), opts.out,
             passed ? "every bound held" : "FAILED (see compare.md)");
  return passed ? kExitOk : kExitFailed;
}

int merge_runs(const MergeOptions& opts) {
  std::vector<reports::RunResults> shards;
  for (const auto& dir : opts.inputs) shards.push_back(reports::read_results(dir));
  const reports::RunResults merged = reports::merge(std::move(shards));
  reports::write_all(merged, opts.out);
  std::fputs(reports::format_console_table(merged, reports::use_color(stdout)).c_str(), stdout);
  const reports::Tally tally = reports::tally(merged);
  fmt::print("merged {} scenarios from {} result sets into {}: {}\n", merged.scenarios.size(),
             opts.inputs.size(), opts.out,
             tally.failed == 0 ? "every expectation held"
                               : fmt::format("{} failed (see summary.md)", tally.failed));
  // The same exit code as the run that the shards make up.
  return reports::exit_code(tally);
}

int run_merge(const MergeOptions& opts) {
  std::size_t compare = 0;
  for (const auto& in : opts.inputs) compare += is_compare_input(in) ? 1 : 0;
  if (compare == 0) return merge_runs(opts);
  if (compare != opts.inputs.size()) {
    throw ParseError("cannot merge compare results (compare.json) with run results (results.json)");
  }
  return merge_compare(opts);
}

}  // namespace

void add_report_command(CLI::App& root, int& exit_code) {
  auto* report = root.add_subcommand("report", "Work with report directories");
  report->require_subcommand(1);

  auto opts = std::make_shared<MergeOptions>();
  auto* merge = report->add_subcommand(
      "merge",
      "Join the reports of shards into one. Of `sisyphus run --shard I/N`: reads each "
      "DIR/results.json, writes results.json, junit.xml, summary.md and report.html and exits as "
      "the unsharded run would (1: a scenario failed; 2: a client could not start). Of "
      "`sisyphus compare --shard I/N`: reads each DIR/compare.json, needs every shard, writes "
      "compare.json, compare.md and compare.html, and exits 1 when a bound of the merged "
      "comparison fails or a trial ended in a harness error");
  merge->add_option("DIR", opts->inputs, "Report directories (or their JSON files) to join")
      ->required();
  merge->add_option("--out", opts->out, "Directory to write the merged report to")->required();
  merge->callback([opts, &exit_code] {
    try {
      exit_code = run_merge(*opts);
    } catch (const std::exception& e) {
      fmt::print(stderr, "sisyphus report merge: {}\n", e.what());
      exit_code = kExitUsage;
    }
  });
}

}  // namespace sisyphus::app
