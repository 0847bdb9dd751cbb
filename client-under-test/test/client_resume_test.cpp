// Interrupted downloads resumed exactly where they stopped: drops by close and by reset, a
// chunked body cut before its end, a stall, Retry-After, the overall timeout.
#include <fmt/format.h>

#include <chrono>

#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

// The heart of issue 4: three drops, each resumed exactly where it stopped.
TEST_F(ClientServerTest, DropsAt30_60_90PercentByCloseCompleteWithZeroWastedBytes) {
  start(scenario(three_drops("close")));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_EQ(r.bytes_discarded, 0u);
  EXPECT_TRUE(r.restarts.empty());
  EXPECT_EQ(r.sha256, sha256_hex_of_content(1, kSize));
  expect_output_is(1, kSize);

  const std::string etag = etag_now();
  ASSERT_FALSE(etag.empty());
  auto log = get_requests(log_with(5));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(total_sent(log), kSize);  // zero wasted bytes
  const std::uint64_t starts[] = {0, k30, k60, k90};
  const std::uint64_t ends[] = {k30, k60, k90, kSize};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log[i].status, i == 0 ? 200 : 206);
    EXPECT_EQ(log[i].bytes_sent, ends[i] - starts[i]);
    EXPECT_EQ(r.attempt_log[i].bytes, ends[i] - starts[i]);
    EXPECT_EQ(r.attempt_log[i].offset, starts[i]);
    if (i == 0) {
      EXPECT_EQ(log[i].range, std::nullopt);
      EXPECT_EQ(log[i].if_range, std::nullopt);
    } else {
      EXPECT_EQ(log[i].range, fmt::format("bytes={}-", starts[i]));
      EXPECT_EQ(log[i].if_range, etag);
      EXPECT_EQ(r.attempt_log[i].range, log[i].range);
      EXPECT_EQ(r.attempt_log[i].if_range, etag);
    }
    EXPECT_EQ(r.attempt_log[i].outcome,
              i == 3 ? AttemptOutcome::complete : AttemptOutcome::interrupted);
  }
}

TEST_F(ClientServerTest, DropsAt30_60_90PercentByResetCompleteWithZeroWastedBytes) {
  start(scenario(three_drops("reset")));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_EQ(r.bytes_discarded, 0u);
  expect_output_is(1, kSize);
  auto log = get_requests(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(total_sent(log), kSize);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k30));
  EXPECT_EQ(log[2].range, fmt::format("bytes={}-", k60));
  EXPECT_EQ(log[3].range, fmt::format("bytes={}-", k90));
  for (std::size_t i = 1; i < 4; ++i) EXPECT_TRUE(log[i].if_range.has_value());
  EXPECT_EQ(r.attempt_log[0].detail,
            fmt::format("connection reset by the server with {} body bytes still to come ({} body "
                        "bytes received)",
                        kSize - k30, k30));
}

TEST_F(ClientServerTest, ChunkedBodyCutIsResumedWithRange) {
  start(scenario("server:\n  chunked: true\nattempts:\n  - drop: {at: 50%, how: close}\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  EXPECT_EQ(r.size, kSize);
  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(total_sent(log), kSize);
}

TEST_F(ClientServerTest, AChunkedBodyWithoutItsLastChunkIsNotTakenAsComplete) {
  // Every byte arrives but the terminating chunk does not: the message is incomplete. The
  // next attempt asks for the rest, and the 416 confirms that nothing is missing.
  start(scenario("attempts:\n  - chunked_cut: {}\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::interrupted);
  EXPECT_EQ(r.attempt_log[0].bytes, kSize);
  EXPECT_EQ(r.attempt_log[1].status, 416);
  EXPECT_EQ(r.attempt_log[1].outcome, AttemptOutcome::complete);
  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "chunked_cut");
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", kSize));
  EXPECT_EQ(log[1].status, 416);
  EXPECT_EQ(log[0].bytes_sent, kSize);  // not one resource byte sent twice
}

TEST_F(ClientServerTest, StallIsDetectedByTheReadTimeoutAndResumed) {
  start(scenario("attempts:\n  - stall: {at: 50%, for: 20s}\n"));
  Options o = options();
  o.read_timeout = std::chrono::milliseconds(300);
  const auto t0 = std::chrono::steady_clock::now();
  const Result r = download(o);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::timeout);
  EXPECT_EQ(r.attempt_log[0].bytes, k50);
  EXPECT_TRUE(r.attempt_log[0].detail.starts_with("no progress for 300ms"))
      << r.attempt_log[0].detail;
  EXPECT_LT(took, std::chrono::seconds(10));  // long before the 20 s stall ends
  auto log = get_requests(log_with(1));
  ASSERT_GE(log.size(), 1u);
  EXPECT_EQ(r.attempt_log[1].range, fmt::format("bytes={}-", k50));
}

TEST_F(ClientServerTest, RetryAfterIsHonouredScaledAndCapped) {
  start(
      scenario("attempts:\n"
               "  - status: {code: 503, retry_after: 1s}\n"
               "  - status: {code: 429, retry_after: 1s}\n"));
  Options o = options();
  o.time_scale = TimeScale(0.25);  // 1 s -> 250 ms
  o.backoff.cap = std::chrono::milliseconds(800);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.attempt_log.size(), 3u);
  EXPECT_EQ(r.attempt_log[0].status, 503);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::retry_status);
  EXPECT_EQ(r.attempt_log[0].detail, "status 503 (Retry-After: 1)");
  EXPECT_EQ(r.attempt_log[1].waited, std::chrono::milliseconds(200));  // cap 800 ms, scaled
  EXPECT_EQ(r.attempt_log[1].status, 429);
  EXPECT_EQ(r.attempt_log[2].waited, std::chrono::milliseconds(200));
  auto log = get_requests(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  // The server saw the waits: at least 200 ms between the requests (generous upper bound
  // for a loaded machine).
  EXPECT_GE(log[1].t - log[0].t, 0.2);
  EXPECT_LT(log[1].t - log[0].t, 1.2);
  EXPECT_GE(log[2].t - log[1].t, 0.2);

  server_->stop();
  fs::remove(out());
  start(scenario("attempts:\n  - status: {code: 503, retry_after: 1s}\n"));
  o.url = url();
  o.backoff.cap = std::chrono::seconds(2);  // under the cap: the full Retry-After
  const Result uncapped = download(o);
  ASSERT_TRUE(uncapped.ok) << uncapped.error;
  ASSERT_EQ(uncapped.attempt_log.size(), 2u);
  EXPECT_EQ(uncapped.attempt_log[1].waited, std::chrono::milliseconds(250));
  log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(log[1].t - log[0].t, 0.25);
}

TEST_F(ClientServerTest, OverallTimeoutGivesUpCleanly) {
  start(scenario("attempts:\n  - stall: {at: 25%, for: 20s}\n"));
  Options o = options();
  o.timeout = std::chrono::milliseconds(400);
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.attempt_log.size(), 1u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::timeout);
  EXPECT_TRUE(r.attempt_log[0].detail.starts_with("overall timeout reached"))
      << r.attempt_log[0].detail;
  EXPECT_FALSE(fs::exists(out()));
  // What arrived is kept for a rerun, and counted by the state.
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->bytes, kSize / 4);
  EXPECT_EQ(fs::file_size(part_path(out())), kSize / 4);
}

}  // namespace
}  // namespace sisyphus::client::test
