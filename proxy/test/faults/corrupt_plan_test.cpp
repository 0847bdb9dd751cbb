// What corrupt puts in the response plan: which bytes flip, with seeded masks.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, CorruptFlipsConsecutiveBytesWithNonZeroMasks) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const ResponsePlan p = plan_for("corrupt: {at: 50%, bytes: 16}", 1000, 1.0, seed);
    ASSERT_EQ(p.corruptions.size(), 16u);
    for (std::size_t i = 0; i < 16; ++i) {
      EXPECT_EQ(p.corruptions[i].resource_offset, 500 + i);
      EXPECT_NE(p.corruptions[i].mask, 0);
    }
  }
  const ResponsePlan one = plan_for("corrupt: {at: 10MiB}", 64 << 20);
  ASSERT_EQ(one.corruptions.size(), 1u);
  EXPECT_EQ(one.corruptions[0].resource_offset, 10u << 20);
  EXPECT_EQ(one.applied, std::vector<std::string>{"corrupt"});
}

TEST(FaultPlan, CorruptMasksFollowTheSeed) {
  auto masks = [](std::uint64_t seed) {
    std::vector<int> out;
    for (const auto& c : plan_for("corrupt: {at: 0, bytes: 8}", 1000, 1.0, seed).corruptions) {
      out.push_back(c.mask);
    }
    return out;
  };
  EXPECT_EQ(masks(1), masks(1));
  EXPECT_NE(masks(1), masks(2));
}

TEST(FaultPlan, CorruptStopsAtTheEndOfTheResource) {
  const ResponsePlan p = plan_for("corrupt: {at: 998, bytes: 5}", 1000);
  ASSERT_EQ(p.corruptions.size(), 2u);
  EXPECT_EQ(p.corruptions[1].resource_offset, 999u);
  EXPECT_TRUE(plan_for("corrupt: {at: 100%}", 1000).corruptions.empty());
}

}  // namespace
}  // namespace sisyphus::proxy::test
