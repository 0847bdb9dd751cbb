// Fault entries and rules as the loader keeps them: typed parameters, positions, narrowing.
#include <gtest/gtest.h>

#include <chrono>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;
using testing::load;

TEST(Loader, PercentSizesResolveAgainstTheResource) {
  Scenario s = load(
      "name: pct\nresource: {size: 1000}\nattempts:\n  - drop: {at: 99.9%}\n  - stall: {at: 100%, "
      "for: 1s}\n"
      "expect: {max_wasted_bytes: 25%}\n");
  EXPECT_EQ(s.attempts[0].faults[0].params.size("at").resolve(s.resource().size), 999u);
  EXPECT_EQ(s.attempts[1].faults[0].params.size("at").resolve(s.resource().size), 1000u);
  EXPECT_EQ(s.expect.max_wasted_bytes->resolve(s.resource().size), 250u);
}

TEST(Loader, FaultValidationSeesTheResource) {
  // The resource comes after the attempts in the file: faults are validated last.
  EXPECT_NO_THROW(load("name: order\nattempts:\n  - drop: {at: 2KiB}\nresource: {size: 4KiB}\n"));
  try {
    load("name: order\nattempts:\n  - drop: {at: 8KiB}\nresource: {size: 4KiB}\n");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "t.yaml:3:16: offset 8KiB is beyond the end of the resource (4096 bytes)");
  }
}

TEST(Loader, SeveralFaultsInOneAttempt) {
  Scenario s = load(
      "name: multi\nresource: {size: 1MiB}\nattempts:\n  - {latency: {first_byte: 10ms}, drop: "
      "{after: 100}}\n"
      "  - ~\n");
  ASSERT_EQ(s.attempts.size(), 2u);
  ASSERT_EQ(s.attempts[0].faults.size(), 2u);
  EXPECT_EQ(s.attempts[0].faults[0].kind, "latency");
  EXPECT_EQ(s.attempts[0].faults[1].kind, "drop");
  EXPECT_EQ(s.attempts[0].faults[1].params.section(), "drop");
  EXPECT_TRUE(s.attempts[1].faults.empty());
}

TEST(Loader, ScalarFaultParameters) {
  Scenario s = load("name: scalar\nresource: {size: 1MiB}\nfaults:\n  - throttle: 512KiB/s\n");
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_TRUE(s.faults[0].fault.params.is_scalar());
  EXPECT_EQ(s.faults[0].fault.params.scalar(), "512KiB/s");
}

TEST(Loader, FaultRuleNarrowing) {
  Scenario s = load(R"(name: narrowing
resource: {size: 1MiB}
faults:
  - drop: {at: 10%, attempts: [1, 3], probability: 0.25}
  - status: {code: 503, attempts: 2}
  - latency: {first_byte: 1ms, probability: 0}
  - corrupt: {at: 1, probability: 1}
)");
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].attempts, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(s.faults[0].probability, 0.25);
  // The narrowing keys are not the fault's: the kind's key table (at, after, how) passed them.
  EXPECT_EQ(s.faults[0].fault.params.keys(), (std::vector<std::string>{"at"}));
  EXPECT_FALSE(s.faults[0].fault.params.has("attempts"));
  EXPECT_FALSE(s.faults[0].fault.params.has("probability"));
  // The positions of what remains are kept.
  EXPECT_EQ(s.faults[0].fault.params.location("at").line, 4);
  EXPECT_EQ(s.faults[0].fault.params.location("at").column, 16);
  EXPECT_EQ(s.faults[0].fault.params.location().column, 11);
  EXPECT_EQ(s.faults[1].attempts, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(s.faults[1].probability, 1.0);
  EXPECT_EQ(s.faults[2].attempts, std::vector<std::uint32_t>{});
  EXPECT_EQ(s.faults[2].probability, 0.0);
}

TEST(Loader, NarrowingKeysOfASharedMappingStayWithEachRule) {
  // Both rules are the same YAML node (an alias); taking the narrowing keys out for the
  // first rule must not take them from the second.
  Scenario s = load(R"(name: alias
resource: {size: 1MiB}
faults:
  - drop: &d {at: 10%, attempts: [2], probability: 0.5}
  - drop: *d
)");
  ASSERT_EQ(s.faults.size(), 2u);
  for (const auto& rule : s.faults) {
    EXPECT_EQ(rule.attempts, (std::vector<std::uint32_t>{2}));
    EXPECT_EQ(rule.probability, 0.5);
    EXPECT_EQ(rule.fault.params.keys(), (std::vector<std::string>{"at"}));
  }
}

TEST(Loader, FaultWithOnlyNarrowingKeysReportsAtItsMapping) {
  try {
    load("name: n\nresource: {size: 1MiB}\nfaults:\n  - stall: {attempts: 1, for: 1s}\n");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "t.yaml:4:12: missing required key 'at' in stall");
  }
}

TEST(Loader, AssigningAScenarioLeavesItsCopiesAlone) {
  // Fault parameters are values: replacing a scenario's must not edit a copy's.
  Scenario first = load("name: a\nresource: {size: 1MiB}\nattempts:\n  - drop: {at: 10%}\n");
  Scenario copy = first;
  Scenario second =
      load("name: b\nresource: {size: 1MiB}\nattempts:\n  - drop: {after: 5, how: reset}\n");
  first.attempts[0] = second.attempts[0];  // element-wise: assigns the parameters themselves
  EXPECT_EQ(copy.attempts[0].faults[0].params.keys(), (std::vector<std::string>{"at"}));
  EXPECT_EQ(first.attempts[0].faults[0].params.keys(), (std::vector<std::string>{"after", "how"}));
  first = second;
  EXPECT_EQ(copy.attempts[0].faults[0].params.keys(), (std::vector<std::string>{"at"}));
  EXPECT_EQ(first.name, "b");
}

}  // namespace
}  // namespace sisyphus::model
