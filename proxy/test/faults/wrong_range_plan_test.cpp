// What wrong_range puts in the response plan: the shift of a 206 body.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, WrongRangeShift) {
  EXPECT_EQ(plan_for("wrong_range: {shift: 1KiB}").range_shift, 1024);
  EXPECT_EQ(plan_for("wrong_range: {shift: -1KiB}").range_shift, -1024);
  EXPECT_EQ(plan_for("wrong_range: {shift: 7}").applied, std::vector<std::string>{"wrong_range"});
}

}  // namespace
}  // namespace sisyphus::proxy::test
