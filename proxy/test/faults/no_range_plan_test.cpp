// What no_range puts in the response plan: the response ignores Range.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, NoRange) {
  for (const char* entry : {"no_range: {}", "no_range:", "no_range: ~"}) {
    const ResponsePlan p = plan_for(entry);
    EXPECT_TRUE(p.ignore_range) << entry;
    EXPECT_EQ(p.applied, std::vector<std::string>{"no_range"});
  }
}

}  // namespace
}  // namespace sisyphus::proxy::test
