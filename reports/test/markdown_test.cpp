#include "sisyphus/reports/markdown.hpp"

#include <gtest/gtest.h>

#include "sample.hpp"

namespace sisyphus::reports {
namespace {

TEST(Markdown, WholeSummaryOfTheSample) {
  EXPECT_EQ(to_markdown(testing::sample_results()),
            "## sisyphus: 1 passed, 2 failed (1 harness error) of 3 scenarios\n"
            "\n"
            "Client reference · seed 42 · sisyphus 0.1.0 · started 2026-01-02T03:04:05Z\n"
            "\n"
            "| Scenario | Client | Verdict | Attempts | Bytes sent | Wasted | Duration |\n"
            "|---|---|---|---:|---:|---:|---:|\n"
            "| drop-at-95-percent | reference | ok | 3 | 1.0 MiB | 0 B | 0.25 s |\n"
            "| etag-change | naive | **FAIL** corrupt | 2 | 4.0 KiB | 4.0 KiB (100.0%) | 1.50 s |\n"
            "| no-such-client | command: ./missing {url} {output} | **FAIL** error | 0 | 0 B | 0 B "
            "| 0.00 s |\n"
            "\n"
            "### Failed scenarios\n"
            "\n"
            "#### etag-change (naive): **FAIL** corrupt\n"
            "\n"
            "The resource changes between attempts &lt;v1&gt; &amp; \"v2\".\n"
            "\n"
            "- verdict: expected ok, got corrupt\n"
            "- corruption: mismatch from byte 2048, 2040 bad bytes in 2 ranges: 2048-4000, "
            "4090-4095\n"
            "\n"
            "Replay:\n"
            "\n"
            "```sh\n"
            "sisyphus run etag-change.yaml --client naive --seed 7\n"
            "```\n"
            "\n"
            "#### no-such-client (command: ./missing {url} {output}): **FAIL** error\n"
            "\n"
            "- verdict: expected ok, got error\n"
            "- error: client could not start (exit 127): sh: 1: ./missing: not found\n"
            "\n"
            "Replay:\n"
            "\n"
            "```sh\n"
            "sisyphus run x.yaml --client 'command: ./missing {url} {output}' --seed 1\n"
            "```\n");
}

TEST(Markdown, AllPassedHasNoFailureSection) {
  RunResults r = testing::sample_results();
  r.seed.reset();
  r.scenarios = {testing::ok_scenario()};
  EXPECT_EQ(to_markdown(r),
            "## sisyphus: 1 passed, 0 failed of 1 scenario\n"
            "\n"
            "Client reference · seed per scenario · sisyphus 0.1.0 · started "
            "2026-01-02T03:04:05Z\n"
            "\n"
            "| Scenario | Client | Verdict | Attempts | Bytes sent | Wasted | Duration |\n"
            "|---|---|---|---:|---:|---:|---:|\n"
            "| drop-at-95-percent | reference | ok | 3 | 1.0 MiB | 0 B | 0.25 s |\n"
            "\n");
}

TEST(Markdown, CellsCannotBreakTheTable) {
  RunResults r;
  ScenarioResult s = testing::ok_scenario();
  s.client = {"command", "a|b *c* _d_ `e` [f](g) <h> & \\ #\nnext"};
  s.timed_out = true;
  s.passed = true;
  r.scenarios = {s};
  const std::string md = to_markdown(r);
  EXPECT_NE(md.find("| drop-at-95-percent | a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h&gt; "
                    "&amp; \\\\ \\# next | ok, timed out | 3 | 1.0 MiB | 0 B | 0.25 s |\n"),
            std::string::npos)
      << md;
}

TEST(Markdown, ReplayFenceOutgrowsBackticksInTheCommand) {
  RunResults r;
  ScenarioResult s = testing::corrupt_scenario();
  s.replay = "sisyphus run x.yaml --client 'command: sh -c \"```` {url}\"'";
  r.scenarios = {s};
  const std::string md = to_markdown(r);
  EXPECT_NE(md.find("\n`````sh\nsisyphus run x.yaml --client 'command: sh -c \"```` {url}\"'\n"
                    "`````\n"),
            std::string::npos)
      << md;
}

}  // namespace
}  // namespace sisyphus::reports
