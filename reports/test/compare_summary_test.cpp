#include <gtest/gtest.h>

#include "compare_sample.hpp"
#include "compare_text.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

constexpr double kMiB = 1 << 20;

TEST(CompareSummary, NearestRankStatisticsOfEachMetric) {
  const auto r = testing::small_compare();
  const CellSummary s = summarize(r.matrices[0].cells[0]);
  EXPECT_EQ(s.verdicts, (VerdictCounts{3, 1, 0, 0, 0}));
  // attempts 3, 1, 2, 5: p50 is the 2nd smallest, p95 and p99 the 4th.
  EXPECT_EQ(s.attempts, (Distribution{2.75, 2, 5, 5, 5}));
  EXPECT_EQ(s.bytes_sent, (Distribution{2.75 * kMiB, 2 * kMiB, 5 * kMiB, 5 * kMiB, 5 * kMiB}));
  EXPECT_EQ(s.bytes_wasted, (Distribution{2 * kMiB, 2 * kMiB, 4 * kMiB, 4 * kMiB, 4 * kMiB}));
  EXPECT_EQ(s.duration_s, (Distribution{1.1875, 0.5, 2.5, 2.5, 2.5}));
  EXPECT_EQ(s.requests, 11u);
  EXPECT_EQ(s.ok_rate, 0.75);
  EXPECT_EQ(s.corrupt_rate, 0.25);
}

TEST(CompareSummary, EmptyCellIsAllZero) {
  const CellSummary s = summarize(Cell{});
  EXPECT_EQ(s.verdicts.total(), 0u);
  EXPECT_EQ(s.attempts, Distribution{});
  EXPECT_EQ(s.ok_rate, 0);
  EXPECT_EQ(worst_trial(Cell{}), std::nullopt);
}

TEST(CompareSummary, WorstTrialByVerdictThenWasteThenAttemptsThenLowestNumber) {
  Cell c = testing::cell("s", "s",
                         {testing::trial(0, Verdict::ok, 9, 9, 8, 1),
                          testing::trial(1, Verdict::failed_clean, 1, 1, 1, 1),
                          testing::trial(2, Verdict::error, 0, 0, 0, 1)});
  EXPECT_EQ(worst_trial(c)->trial, 2u);  // error is worse than failed-clean and ok
  c.trials.push_back(testing::trial(3, Verdict::failed_dirty, 1, 1, 1, 1));
  c.trials.push_back(testing::trial(4, Verdict::failed_dirty, 2, 5, 5, 1));
  c.trials.push_back(testing::trial(5, Verdict::failed_dirty, 3, 5, 5, 1));
  EXPECT_EQ(worst_trial(c)->trial, 5u);  // most wasted (5), then most attempts (3)
  c.trials.push_back(testing::trial(6, Verdict::corrupt, 1, 1, 1, 1));
  c.trials.push_back(testing::trial(7, Verdict::corrupt, 1, 1, 1, 1));
  EXPECT_EQ(worst_trial(c)->trial, 6u);  // corrupt first; a full tie: the lowest number
}

TEST(CompareSummary, BoundsInBoundOrderThenCellOrderRenderedAsWritten) {
  const auto m = testing::small_compare().matrices[0];
  const std::vector<BoundResult> want{
      {"restart", "ok_rate", "1.0", "0.75", false},
      {"resume", "ok_rate", "1.0", "1", true},
      {"resume", "p95_wasted_bytes", "0", "0B", true},
      {"restart", "max_duration", "2s", "2.5s", false},
  };
  EXPECT_EQ(check_bounds(m), want);
  EXPECT_FALSE(passed(testing::small_compare()));
}

TEST(CompareSummary, PassedNeedsEveryBoundAndNoHarnessError) {
  auto r = testing::small_compare();
  auto& m = r.matrices[0];
  m.bounds = {testing::bound("resume", "p95_wasted_bytes", 0, "0")};
  EXPECT_TRUE(passed(r));
  m.cells[1].trials[2].verdict = Verdict::error;
  EXPECT_FALSE(passed(r));
  m.cells[1].trials[2].verdict = Verdict::ok;
  // A bound on a cell without trials fails: nothing shows it holds.
  m.cells[1].trials.clear();
  EXPECT_EQ(check_bounds(m),
            (std::vector<BoundResult>{{"resume", "p95_wasted_bytes", "0", "no trials", false}}));
  EXPECT_FALSE(passed(r));
}

TEST(CompareSummary, ABoundOnAStrategyNotRunIsNotJudged) {
  auto m = testing::small_compare().matrices[0];
  m.bounds = {testing::bound("curl", "ok_rate", 1, "1")};
  EXPECT_TRUE(check_bounds(m).empty());
}

TEST(CompareSummary, BoundValuesSpelledLikeTheirMetric) {
  const auto key = [](std::string_view k) { return *parse_bound_key(k); };
  EXPECT_EQ(compare_text::bound_value(key("ok_rate"), 199.0 / 200), "0.995");
  EXPECT_EQ(compare_text::bound_value(key("corrupt_rate"), 2.0 / 3), "0.6667");
  EXPECT_EQ(compare_text::bound_value(key("mean_attempts"), 7.389), "7.39");
  EXPECT_EQ(compare_text::bound_value(key("p99_attempts"), 31), "31");
  EXPECT_EQ(compare_text::bound_value(key("p95_wasted_bytes"), 4 * kMiB), "4MiB");
  EXPECT_EQ(compare_text::bound_value(key("max_bytes_sent"), 1234567), "1234567B");
  EXPECT_EQ(compare_text::bound_value(key("mean_wasted_bytes"), 1000.25), "1000.2B");
  EXPECT_EQ(compare_text::bound_value(key("p50_duration"), 1.23456), "1.235s");
  EXPECT_EQ(compare_text::bound_value(key("max_duration"), 10), "10s");
}

TEST(CompareSummary, ShardRuleIsTrialModuloCountPlusOne) {
  const Shard two_of_three{2, 3};
  std::vector<std::uint32_t> in;
  for (std::uint32_t t = 0; t < 10; ++t) {
    if (two_of_three.contains(t)) in.push_back(t);
  }
  EXPECT_EQ(in, (std::vector<std::uint32_t>{1, 4, 7}));
  EXPECT_TRUE((Shard{1, 1}.contains(12345)));
}

}  // namespace
}  // namespace sisyphus::reports
