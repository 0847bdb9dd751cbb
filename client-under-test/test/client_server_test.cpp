// The reference client (and the naive one) against the real fault-injecting origin server
// over loopback: exact byte counts from the server's own log, exact request headers, the
// output compared with regenerated content.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstring>
#include <thread>

#include "server_fixture.hpp"
#include "sisyphus/client/state.hpp"
#include "support/raw_http_client.hpp"

namespace sisyphus::client::test {
namespace {

constexpr std::uint64_t kSize = 4 * 1024 * 1024;  // 4194304
constexpr std::uint64_t k30 = 1258291;            // floor(30 % of kSize)
constexpr std::uint64_t k50 = 2097152;
constexpr std::uint64_t k60 = 2516582;
constexpr std::uint64_t k90 = 3774873;

std::string scenario(std::string_view body, std::string_view resource_extra = "") {
  return fmt::format("name: t\nseed: 7\nresource:\n  size: 4MiB\n  seed: 1\n{}{}", resource_extra,
                     body);
}

std::vector<proxy::LogRecord> gets(const std::vector<proxy::LogRecord>& log) {
  std::vector<proxy::LogRecord> out;
  for (const auto& r : log) {
    if (r.method == "GET") out.push_back(r);
  }
  // Sessions log when they end, so a cut attempt may be logged after the next one.
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.attempt < b.attempt; });
  return out;
}

class ClientServerTest : public ServerFixture {
 protected:
  fs::path out() const { return dir_ / "out.bin"; }
  Options options() const { return quick_options(url(), out()); }
  std::string etag_now() {
    auto r = sisyphus::test::fetch("127.0.0.1", server_->port(), "HEAD", "/file");
    return r.header("ETag").value_or("");
  }
  void expect_output_is(std::uint64_t seed, std::uint64_t size) {
    const std::string data = read_file(out());
    EXPECT_EQ(data.size(), size);
    EXPECT_EQ(first_mismatch(data, seed), std::nullopt);
    EXPECT_FALSE(fs::exists(part_path(out())));
    EXPECT_FALSE(fs::exists(state_path(out())));
  }
};

// The heart of issue 4: three drops, each resumed exactly where it stopped.
TEST_F(ClientServerTest, DropsAt30_60_90PercentByCloseCompleteWithZeroWastedBytes) {
  start(
      scenario("attempts:\n"
               "  - drop: {at: 30%, how: close}\n"
               "  - drop: {at: 60%, how: close}\n"
               "  - drop: {at: 90%, how: close}\n"));
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
  auto log = gets(log_with(5));
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
  start(
      scenario("attempts:\n"
               "  - drop: {at: 30%, how: reset}\n"
               "  - drop: {at: 60%, how: reset}\n"
               "  - drop: {at: 90%, how: reset}\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_EQ(r.bytes_discarded, 0u);
  expect_output_is(1, kSize);
  auto log = gets(log_with(4));
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

TEST_F(ClientServerTest, ResourceChangeBetweenAttemptsYieldsTheNewContentNeverASplice) {
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "changes:\n"
               "  - before_attempt: 2\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  // Generation 1 of the resource: content seed = resource.seed + 1.
  expect_output_is(2, kSize);
  EXPECT_EQ(r.sha256, sha256_hex_of_content(2, kSize));
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].attempt, 2u);
  EXPECT_EQ(r.restarts[0].discarded, k50);
  EXPECT_EQ(r.bytes_discarded, k50);
  EXPECT_EQ(r.bytes_received, k50 + kSize);

  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_TRUE(log[1].if_range.has_value());  // the old ETag: it no longer matches
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(log[1].content_seed, 2u);
  EXPECT_EQ(log[1].bytes_sent, kSize);
}

TEST_F(ClientServerTest, NaiveModeSplicesTheTwoVersionsOnTheChangeScenario) {
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "changes:\n"
               "  - before_attempt: 2\n"));
  Options o = options();
  o.naive = true;
  const Result r = download(o);
  // The naive client reports success...
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].if_range, std::nullopt);
  EXPECT_EQ(log[1].status, 206);
  // ...and FILE is version 1 up to the byte it held at the second attempt, version 2 after.
  const std::string data = read_file(out());
  ASSERT_EQ(data.size(), kSize);
  EXPECT_EQ(first_mismatch(data, 1), k50);  // first bad offset == bytes held at attempt 2
  EXPECT_EQ(first_mismatch(data.substr(k50), 2, k50), std::nullopt);
  EXPECT_EQ(first_mismatch(data.substr(0, k50), 1), std::nullopt);
  EXPECT_EQ(first_mismatch(data, 2), 0u);  // against the current version: wrong from byte 0
  EXPECT_FALSE(fs::exists(part_path(out())));
}

