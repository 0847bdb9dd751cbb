// What drop puts in the response plan: where the cut is, how it happens, how long a stall lasts.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sisyphus::proxy::test
