// Whether a resume is safe: validators (strong and weak ETag, Last-Modified, none), a resource
// that changes, a 206 with the wrong bytes, digests, a server without ranges, the resume
// policies, and the naive client that splices.
#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

TEST_F(ClientServerTest, ResourceChangeBetweenAttemptsYieldsTheNewContentNeverASplice) {
  start(scenario(kDropThenChange));
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

  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_TRUE(log[1].if_range.has_value());  // the old ETag: it no longer matches
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(log[1].content_seed, 2u);
  EXPECT_EQ(log[1].bytes_sent, kSize);
}

TEST_F(ClientServerTest, NaiveModeSplicesTheTwoVersionsOnTheChangeScenario) {
  start(scenario(kDropThenChange));
  Options o = options();
  o.naive = true;
  const Result r = download(o);
  // The naive client reports success...
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  auto log = get_requests(log_with(2));
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
  auto log = get_requests(log_with(3));
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
  auto log = get_requests(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].range, std::nullopt);
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
  auto log = get_requests(log_with(2));
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
  auto log = get_requests(log_with(2));
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
  auto log = get_requests(log_with(2));
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
  auto log = get_requests(log_with(2));
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
  log = get_requests(log_with(2));
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
  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[1].status, 200);
  EXPECT_EQ(total_sent(log), k50 + kSize);
}

TEST_F(ClientServerTest, RangePolicyChecksTheResponseValidators) {
  // `range` sends no If-Range; the server answers 206 of the new version, and the ETag of
  // that 206 gives the change away.
  start(scenario(kDropThenChange));
  Options o = options();
  o.resume = ResumePolicy::range;
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_is(2, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_TRUE(r.restarts[0].reason.starts_with("206 with ETag ")) << r.restarts[0].reason;
  auto log = get_requests(log_with(3));
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
  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, std::nullopt);
  EXPECT_EQ(total_sent(log), k50 + kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].reason, "resume policy is restart");
}

}  // namespace
}  // namespace sisyphus::client::test