TEST_F(ClientServerTest, WrongRangeIsCaughtByReprDigestAndRestartedFromZero) {
  // A 206 whose body starts 1 KiB before its Content-Range: only a digest can tell.
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "  - wrong_range: {shift: -1KiB}\n",
               "  digest: true\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.verified_by, "repr-digest");
  expect_output_is(1, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].attempt, 2u);
  EXPECT_EQ(r.restarts[0].discarded, kSize);
  EXPECT_TRUE(r.restarts[0].reason.starts_with("SHA-256 of the download is "))
      << r.restarts[0].reason;
  EXPECT_TRUE(r.restarts[0].reason.ends_with(
      fmt::format("expected {} (Repr-Digest)", sha256_hex_of_content(1, kSize))));
  auto log = gets(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(log[1].fault, "wrong_range");
  EXPECT_EQ(log[2].range, std::nullopt);  // restarted from 0
  EXPECT_EQ(log[2].status, 200);
  EXPECT_EQ(total_sent(log), k50 + (kSize - k50) + kSize);
}

TEST_F(ClientServerTest, WrongRangeIsCaughtByTheExpectedSha256) {
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "  - wrong_range: {shift: -1KiB}\n"));
  Options o = options();
  o.sha256 = sha256_hex_of_content(1, kSize);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.verified_by, "sha256");
  expect_output_is(1, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_TRUE(r.restarts[0].reason.ends_with("(--sha256)")) << r.restarts[0].reason;
}

TEST_F(ClientServerTest, WeakEtagOnlyIsRestartedFromZero) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n",
                 "  etag: weak\n  last_modified: false\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  EXPECT_EQ(r.verified_by, "");
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].discarded, k50);
  EXPECT_TRUE(r.restarts[0].reason.starts_with("no strong validator (ETag 'W/"))
      << r.restarts[0].reason;
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, std::nullopt);
  EXPECT_EQ(log[1].if_range, std::nullopt);
  EXPECT_EQ(total_sent(log), k50 + kSize);
}

TEST_F(ClientServerTest, WeakEtagOnlyResumesWithRangeWhenTheSha256IsGiven) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n",
                 "  etag: weak\n  last_modified: false\n"));
  Options o = options();
  o.sha256 = sha256_hex_of_content(1, kSize);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  EXPECT_EQ(r.verified_by, "sha256");
  EXPECT_TRUE(r.restarts.empty());
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].if_range, std::nullopt);  // a weak tag never goes in If-Range
  EXPECT_EQ(total_sent(log), kSize);
}

TEST_F(ClientServerTest, LastModifiedOnlyIsUsedInIfRange) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n", "  etag: none\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  // Generation 0 is modified at 2024-01-01T00:00:00Z; the server's Date is now: strong.
  EXPECT_EQ(log[1].if_range, "Mon, 01 Jan 2024 00:00:00 GMT");
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(total_sent(log), kSize);
}

TEST_F(ClientServerTest, NoValidatorsRestartsButAReprDigestAllowsAVerifiedResume) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n",
                 "  etag: none\n  last_modified: false\n"));
  Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].reason,
            "no strong validator (ETag none, Last-Modified none) and no digest to verify a "
            "resumed file");
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, std::nullopt);

  server_->stop();
  fs::remove(out());
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n",
                 "  etag: none\n  last_modified: false\n  digest: true\n"));
  r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  EXPECT_EQ(r.verified_by, "repr-digest");
  EXPECT_TRUE(r.restarts.empty());
  log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].if_range, std::nullopt);
  EXPECT_EQ(total_sent(log), kSize);
}

