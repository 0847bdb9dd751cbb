// What status puts in the response plan: the code, Retry-After in its forms, which status wins.
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

TEST(FaultPlan, StatusWithRetryAfterDuration) {
  const ResponsePlan p = plan_for("status: {code: 503, retry_after: 1s}");
  EXPECT_EQ(p.status, 503);
  EXPECT_EQ(p.headers, (decltype(p.headers){{"Retry-After", "1"}}));
  EXPECT_EQ(p.applied, std::vector<std::string>{"status"});
}

TEST(FaultPlan, RetryAfterRoundsUpToWholeSeconds) {
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 1500ms}").headers.at(0).second, "2");
  EXPECT_EQ(plan_for("status: {code: 429, retry_after: 2}").headers.at(0).second, "2");
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 0}").headers.at(0).second, "0");
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 1us}").headers.at(0).second, "1");
  // Time-scaled first: 10 s at 0.25 is 2.5 s, sent as 3.
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 10s}", 1000, 0.25).headers.at(0).second,
            "3");
  // No overflow for the largest delay at a large scale (12 digits of seconds, times 1000).
  EXPECT_EQ(
      plan_for("status: {code: 503, retry_after: 999999999999}", 1000, 1000.0).headers.at(0).second,
      "999999999999000");
}

TEST(FaultPlan, RetryAfterHttpDateIsSentVerbatim) {
  const ResponsePlan p =
      plan_for(R"(status: {code: 503, retry_after: "Wed, 21 Oct 2026 07:28:00 GMT"})");
  EXPECT_EQ(p.headers, (decltype(p.headers){{"Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"}}));
}

TEST(FaultPlan, StatusWithoutRetryAfterAddsNoHeader) {
  const ResponsePlan p = plan_for("status: {code: 500}");
  EXPECT_EQ(p.status, 500);
  EXPECT_TRUE(p.headers.empty());
}

TEST(FaultPlan, TheLastStatusWinsWithItsOwnRetryAfter) {
  const model::Scenario s = load(
      "name: t\nresource: {size: 10}\nattempts:\n  - status: {code: 503, retry_after: 5s}\n"
      "faults:\n  - status: {code: 429, retry_after: 2}\n  - status: {code: 500}\n");
  FaultEngine engine(s, TimeScale(1.0));
  const ResponsePlan p = engine.decide("GET", "/file", 10).plan;
  EXPECT_EQ(p.status, 500);
  EXPECT_TRUE(p.headers.empty());
  EXPECT_EQ(p.applied, (std::vector<std::string>{"status", "status", "status"}));
  FaultEngine two(load("name: t\nresource: {size: 10}\nattempts:\n  - status: {code: 503, "
                       "retry_after: 5s}\nfaults:\n  - status: {code: 429, retry_after: 2}\n"),
                  TimeScale(1.0));
  const ResponsePlan q = two.decide("GET", "/file", 10).plan;
  EXPECT_EQ(q.status, 429);
  EXPECT_EQ(q.headers, (decltype(q.headers){{"Retry-After", "2"}}));
}

}  // namespace
}  // namespace sisyphus::proxy::test
