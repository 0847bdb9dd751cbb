// Retry-After in its HTTP-date form from the server (`retry_after_as: date`): the reference
// client measures it against the response's Date and waits as long as for the seconds form.
#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

TEST_F(ClientServerTest, RetryAfterAsAnHttpDateWaitsAsLongAsTheSecondsForm) {
  start(
      scenario("attempts:\n"
               "  - status: {code: 503, retry_after: 1s, retry_after_as: date}\n"));
  Options o = options();
  o.time_scale = TimeScale(0.25);  // 1 s -> 250 ms
  o.backoff.cap = std::chrono::seconds(2);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::retry_status);
  EXPECT_TRUE(r.attempt_log[0].detail.starts_with("status 503 (Retry-After: "))
      << r.attempt_log[0].detail;
  EXPECT_TRUE(r.attempt_log[0].detail.ends_with(" GMT)")) << r.attempt_log[0].detail;
  EXPECT_EQ(r.attempt_log[1].waited, std::chrono::milliseconds(250));
  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(log[1].t - log[0].t, 0.25);
}

}  // namespace
}  // namespace sisyphus::client::test
