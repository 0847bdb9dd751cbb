// What stall puts in the response plan: a cut that holds the connection open and silent.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

TEST(FaultPlan, StallAtPercent) {
  const ResponsePlan p = plan_for("stall: {at: 50%, for: 300ms}", 999);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::resource);
  EXPECT_EQ(p.cut->at.offset, 499u);  // percentages round down
  EXPECT_EQ(p.cut->how, CutHow::stall);
  EXPECT_EQ(p.cut->stall_for, Duration{300ms});
  EXPECT_EQ(p.cut->fault, "stall");
  EXPECT_EQ(plan_for("stall: {after: 10}").cut->stall_for, Duration{30s});
}

}  // namespace
}  // namespace sisyphus::proxy::test
