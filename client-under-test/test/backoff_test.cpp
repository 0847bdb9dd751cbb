#include "sisyphus/client/backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sisyphus::client {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

BackoffOptions opts(BackoffStrategy s, std::uint64_t seed = 42, Duration base = milliseconds(100),
                    Duration cap = seconds(2)) {
  return BackoffOptions{s, base, cap, seed};
}

std::vector<std::int64_t> draw(BackoffOptions o, int n) {
  Backoff b(o);
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(b.next().count());
  return out;
}

// The sequences below come from an independent implementation (Python) of Rng
// (xoshiro256** seeded by splitmix64, derive_seed(seed, "backoff"), Lemire bounded draws)
// and of the AWS Architecture Blog formulas, so that a seed in a report replays exactly.
TEST(Backoff, PinnedSequencesForSeed42) {
  EXPECT_EQ(draw(opts(BackoffStrategy::exponential), 8),
            (std::vector<std::int64_t>{100000, 200000, 400000, 800000, 1600000, 2000000, 2000000,
                                       2000000}));
  EXPECT_EQ(
      draw(opts(BackoffStrategy::full_jitter), 8),
      (std::vector<std::int64_t>{80033, 168137, 269020, 784965, 1312427, 170757, 469954, 999554}));
  EXPECT_EQ(draw(opts(BackoffStrategy::equal_jitter), 8),
            (std::vector<std::int64_t>{90017, 184069, 334510, 792483, 1456214, 1085378, 1234977,
                                       1499777}));
  EXPECT_EQ(draw(opts(BackoffStrategy::decorrelated_jitter), 8),
            (std::vector<std::int64_t>{260066, 671833, 1388270, 2000000, 2000000, 603735, 502094,
                                       802827}));
  EXPECT_EQ(
      draw(opts(BackoffStrategy::full_jitter, 7), 8),
      (std::vector<std::int64_t>{95583, 124462, 327541, 794483, 1370230, 882236, 931188, 1384329}));
}

TEST(Backoff, NoneIsAlwaysZeroAndConstantIsBase) {
  EXPECT_EQ(draw(opts(BackoffStrategy::none), 5), (std::vector<std::int64_t>(5, 0)));
  EXPECT_EQ(draw(opts(BackoffStrategy::constant), 5), (std::vector<std::int64_t>(5, 100000)));
  // The cap bounds a constant base too.
  EXPECT_EQ(draw(opts(BackoffStrategy::constant, 1, seconds(5), seconds(1)), 3),
            (std::vector<std::int64_t>(3, 1000000)));
}

TEST(Backoff, SameSeedSameSequenceOtherSeedOtherSequence) {
  for (auto s : {BackoffStrategy::full_jitter, BackoffStrategy::equal_jitter,
                 BackoffStrategy::decorrelated_jitter}) {
    EXPECT_EQ(draw(opts(s, 1234), 100), draw(opts(s, 1234), 100)) << to_string(s);
    EXPECT_NE(draw(opts(s, 1234), 100), draw(opts(s, 1235), 100)) << to_string(s);
  }
}

TEST(Backoff, FullJitterStaysWithinZeroAndTheExponential) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Backoff b(opts(BackoffStrategy::full_jitter, seed));
    std::int64_t ceiling = 100000;
    for (int n = 0; n < 12; ++n) {
      auto d = b.next().count();
      EXPECT_GE(d, 0);
      EXPECT_LE(d, ceiling);
      ceiling = std::min<std::int64_t>(ceiling * 2, 2000000);
    }
  }
}

TEST(Backoff, EqualJitterStaysWithinHalfAndWholeExponential) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Backoff b(opts(BackoffStrategy::equal_jitter, seed));
    std::int64_t t = 100000;
    for (int n = 0; n < 12; ++n) {
      auto d = b.next().count();
      EXPECT_GE(d, t / 2);
      EXPECT_LE(d, t);
      t = std::min<std::int64_t>(t * 2, 2000000);
    }
  }
}

TEST(Backoff, DecorrelatedJitterStaysWithinBaseAndCapAndThreeTimesThePrevious) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Backoff b(opts(BackoffStrategy::decorrelated_jitter, seed));
    std::int64_t previous = 100000;
    for (int n = 0; n < 20; ++n) {
      auto d = b.next().count();
      EXPECT_GE(d, 100000);
      EXPECT_LE(d, 2000000);
      EXPECT_LE(d, previous * 3);
      previous = d;
    }
  }
}

TEST(Backoff, JitterUsesTheWholeRange) {
  // Over many seeds the first full-jitter draw covers both ends of [0, base].
  std::int64_t lo = 100000, hi = 0;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    auto d = draw(opts(BackoffStrategy::full_jitter, seed), 1)[0];
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 1000);
  EXPECT_GT(hi, 99000);
}

TEST(Backoff, ExponentialSaturatesAtTheCapWithoutOverflow) {
  Backoff b(opts(BackoffStrategy::exponential, 0, seconds(1), seconds(30)));
  Duration last{0};
  for (int i = 0; i < 5000; ++i) last = b.next();
  EXPECT_EQ(last, seconds(30));
  EXPECT_EQ(b.failures(), 5000u);
  // A cap below the base: every delay is the cap.
  EXPECT_EQ(draw(opts(BackoffStrategy::exponential, 0, seconds(3), seconds(1)), 3),
            (std::vector<std::int64_t>(3, 1000000)));
}

TEST(Backoff, ResetStartsTheExponentialOverButDoesNotReplayJitter) {
  Backoff e(opts(BackoffStrategy::exponential));
  e.next();
  e.next();
  e.next();
  e.reset();
  EXPECT_EQ(e.failures(), 0u);
  EXPECT_EQ(e.next(), milliseconds(100));

  Backoff f(opts(BackoffStrategy::full_jitter));
  auto first = f.next();
  f.reset();
  auto after_reset = f.next();
  EXPECT_EQ(first, microseconds(80033));
  EXPECT_NE(after_reset, first);  // the second draw of the stream, not the first again
  EXPECT_LE(after_reset, milliseconds(100));
}

TEST(Backoff, ZeroBaseGivesZeroDelays) {
  for (auto s : {BackoffStrategy::exponential, BackoffStrategy::full_jitter,
                 BackoffStrategy::equal_jitter, BackoffStrategy::decorrelated_jitter}) {
    EXPECT_EQ(draw(opts(s, 3, Duration{0}, seconds(1)), 4), (std::vector<std::int64_t>(4, 0)))
        << to_string(s);
  }
}

TEST(BackoffOptions, ParsesAndPrintsEveryStrategyAndPolicy) {
  for (auto s : {BackoffStrategy::none, BackoffStrategy::constant, BackoffStrategy::exponential,
                 BackoffStrategy::full_jitter, BackoffStrategy::equal_jitter,
                 BackoffStrategy::decorrelated_jitter}) {
    EXPECT_EQ(parse_backoff_strategy(to_string(s)), s);
  }
  EXPECT_EQ(to_string(BackoffStrategy::decorrelated_jitter), "decorrelated-jitter");
  for (auto p : {ResumePolicy::if_range, ResumePolicy::range, ResumePolicy::restart}) {
    EXPECT_EQ(parse_resume_policy(to_string(p)), p);
  }
  try {
    parse_backoff_strategy("fibonacci");
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_STREQ(e.what(),
                 "invalid backoff strategy 'fibonacci': expected one of none | constant | "
                 "exponential | full-jitter | equal-jitter | decorrelated-jitter");
  }
  EXPECT_THROW(parse_resume_policy("If-Range"), ParseError);
}

}  // namespace
}  // namespace sisyphus::client