TEST_F(ClientServerTest, ServerWithoutRangesAnswers200AndTheClientStartsOver) {
  start(scenario("server:\n  ranges: false\nattempts:\n  - drop: {at: 50%, how: close}\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].attempt, 2u);
  EXPECT_EQ(r.restarts[0].discarded, k50);
  EXPECT_TRUE(r.restarts[0].reason.starts_with("200 to a Range request")) << r.restarts[0].reason;
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(total_sent(log), k50 + kSize);
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
  auto log = gets(log_with(3));
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
  log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(log[1].t - log[0].t, 0.25);
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
  auto log = gets(log_with(1));
  ASSERT_GE(log.size(), 1u);
  EXPECT_EQ(r.attempt_log[1].range, fmt::format("bytes={}-", k50));
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

TEST_F(ClientServerTest, WrongSha256LeavesNoFileAndExits3) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.sha256 = std::string(64, '0');
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.error, fmt::format("SHA-256 of the download is {}, expected {} (--sha256)",
                                 sha256_hex_of_content(1, kSize), std::string(64, '0')));
  // Verified once, restarted from zero once, verified again, then given up.
  EXPECT_EQ(r.attempts, 3u);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].discarded, kSize);
  EXPECT_FALSE(fs::exists(out()));
  EXPECT_FALSE(fs::exists(part_path(out())));
  EXPECT_FALSE(fs::exists(state_path(out())));
  auto log = gets(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].range, std::nullopt);
}

TEST_F(ClientServerTest, RerunResumesFromTheStateCountAndIgnoresBytesPastIt) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.max_attempts = 1;
  Result first = download(o);
  EXPECT_FALSE(first.ok);
  EXPECT_EQ(first.exit_code, 1);
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->bytes, k50);
  EXPECT_EQ(st->size, kSize);
  EXPECT_EQ(fs::file_size(part_path(out())), k50);
  // A torn write after the last state update: bytes the state does not count.
  {
    std::ofstream app(part_path(out()), std::ios::binary | std::ios::app);
    app << std::string(1000, 'X');
  }
  o.max_attempts = 3;
  const Result second = download(o);
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(second.bytes_resumed, k50);
  EXPECT_EQ(second.bytes_received, kSize - k50);
  EXPECT_EQ(second.attempts, 1u);
  expect_output_is(1, kSize);
  EXPECT_EQ(second.sha256, sha256_hex_of_content(1, kSize));  // the prefix was re-hashed
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(total_sent(log), kSize);
}

TEST_F(ClientServerTest, AFullyHeldPartIsConfirmedBy416ThenVerified) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.max_attempts = 1;
  ASSERT_FALSE(download(o).ok);
  // As if the process died between the last byte and the rename.
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  write_file(part_path(out()), content_bytes(1, 0, kSize));
  st->bytes = kSize;
  save_part_state(state_path(out()), *st);
  o.sha256 = sha256_hex_of_content(1, kSize);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.verified_by, "sha256");
  EXPECT_EQ(r.bytes_received, 0u);
  ASSERT_EQ(r.attempt_log.size(), 1u);
  EXPECT_EQ(r.attempt_log[0].status, 416);
  expect_output_is(1, kSize);
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", kSize));
  EXPECT_EQ(log[1].status, 416);
}

TEST_F(ClientServerTest, UntrustedLeftoversAreDiscardedBeforeTheFirstRequest) {
  start(scenario(""));
  write_file(part_path(out()), std::string(1000, 'X'));  // a part without a state
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].attempt, 0u);
  EXPECT_EQ(r.restarts[0].reason, "out.bin.part has no state file");
  EXPECT_EQ(r.restarts[0].discarded, 1000u);

  // A state for another URL.
  PartState other;
  other.url = "http://127.0.0.1:1/elsewhere";
  other.bytes = 10;
  write_file(part_path(out()), std::string(10, 'Y'));
  save_part_state(state_path(out()), other);
  const Result r2 = download(options());
  ASSERT_TRUE(r2.ok) << r2.error;
  expect_output_is(1, kSize);
  ASSERT_EQ(r2.restarts.size(), 1u);
  EXPECT_EQ(r2.restarts[0].reason,
            "the state file is for another URL (http://127.0.0.1:1/elsewhere)");
}

