// What the faults that cut inside the response head (empty_reply, head_cut, endless_head,
// garbage) put in the response plan, and what their parsers refuse.
#include <gtest/gtest.h>

#include <limits>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;
constexpr std::uint64_t kWholeHead = std::numeric_limits<std::uint64_t>::max();

TEST(FaultPlan, EmptyReplyCutsBeforeTheFirstByte) {
  const ResponsePlan p = plan_for("empty_reply: {}");
  ASSERT_TRUE(p.head_cut);
  EXPECT_EQ(p.head_cut->at, 0u);
  EXPECT_EQ(p.head_cut->how, CutHow::close);
  EXPECT_EQ(p.head_cut->fault, "empty_reply");
  EXPECT_EQ(p.applied, std::vector<std::string>{"empty_reply"});
  EXPECT_EQ(plan_for("empty_reply: {how: reset}").head_cut->how, CutHow::reset);
}

TEST(FaultPlan, HeadCutAtAnExactByte) {
  const ResponsePlan p = plan_for("head_cut: {at: 40, how: reset}");
  ASSERT_TRUE(p.head_cut);
  EXPECT_EQ(p.head_cut->at, 40u);
  EXPECT_EQ(p.head_cut->how, CutHow::reset);
  EXPECT_EQ(p.head_cut->fault, "head_cut");
  EXPECT_TRUE(p.head_replacement.empty());
  EXPECT_FALSE(p.cut);
}

TEST(FaultPlan, EndlessHeadStallsForItsTimeScaledDuration) {
  const ResponsePlan p = plan_for("endless_head: {}");
  ASSERT_TRUE(p.head_cut);
  EXPECT_EQ(p.head_cut->at, kWholeHead);
  EXPECT_EQ(p.head_cut->how, CutHow::stall);
  EXPECT_EQ(p.head_cut->stall_for, Duration{30s});
  EXPECT_EQ(plan_for("endless_head: {for: 2s}", 1000, 0.1).head_cut->stall_for, Duration{200ms});
}

TEST(FaultPlan, GarbageIsSeededRandomBytesInsteadOfTheHead) {
  const ResponsePlan p = plan_for("garbage: {bytes: 100}", 1000, 1.0, 5);
  ASSERT_TRUE(p.head_cut);
  EXPECT_EQ(p.head_cut->at, kWholeHead);
  EXPECT_EQ(p.head_cut->how, CutHow::close);
  EXPECT_EQ(p.head_cut->fault, "garbage");
  // One draw a byte, its low 8 bits, from the fault's stream.
  Rng rng(5);
  std::string expected;
  for (int i = 0; i < 100; ++i) expected.push_back(static_cast<char>(rng.next() & 0xff));
  EXPECT_EQ(p.head_replacement, expected);
  EXPECT_EQ(plan_for("garbage: {}").head_replacement.size(), 64u);
  EXPECT_NE(plan_for("garbage: {}", 1000, 1.0, 6).head_replacement,
            plan_for("garbage: {}", 1000, 1.0, 7).head_replacement);
}

TEST(FaultPlan, TheEarliestHeadCutWinsAndTheBodyCutIsKeptForTheLog) {
  const ResponsePlan p =
      plan_for("{head_cut: {at: 40}, empty_reply: {how: reset}, drop: {at: 10}}");
  ASSERT_TRUE(p.head_cut);
  EXPECT_EQ(p.head_cut->at, 0u);
  EXPECT_EQ(p.head_cut->fault, "empty_reply");
  ASSERT_TRUE(p.cut);  // executed only if the head went out; it does not
  EXPECT_EQ(p.applied, (std::vector<std::string>{"head_cut", "empty_reply", "drop"}));
}

TEST(FaultPlan, HeadCutFaultsRefuseBadParameters) {
  EXPECT_EQ(load_error(with_attempt("head_cut: {}")),
            "t.yaml:6:15: expected 'at' (head bytes that go out before the cut (at most the head "
            "without its empty line))");
  EXPECT_NE(load_error(with_attempt("head_cut: {at: 40, how: stall}")).find("t.yaml:6:"),
            std::string::npos);
  EXPECT_EQ(load_error(with_attempt("garbage: {bytes: 0}")),
            "t.yaml:6:22: expected 1 to 1048576 bytes, got 0");
  EXPECT_EQ(load_error(with_attempt("garbage: {bytes: 1048577}")),
            "t.yaml:6:22: expected 1 to 1048576 bytes, got 1048577");
  EXPECT_NE(load_error(with_attempt("empty_reply: {at: 3}")).find("unknown key 'at'"),
            std::string::npos);
}

}  // namespace
}  // namespace sisyphus::proxy::test
