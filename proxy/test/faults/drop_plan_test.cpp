// What drop puts in the response plan: where the cut is, how it happens, how long a stall lasts.
#include <gtest/gtest.h>

#include <cmath>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

TEST(FaultPlan, DropAtPercentClose) {
  const ResponsePlan p = plan_for("drop: {at: 95%, how: close}", 2000);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::resource);
  EXPECT_EQ(p.cut->at.offset, 1900u);
  EXPECT_EQ(p.cut->how, CutHow::close);
  EXPECT_EQ(p.cut->stall_for, Duration{0});
  EXPECT_EQ(p.cut->fault, "drop");
  EXPECT_EQ(p.applied, std::vector<std::string>{"drop"});
}

TEST(FaultPlan, DropHowDefaultsToClose) {
  const ResponsePlan p = plan_for("drop: {at: 4KiB}", 1 << 20);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.offset, 4096u);
  EXPECT_EQ(p.cut->how, CutHow::close);
}

TEST(FaultPlan, DropAfterReset) {
  const ResponsePlan p = plan_for("drop: {after: 1MiB, how: reset}", 8 << 20);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::response);
  EXPECT_EQ(p.cut->at.offset, 1u << 20);
  EXPECT_EQ(p.cut->how, CutHow::reset);
}

TEST(FaultPlan, DropStallDefaultsToThirtySecondsAndIsTimeScaled) {
  const ResponsePlan p = plan_for("drop: {at: 1000, how: stall}");
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->how, CutHow::stall);
  EXPECT_EQ(p.cut->stall_for, Duration{30s});
  const ResponsePlan scaled = plan_for("drop: {at: 10, how: stall, for: 2s}", 1000, 0.1);
  EXPECT_EQ(scaled.cut->stall_for, Duration{200ms});
}

// docs/faults.md, "Memoryless links": X = floor(-M * ln(1 - U)), U the stream's first
// uniform01() (an `attempts:` entry draws no probability).
std::uint64_t documented_draw(std::uint64_t rng_seed, double mean) {
  Rng rng(rng_seed);
  return static_cast<std::uint64_t>(std::floor(-mean * std::log1p(-rng.uniform01())));
}

TEST(FaultPlan, DropAfterMeanCutsAtTheDocumentedDraw) {
  const ResponsePlan p = plan_for("drop: {after: {mean: 4MiB}, how: reset}", 8 << 20, 1.0, 7);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::response);
  EXPECT_EQ(p.cut->at.offset, documented_draw(7, 4 << 20));
  EXPECT_EQ(p.cut->how, CutHow::reset);
  EXPECT_FALSE(p.timed_cut);
  // Other streams, other draws.
  EXPECT_EQ(plan_for("drop: {after: {mean: 4MiB}}", 8 << 20, 1.0, 8).cut->at.offset,
            documented_draw(8, 4 << 20));
  EXPECT_NE(documented_draw(7, 4 << 20), documented_draw(8, 4 << 20));
  // A percentage is of the resource, rounded down, before the draw.
  EXPECT_EQ(plan_for("drop: {after: {mean: 50%}}", 2001, 1.0, 7).cut->at.offset,
            documented_draw(7, 1000));
  // stall takes the same random offset.
  EXPECT_EQ(plan_for("stall: {after: {mean: 1000}}", 8 << 20, 1.0, 7).cut->at.offset,
            documented_draw(7, 1000));
}

TEST(FaultPlan, DropAfterTimeIsATimedCutScaledLikeEveryDuration) {
  const ResponsePlan p = plan_for("drop: {after_time: 2s, how: reset}", 1000, 0.5);
  EXPECT_FALSE(p.cut);
  ASSERT_TRUE(p.timed_cut);
  EXPECT_EQ(p.timed_cut->after, Duration{1s});
  EXPECT_EQ(p.timed_cut->how, CutHow::reset);
  EXPECT_EQ(p.timed_cut->fault, "drop");
  EXPECT_EQ(p.applied, std::vector<std::string>{"drop"});

  const ResponsePlan stall = plan_for("drop: {after_time: 1s, how: stall, for: 4s}", 1000, 0.25);
  EXPECT_EQ(stall.timed_cut->stall_for, Duration{1s});

  // The mean: whole microseconds drawn from the unscaled mean, then scaled.
  const ResponsePlan drawn = plan_for("drop: {after_time: {mean: 5s}}", 1000, 0.1, 7);
  ASSERT_TRUE(drawn.timed_cut);
  const auto us = static_cast<Duration::rep>(documented_draw(7, 5e6));
  EXPECT_EQ(drawn.timed_cut->after, TimeScale(0.1)(Duration{us}));
}

TEST(FaultPlan, DropTakesExactlyOneOfAtAfterAndAfterTime) {
  EXPECT_EQ(load_error(with_attempt("drop: {after: 10, after_time: 1s}")),
            "t.yaml:6:35: give one of 'at', 'after' and 'after_time', not two");
  EXPECT_EQ(load_error(with_attempt("drop: {at: 10, after_time: 1s}")),
            "t.yaml:6:32: give one of 'at', 'after' and 'after_time', not two");
  EXPECT_EQ(load_error(with_attempt("drop: {at: {mean: 10}}")),
            "t.yaml:6:16: 'at' takes a fixed value, not {mean: …} (in drop only 'after', "
            "'after_time' can be)");
  EXPECT_EQ(load_error(with_attempt("drop: {after: {mean: 1MiB}, how: stall, for: 1s}")), "");
}

// A fixed-seed sample: 10,000 draws of `after: {mean: M}`, each from its own stream. The
// sample mean of an exponential has standard deviation M / sqrt(n) = M / 100, and P(X >= M) =
// e^-1 with standard deviation sqrt(p (1 - p) / n) < 0.0049; the bands are 3 of them (the seed
// is fixed, so the test is deterministic: it checks the draw is exponential with mean M).
TEST(FaultPlan, DropAfterMeanDrawsHaveTheMeanAndTailOfAnExponential) {
  constexpr double kMean = 1 << 20;
  constexpr int kDraws = 10000;
  const model::Scenario s = load(with_attempt("drop: {after: {mean: 1MiB}}"));
  const auto fault = FaultRegistry::instance().build(s.attempts.at(0).faults.at(0), s);
  const RequestContext ctx{"GET", "/file", 1, 64u << 20, false, TimeScale(1.0)};
  double sum = 0;
  int beyond_mean = 0;
  for (int i = 0; i < kDraws; ++i) {
    ResponsePlan plan;
    Rng rng(derive_seed(2026, std::to_string(i)));
    fault->apply(plan, ctx, rng);
    const auto x = static_cast<double>(plan.cut->at.offset);
    sum += x;
    if (x >= kMean) ++beyond_mean;
  }
  EXPECT_NEAR(sum / kDraws / kMean, 1.0, 0.03);
  EXPECT_NEAR(static_cast<double>(beyond_mean) / kDraws, std::exp(-1.0), 0.0147);
}

}  // namespace
}  // namespace sisyphus::proxy::test
