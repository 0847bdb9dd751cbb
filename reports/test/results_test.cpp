#include "sisyphus/reports/results.hpp"

#include <gtest/gtest.h>

#include "sample.hpp"
#include "sisyphus/core/error.hpp"

namespace sisyphus::reports {
namespace {

TEST(Verdict, NamesRoundTrip) {
  for (auto v : {Verdict::ok, Verdict::failed_clean, Verdict::failed_dirty, Verdict::corrupt,
                 Verdict::error}) {
    EXPECT_EQ(verdict_from_string(to_string(v)), v);
    EXPECT_EQ(parse_verdict(to_string(v)), v);
  }
  EXPECT_EQ(to_string(Verdict::failed_clean), "failed-clean");
  EXPECT_EQ(to_string(Verdict::failed_dirty), "failed-dirty");
  EXPECT_EQ(verdict_from_string("failed_clean"), std::nullopt);
  EXPECT_EQ(verdict_from_string("OK"), std::nullopt);
}

TEST(Verdict, BadNameNamesTextAndChoices) {
  try {
    parse_verdict("fine");
    FAIL() << "no throw";
  } catch (const ParseError& e) {
    EXPECT_STREQ(e.what(),
                 "bad verdict \"fine\": expected ok, failed-clean, failed-dirty, corrupt or error");
  }
}

TEST(CorruptionKind, NamesRoundTrip) {
  for (auto k : {CorruptionKind::mismatch, CorruptionKind::truncated, CorruptionKind::extended}) {
    EXPECT_EQ(corruption_kind_from_string(to_string(k)), k);
  }
  EXPECT_EQ(corruption_kind_from_string("spliced"), std::nullopt);
}

TEST(BytesWasted, OkChargesOnlyTheExcess) {
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 1000, 1000), 0u);
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 1950, 1000), 950u);
  // A restart from zero after a drop at 95 % of 2 GB wastes the 95 %.
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 2000000000ull + 1900000000ull, 2000000000ull),
            1900000000u);
}

TEST(BytesWasted, NotOkChargesEverything) {
  for (auto v : {Verdict::failed_clean, Verdict::failed_dirty, Verdict::corrupt, Verdict::error}) {
    EXPECT_EQ(compute_bytes_wasted(v, 1950, 1000), 1950u) << to_string(v);
    EXPECT_EQ(compute_bytes_wasted(v, 0, 1000), 0u) << to_string(v);
    EXPECT_EQ(compute_bytes_wasted(v, 500, 1000, 500), 500u) << to_string(v);
  }
}

TEST(BytesWasted, ReusablePrefillIsNotNeeded) {
  // Half the file was already at the output path: resuming sends exactly the other half.
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 500, 1000, 500), 0u);
  // Restarting from zero re-sends the half it had.
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 1000, 1000, 500), 500u);
  // Never below zero, never a wrap-around.
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 10, 1000), 0u);
  EXPECT_EQ(compute_bytes_wasted(Verdict::ok, 10, 1000, 5000), 10u);
}

TEST(Tally, CountsPassedFailedErrors) {
  const auto t = tally(testing::sample_results());
  EXPECT_EQ(t.total, 3u);
  EXPECT_EQ(t.passed, 1u);
  EXPECT_EQ(t.failed, 2u);
  EXPECT_EQ(t.errors, 1u);
  EXPECT_EQ(t.not_started, 1u);  // the sample's client could not start
}

TEST(Tally, ExitCodes) {
  RunResults r = testing::sample_results();
  EXPECT_EQ(exit_code(tally(r)), 2);  // a client that could not start: the run's input is bad
  r.scenarios.back().error = "cannot bind 127.0.0.1:0";  // another harness error: a failure
  EXPECT_EQ(exit_code(tally(r)), 1);
  r.scenarios = {testing::ok_scenario()};
  EXPECT_EQ(exit_code(tally(r)), 0);
  r.scenarios = {};
  EXPECT_EQ(exit_code(tally(r)), 0);
}

TEST(Expectations, AllPassed) {
  EXPECT_TRUE(all_expectations_passed({}));
  EXPECT_TRUE(all_expectations_passed({{"verdict", "ok", "ok", true}}));
  EXPECT_FALSE(
      all_expectations_passed({{"verdict", "ok", "ok", true}, {"max_attempts", "3", "4", false}}));
}

TEST(SortScenarios, ByNameThenClientLabel) {
  RunResults r;
  for (auto [name, label] :
       {std::pair{"b", "naive"}, {"a", "reference"}, {"b", "curl"}, {"a", "curl"}}) {
    ScenarioResult s;
    s.name = name;
    s.client.label = label;
    r.scenarios.push_back(s);
  }
  sort_scenarios(r);
  ASSERT_EQ(r.scenarios.size(), 4u);
  EXPECT_EQ(r.scenarios[0].name + "/" + r.scenarios[0].client.label, "a/curl");
  EXPECT_EQ(r.scenarios[1].name + "/" + r.scenarios[1].client.label, "a/reference");
  EXPECT_EQ(r.scenarios[2].name + "/" + r.scenarios[2].client.label, "b/curl");
  EXPECT_EQ(r.scenarios[3].name + "/" + r.scenarios[3].client.label, "b/naive");
}

TEST(Iso8601, UtcWholeSeconds) {
  using namespace std::chrono;
  const auto t =
      sys_days{year{2026} / 1 / 2} + hours{3} + minutes{4} + seconds{5} + milliseconds{999};
  EXPECT_EQ(iso8601_utc(time_point_cast<system_clock::duration>(t)), "2026-01-02T03:04:05Z");
  EXPECT_EQ(iso8601_utc(system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace sisyphus::reports
