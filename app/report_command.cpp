// `sisyphus report merge DIR... --out DIR`: join the report directories of shards
// (`sisyphus run --shard I/N --out DIR`) into one report with all four files.
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "sisyphus/reports/console.hpp"
#include "sisyphus/reports/json.hpp"
#include "sisyphus/reports/report.hpp"

namespace sisyphus::app {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string out;
};

int run_merge(const MergeOptions& opts) {
  std::vector<reports::RunResults> shards;
  for (const auto& dir : opts.inputs) shards.push_back(reports::read_results(dir));
  const reports::RunResults merged = reports::merge(std::move(shards));
  reports::write_all(merged, opts.out);
  std::fputs(reports::format_console_table(merged, reports::use_color(stdout)).c_str(), stdout);
  fmt::print("merged {} scenarios from {} result sets into {}\n", merged.scenarios.size(),
             opts.inputs.size(), opts.out);
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& root, int& exit_code) {
  auto* report = root.add_subcommand("report", "Work with report directories");
  report->require_subcommand(1);

  auto opts = std::make_shared<MergeOptions>();
  auto* merge = report->add_subcommand(
      "merge",
      "Join the reports of shards (sisyphus run --shard I/N --out DIR) into one: reads each "
      "DIR/results.json and writes results.json, junit.xml, summary.md and report.html");
  merge->add_option("DIR", opts->inputs, "Report directories (or results.json files) to join")
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
