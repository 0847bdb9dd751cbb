// Each expectation as a reports::Expectation, with the text the reports show.
#include "sisyphus/runner/expectations.hpp"

#include <gtest/gtest.h>

namespace sisyphus::runner {
namespace {

using reports::Expectation;
using reports::Verdict;
using namespace std::chrono_literals;

constexpr Duration kDeadline = 30s;

reports::ScenarioResult measured() {
  reports::ScenarioResult m;
  m.verdict = Verdict::ok;
  m.attempts = 3;
  m.bytes_wasted = 1000;
  m.size = 4000;
  m.duration_s = 1.5;
  return m;
}

TEST(Expectations, VerdictDefaultsToOk) {
  const auto e = check_expectations({}, measured(), kDeadline, TimeScale(1.0));
  EXPECT_EQ(e, (std::vector<Expectation>{{"verdict", "ok", "ok", true}}));
  reports::ScenarioResult m = measured();
  m.verdict = Verdict::corrupt;
  EXPECT_EQ(check_expectations({}, m, kDeadline, TimeScale(1.0)),
            (std::vector<Expectation>{{"verdict", "ok", "corrupt", false}}));
}

TEST(Expectations, EveryKindInOrder) {
  model::Expectations x;
  x.verdict = "failed-clean";
  x.max_attempts = 3;
  x.min_attempts = 4;
  x.max_wasted_bytes = SizeSpec::percent(25);
  x.max_duration = 2s;
  const auto e = check_expectations(x, measured(), kDeadline, TimeScale(1.0));
  EXPECT_EQ(e, (std::vector<Expectation>{
                   {"verdict", "failed-clean", "ok", false},
                   {"max_attempts", "3", "3", true},
                   {"min_attempts", "4", "3", false},
                   {"max_wasted_bytes", "25% (1000 bytes)", "1000 bytes", true},
                   {"max_duration", "2s", "1.500s", true},
               }));
}

TEST(Expectations, WastedBytesLimitInBytes) {
  model::Expectations x;
  x.max_wasted_bytes = SizeSpec::bytes(999);
  const auto e = check_expectations(x, measured(), kDeadline, TimeScale(1.0));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].expected, SizeSpec::bytes(999).to_string());
  EXPECT_EQ(e[1].actual, "1000 bytes");
  EXPECT_FALSE(e[1].passed);
}

TEST(Expectations, MaxDurationIsTimeScaled) {
  model::Expectations x;
  x.max_duration = 10s;
  // 10 s x 0.1 = 1 s < 1.5 s measured.
  const auto e = check_expectations(x, measured(), kDeadline, TimeScale(0.1));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1], (Expectation{"max_duration", "10s x 0.1 = 1.000s", "1.500s", false}));
}

TEST(Expectations, AKilledClientFailsTheDeadline) {
  reports::ScenarioResult m = measured();
  m.timed_out = true;
  m.verdict = Verdict::failed_clean;
  model::Expectations x;
  x.verdict = "failed-clean";
  const auto e = check_expectations(x, m, kDeadline, TimeScale(1.0));
  EXPECT_EQ(e, (std::vector<Expectation>{
                   {"verdict", "failed-clean", "failed-clean", true},
                   {"deadline", "the client ends within 30.000s", "killed at the deadline", false},
               }));
}

}  // namespace
}  // namespace sisyphus::runner
