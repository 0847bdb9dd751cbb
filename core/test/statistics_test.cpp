#include "sisyphus/core/statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace sisyphus {
namespace {

TEST(Summarize, NearestRankPercentilesAreSamples) {
  std::vector<double> v(100);
  std::iota(v.begin(), v.end(), 1.0);  // 1..100, shuffled order must not matter
  std::reverse(v.begin(), v.end());
  const Distribution d = summarize(v);
  EXPECT_DOUBLE_EQ(d.mean, 50.5);
  EXPECT_EQ(d.p50, 50);
  EXPECT_EQ(d.p95, 95);
  EXPECT_EQ(d.p99, 99);
  EXPECT_EQ(d.max, 100);
}

TEST(Summarize, SmallSamplesRoundTheRankUp) {
  // ceil(0.95 * 20) = 19: the 19th smallest of 20, not the largest.
  std::vector<double> v(20);
  std::iota(v.begin(), v.end(), 1.0);
  EXPECT_EQ(summarize(v).p95, 19);
  EXPECT_EQ(summarize(v).p99, 20);
  EXPECT_EQ(summarize({7}).p50, 7);
  EXPECT_EQ(summarize({7}).p99, 7);
  EXPECT_EQ(summarize({3, 1}).p50, 1);
}

TEST(Summarize, NoSamplesIsAllZero) {
  EXPECT_EQ(summarize({}), Distribution{});
}

TEST(BoundKey, ReadsEveryNameItWrites) {
  ASSERT_EQ(bound_key_names().size(), 2u + 5u * 4u);
  for (const std::string& name : bound_key_names()) {
    const auto key = parse_bound_key(name);
    ASSERT_TRUE(key) << name;
    EXPECT_EQ(to_string(*key), name);
  }
  const auto p95 = parse_bound_key("p95_wasted_bytes");
  ASSERT_TRUE(p95);
  EXPECT_EQ(p95->kind, BoundKey::Kind::statistic);
  EXPECT_EQ(p95->statistic, Statistic::p95);
  EXPECT_EQ(p95->metric, TrialMetric::wasted_bytes);
  EXPECT_FALSE(p95->at_least());
  EXPECT_TRUE(parse_bound_key("ok_rate")->at_least());
  EXPECT_FALSE(parse_bound_key("p95_bytes_wasted"));
  EXPECT_FALSE(parse_bound_key("p90_attempts"));
  EXPECT_FALSE(parse_bound_key(""));
}

}  // namespace
}  // namespace sisyphus
