// What chunked_cut puts in the response plan: a chunked body without its last chunk.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, ChunkedCut) {
  const ResponsePlan p = plan_for("chunked_cut: {}");
  EXPECT_TRUE(p.chunked);
  EXPECT_TRUE(p.chunked_cut);
  EXPECT_EQ(p.applied, std::vector<std::string>{"chunked_cut"});
}

}  // namespace
}  // namespace sisyphus::proxy::test
