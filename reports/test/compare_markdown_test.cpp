#include <gtest/gtest.h>

#include "compare_sample.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

TEST(CompareMarkdown, TableBestMarksFailedBoundsAndWorstTrials) {
  EXPECT_EQ(
      to_compare_markdown(testing::small_compare()),
      "## sisyphus compare: 1 matrix, 2 strategies, 2 of 4 bounds failed\n"
      "\n"
      "sisyphus 0.1.0 · started 2026-01-02T03:04:05Z · time scale 1\n"
      "\n"
      "### small\n"
      "\n"
      "Restart against resume on a link that drops.\n"
      "\n"
      "scenario flaky (1.0 MiB) · 4 trials per strategy · seed 7\n"
      "\n"
      "| Strategy | ok | corrupt | failed | mean attempts | p95 attempts | p50 sent | p95 sent "
      "| mean wasted | p95 wasted | p50 duration | p95 duration |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
      "| restart | 3 | 1 | 0 | 2.75 | 5 | 2.0 MiB | 5.0 MiB | 2.0 MiB | 4.0 MiB | 0.50 s | "
      "2.50 s |\n"
      "| resume | **4** | **0** | 0 | **2** | **3** | **1.0 MiB** | **1.0 MiB** | **0 B** | "
      "**0 B** | 0.50 s | **1.00 s** |\n"
      "\n"
      "Bounds: 2 of 4 held.\n"
      "\n"
      "- **FAIL** restart: ok\\_rate: expected at least 1.0, got 0.75\n"
      "- **FAIL** restart: max\\_duration: expected at most 2s, got 2.5s\n"
      "\n"
      "Worst trial of each strategy:\n"
      "\n"
      "**restart** trial 2: corrupt, 2 attempts, 2.0 MiB wasted, 1.50 s\n"
      "\n"
      "```sh\n"
      "sisyphus compare matrices/small.yaml --filter restart --trial 2\n"
      "```\n"
      "\n"
      "**resume** trial 3: ok, 3 attempts, 0 B wasted, 1.00 s\n"
      "\n"
      "```sh\n"
      "sisyphus compare matrices/small.yaml --filter resume --trial 3\n"
      "```\n"
      "\n");
}

TEST(CompareMarkdown, ShardErrorsEscapingAndCellsWithoutTrials) {
  CompareResults r = testing::small_compare();
  r.shard = Shard{2, 3};
  auto& m = r.matrices[0];
  m.bounds.clear();
  m.name = "a|b";
  m.cells[0].strategy = "resume=range backoff.strategy=none";
  m.cells[0].trials = {testing::trial(1, Verdict::error, 0, 0, 0, 0.125)};
  m.cells[0].trials[0].error = "client could not start: *x*";
  m.cells[1].trials.clear();
  EXPECT_EQ(
      to_compare_markdown(r),
      "## sisyphus compare: 1 matrix, 2 strategies, no bounds, 1 harness error\n"
      "\n"
      "sisyphus 0.1.0 · started 2026-01-02T03:04:05Z · time scale 1 · shard 2/3 only (join "
      "the shards with `sisyphus report merge`)\n"
      "\n"
      "### a\\|b\n"
      "\n"
      "Restart against resume on a link that drops.\n"
      "\n"
      "scenario flaky (1.0 MiB) · 4 trials per strategy · seed 7\n"
      "\n"
      "| Strategy | ok | corrupt | failed | mean attempts | p95 attempts | p50 sent | p95 sent "
      "| mean wasted | p95 wasted | p50 duration | p95 duration |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
      "| resume=range backoff.strategy=none | 0 | 0 | 1 | 0 | 0 | 0 B | 0 B | 0 B | 0 B | "
      "0.12 s | 0.12 s |\n"
      "| resume | – | – | – | – | – | – | – | – | – | – | – |\n"
      "\n"
      "Harness errors:\n"
      "\n"
      "- resume=range backoff.strategy=none trial 1: error, 0 attempts, 0 B wasted, 0.12 s — "
      "client could not start: \\*x\\*\n"
      "\n"
      "Worst trial of each strategy:\n"
      "\n"
      "**resume=range backoff.strategy=none** trial 1: error, 0 attempts, 0 B wasted, 0.12 s "
      "— client could not start: \\*x\\*\n"
      "\n"
      "```sh\n"
      "sisyphus compare matrices/small.yaml --filter restart --trial 1\n"
      "```\n"
      "\n"
      "**resume**: no trials\n"
      "\n");
}

}  // namespace
}  // namespace sisyphus::reports
