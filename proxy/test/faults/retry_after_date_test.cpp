// status with `retry_after_as: date`: Retry-After in its HTTP-date form, exactly the given
// whole seconds after the response's own Date; in the plan and over loopback.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "wire/http_date.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, StatusRetryAfterAsDateLeavesTheDateToTheResponse) {
  const ResponsePlan p = plan_for("status: {code: 503, retry_after: 1500ms, retry_after_as: date}");
  EXPECT_EQ(p.retry_after_date_in, 2u);  // rounded up, as delay-seconds are
  EXPECT_TRUE(p.headers.empty());
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 10s, retry_after_as: date}", 1000, 0.25)
                .retry_after_date_in,
            3u);
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 120, retry_after_as: seconds}").headers,
            (decltype(ResponsePlan::headers){{"Retry-After", "120"}}));
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 999999999999, retry_after_as: date}")
                .retry_after_date_in,
            100ULL * 365 * 24 * 3600);
}

TEST(FaultPlan, StatusRetryAfterAsDateNeedsADuration) {
  EXPECT_EQ(load_error(with_attempt("status: {code: 503, retry_after_as: date}")),
            "t.yaml:6:41: retry_after_as: date needs a retry_after duration or seconds");
  EXPECT_EQ(load_error(with_attempt("status: {code: 503, retry_after: \"Wed, 21 Oct 2026 "
                                    "07:28:00 GMT\", retry_after_as: date}")),
            "t.yaml:6:87: retry_after is already an HTTP-date; retry_after_as: date takes a "
            "duration or seconds");
}

}  // namespace
}  // namespace sisyphus::proxy::test

namespace sisyphus::testing {
namespace {

TEST_F(ServerTest, RetryAfterAsDateIsExactlyThatLongAfterTheResponsesDate) {
  start(scenario_yaml("retry-date", "size: 1000, seed: 2", R"(attempts:
  - status: {code: 503, retry_after: 2s, retry_after_as: date}
  - status: {code: 429, retry_after: 120, retry_after_as: date}
)"));
  for (const std::int64_t seconds : {2, 120}) {
    HttpResponse r = get("/file");
    ASSERT_EQ(r.header_count("Retry-After"), 1u);
    const auto date = proxy::parse_http_date(*r.header("Date"));
    const auto retry = proxy::parse_http_date(*r.header("Retry-After"));
    ASSERT_TRUE(date && retry) << *r.header("Retry-After");
    EXPECT_EQ(*retry - *date, seconds);
    EXPECT_EQ(*r.header("Retry-After"), proxy::format_http_date(*date + seconds));
    EXPECT_TRUE(r.header("Retry-After")->ends_with(" GMT"));
  }
}

}  // namespace
}  // namespace sisyphus::testing