TEST_F(ClientServerTest, ChunkedBodyCutIsResumedWithRange) {
  start(scenario("server:\n  chunked: true\nattempts:\n  - drop: {at: 50%, how: close}\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  EXPECT_EQ(r.size, kSize);
  auto log = gets(log_with(2));
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
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "chunked_cut");
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", kSize));
  EXPECT_EQ(log[1].status, 416);
  EXPECT_EQ(log[0].bytes_sent, kSize);  // not one resource byte sent twice
}

// O_DIRECT writes whole 4 KiB blocks and carries the partial one: drops, resumes and the
// end all fall inside blocks here, and every byte must still land where it belongs.
constexpr std::uint64_t kOdd = 3 * 1024 * 1024 + 1234;  // 3146962
std::string odd_scenario(std::string_view attempts) {
  return fmt::format("name: t\nseed: 7\nresource:\n  size: {}\n  seed: 3\n{}", kOdd, attempts);
}

TEST_F(ClientServerTest, DirectIoResumesExactlyAtOffsetsInsideBlocks) {
  start(
      odd_scenario("attempts:\n"
                   "  - drop: {at: 30%, how: close}\n"
                   "  - drop: {at: 60%, how: reset}\n"
                   "  - drop: {at: 90%, how: close}\n"));
  Options o = options();
  o.direct_io_min = 0;        // O_DIRECT even for this small body
  o.buffer_size = 64 * 1024;  // many chunks, each ending inside a block
  o.sha256 = sha256_hex_of_content(3, kOdd);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.bytes_received, kOdd);
  EXPECT_EQ(r.verified_by, "sha256");
  expect_output_is(3, kOdd);
  auto log = gets(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[1].range, "bytes=944088-");  // 944088 % 4096 == 2008
  EXPECT_EQ(log[2].range, "bytes=1888177-");
  EXPECT_EQ(log[3].range, "bytes=2832265-");
  EXPECT_EQ(total_sent(log), kOdd);
}

TEST_F(ClientServerTest, DirectIoRerunRewritesThePartialBlockItResumesIn) {
  start(odd_scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.direct_io_min = 0;
  o.max_attempts = 1;
  ASSERT_FALSE(download(o).ok);
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->bytes, kOdd / 2);  // 1573481: inside block 384
  EXPECT_EQ(fs::file_size(part_path(out())), kOdd / 2);
  {
    std::ofstream app(part_path(out()), std::ios::binary | std::ios::app);
    app << std::string(5000, 'X');  // torn bytes past the count, across a block boundary
  }
  o.max_attempts = 2;
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.bytes_resumed, kOdd / 2);
  expect_output_is(3, kOdd);
  EXPECT_EQ(r.sha256, sha256_hex_of_content(3, kOdd));
}

