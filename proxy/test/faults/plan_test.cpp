// Faults of several kinds editing one plan: the earliest cut wins, every kind is listed.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

TEST(FaultPlan, EarliestCutWins) {
  const ResponsePlan p = plan_for("{drop: {at: 80%}, stall: {at: 20%}}");
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.offset, 200u);
  EXPECT_EQ(p.cut->how, CutHow::stall);
  EXPECT_EQ(p.applied, (std::vector<std::string>{"drop", "stall"}));
}

TEST(FaultPlan, SeveralFaultsInOneAttemptEditOnePlan) {
  const ResponsePlan p = plan_for(
      "{latency: {first_byte: 5ms}, throttle: {rate: 10KiB/s}, "
      "drop: {after: 100, how: reset}}");
  EXPECT_EQ(p.first_byte_delay, Duration{5ms});
  EXPECT_EQ(p.rate, 10240u);
  EXPECT_EQ(p.cut->at.offset, 100u);
  EXPECT_EQ(p.applied, (std::vector<std::string>{"latency", "throttle", "drop"}));
}

}  // namespace
}  // namespace sisyphus::proxy::test
