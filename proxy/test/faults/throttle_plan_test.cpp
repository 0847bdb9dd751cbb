// What throttle puts in the response plan: the rate under the time scale.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, ThrottleRateAndTimeScale) {
  EXPECT_EQ(plan_for("throttle: {rate: 1MiB/s}").rate, 1u << 20);
  EXPECT_EQ(plan_for("throttle: {rate: 500KB/s}").rate, 500'000u);
  // Half the time for the same bytes: twice the rate.
  EXPECT_EQ(plan_for("throttle: {rate: 1MiB/s}", 1000, 0.5).rate, 2u << 20);
  EXPECT_EQ(plan_for("throttle: {rate: 1000B/s}", 1000, 3.0).rate, 334u);
}

}  // namespace
}  // namespace sisyphus::proxy::test