// A file system that refuses O_DIRECT (ramfs: the open fails with EINVAL) gets buffered
// writes instead, and the same bytes. Mounting one needs root (CAP_SYS_ADMIN), as on CI;
// without it the test is skipped, saying so.
TEST_F(ClientServerTest, DirectIoFallsBackToBufferedWritesWhereTheFileSystemRefusesIt) {
  const fs::path mnt = dir_ / "ramfs";
  fs::create_directories(mnt);
  if (::mount("sisyphus-test", mnt.c_str(), "ramfs", 0, nullptr) != 0) {
    GTEST_SKIP() << "cannot mount a ramfs at " << mnt << ": " << std::strerror(errno);
  }
  struct Unmount {
    fs::path at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{mnt};
  {  // the premise
    const int fd = ::open((mnt / "probe").c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
    const int err = errno;
    if (fd >= 0) ::close(fd);
    ASSERT_LT(fd, 0) << "ramfs took O_DIRECT";
    ASSERT_EQ(err, EINVAL);
  }
  start(odd_scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.output = mnt / "out.bin";
  o.direct_io_min = 0;  // would be O_DIRECT anywhere else
  o.sha256 = sha256_hex_of_content(3, kOdd);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_received, kOdd);
  EXPECT_EQ(r.verified_by, "sha256");
  const std::string data = read_file(mnt / "out.bin");
  EXPECT_EQ(data.size(), kOdd);
  EXPECT_EQ(first_mismatch(data, 3), std::nullopt);
  EXPECT_FALSE(fs::exists(part_path(o.output)));
}

TEST_F(ClientServerTest, NotFoundFailsAtOnce) {
  start(scenario(""));
  Options o = options();
  o.url = server_->base_url() + "/missing";
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::fatal_status);
  EXPECT_EQ(r.error, "attempt 1: unexpected status 404");
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(ClientServerTest, ConnectionRefusedIsRetriedThenGivenUp) {
  // A port that was free a moment ago: nothing listens there.
  start(scenario(""));
  const std::string dead = server_->url();
  server_->stop();
  Options o = quick_options(dead, out());
  o.max_attempts = 3;
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.attempts, 3u);
  for (const auto& a : r.attempt_log) EXPECT_EQ(a.outcome, AttemptOutcome::connect_error);
  EXPECT_TRUE(r.error.starts_with("gave up after 3 attempts; last: attempt 3: ")) << r.error;
}

TEST_F(ClientServerTest, InvalidOptionsAreAUsageError) {
  Options o = quick_options("ftp://127.0.0.1/x", out());
  Result r = download(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.error, "invalid URL 'ftp://127.0.0.1/x': expected an http:// or https:// URL");
  o = quick_options("http://127.0.0.1/x", out());
  o.sha256 = "abc";
  r = download(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.error, "invalid sha256 'abc': expected 64 hexadecimal digits");
  o.sha256.reset();
  o.max_attempts = 0;
  EXPECT_EQ(download(o).error, "max attempts must be at least 1");
  o.max_attempts = 1;
  o.headers = {{"range", "bytes=0-"}};
  EXPECT_EQ(download(o).error, "header 'range' cannot be set: the client sends it when it resumes");
}

TEST_F(ClientServerTest, HundredsOfDownloadsShareOneIoContext) {
  start("name: t\nseed: 1\nresource:\n  size: 256KiB\n");
  boost::asio::io_context io;
  constexpr int kCount = 200;
  std::vector<Result> results(kCount);
  int done = 0;
  for (int i = 0; i < kCount; ++i) {
    Options o = quick_options(url(), dir_ / fmt::format("out-{}.bin", i));
    o.buffer_size = 64 * 1024;
    async_download(io, o, [&, i](Result r) {
      results[static_cast<std::size_t>(i)] = std::move(r);
      ++done;
    });
  }
  io.run();  // one thread for all of them
  EXPECT_EQ(done, kCount);
  const std::string expected = content_bytes(1, 0, 256 * 1024);
  for (int i = 0; i < kCount; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(results[static_cast<std::size_t>(i)].ok)
        << results[static_cast<std::size_t>(i)].error;
    EXPECT_EQ(read_file(dir_ / fmt::format("out-{}.bin", i)), expected);
  }
  EXPECT_EQ(gets(log_with(kCount)).size(), static_cast<std::size_t>(kCount));
}

TEST_F(ClientServerTest, DownloadsOnAnIoContextRunByFourThreads) {
  // Each download runs on its own strand, so run() may be called on several threads.
  start(scenario("attempts:\n  - drop: {at: 50%, how: reset}\n"));
  boost::asio::io_context io;
  constexpr int kCount = 24;
  std::atomic<int> ok{0};
  for (int i = 0; i < kCount; ++i) {
    Options o = quick_options(url(), dir_ / fmt::format("t-{}.bin", i));
    o.buffer_size = 64 * 1024;
    async_download(io, o, [&](Result r) {
      if (r.ok) ++ok;
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kCount);
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(first_mismatch(read_file(dir_ / fmt::format("t-{}.bin", i)), 1), std::nullopt);
  }
  // The first request was cut at 50 %; every other one was clean.
  auto log = gets(log_with(kCount + 1));
  EXPECT_EQ(log.size(), static_cast<std::size_t>(kCount + 1));
}

TEST_F(ClientServerTest, TwoDownloadsIntoOneFileDoNotInterleave) {
  start(scenario("faults:\n  - throttle: {rate: 1MiB/s}\n"));
  Options slow = options();
  slow.timeout = std::chrono::milliseconds(1500);
  Result first;
  std::thread t([&] { first = download(slow); });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!fs::exists(state_path(out())) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  const Result second = download(options());
  t.join();
  EXPECT_FALSE(second.ok);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(second.attempts, 0u);
  EXPECT_EQ(second.error, "another download is writing " + part_path(out()).string() +
                              ": Resource temporarily unavailable");
  EXPECT_FALSE(first.ok);  // its own overall timeout
  EXPECT_EQ(gets(log_with(1)).size(), 1u);
}

TEST_F(ClientServerTest, RangePolicyChecksTheResponseValidators) {
  // `range` sends no If-Range; the server answers 206 of the new version, and the ETag of
  // that 206 gives the change away.
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "changes:\n"
               "  - before_attempt: 2\n"));
  Options o = options();
  o.resume = ResumePolicy::range;
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(2, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_TRUE(r.restarts[0].reason.starts_with("206 with ETag ")) << r.restarts[0].reason;
  auto log = gets(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].if_range, std::nullopt);
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(log[2].range, std::nullopt);
  EXPECT_EQ(r.attempt_log[1].outcome, AttemptOutcome::rejected);
}

TEST_F(ClientServerTest, RestartPolicyNeverSendsRange) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.resume = ResumePolicy::restart;
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(1, kSize);
  auto log = gets(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, std::nullopt);
  EXPECT_EQ(total_sent(log), k50 + kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].reason, "resume policy is restart");
}

}  // namespace
}  // namespace sisyphus::client::test
