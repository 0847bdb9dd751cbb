// Content-Digest (RFC 9530) in the reference client: a part that arrives whole but does not
// match its digest is cut off again before the next attempt counts it, the bytes before it
// stay, and the retry waits the usual backoff; a cut part and a malformed digest are not
// grounds to drop anything.
#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

TEST_F(ClientServerTest, AWrongContentDigestDiscardsOnlyThatPartAndResumesWhereItBegan) {
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "  - wrong_content_digest: {}\n",
               "  digest: true\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 3u);
  expect_output_is(1, kSize);
  EXPECT_EQ(r.verified_by, "repr-digest");
  ASSERT_EQ(r.attempt_log.size(), 3u);
  EXPECT_EQ(r.attempt_log[1].outcome, AttemptOutcome::bad_part);
  EXPECT_EQ(r.attempt_log[1].bytes, kSize - k50);
  EXPECT_TRUE(r.attempt_log[1].detail.starts_with(
      fmt::format("Content-Digest of bytes {}-{} is ", k50, kSize - 1)))
      << r.attempt_log[1].detail;
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].attempt, 2u);
  EXPECT_EQ(r.restarts[0].discarded, kSize - k50);  // the first half stays
  EXPECT_EQ(r.bytes_discarded, kSize - k50);
  EXPECT_EQ(r.bytes_received, k50 + 2 * (kSize - k50));

  auto log = get_requests(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].fault, "wrong_content_digest");
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(log[2].range, fmt::format("bytes={}-", k50));
  EXPECT_EQ(log[2].status, 206);
  EXPECT_EQ(total_sent(log), k50 + 2 * (kSize - k50));
}

TEST_F(ClientServerTest, ACorruptPartIsCaughtByContentDigestNotByTheWholeFile) {
  // Before Content-Digest the flipped byte was found only at the end, costing all 4 MiB.
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "  - corrupt: {at: 75%, bytes: 1}\n",
               "  digest: true\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 3u);
  expect_output_is(1, kSize);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].discarded, kSize - k50);
  EXPECT_EQ(r.attempt_log[1].outcome, AttemptOutcome::bad_part);
  auto log = get_requests(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].range, fmt::format("bytes={}-", k50));
}

TEST_F(ClientServerTest, AWholeBodyWithAWrongContentDigestIsFetchedAgainWithoutDigestOn) {
  // digest: false: the fault alone sends Content-Digest; the client checks it all the same.
  start(scenario("attempts:\n  - wrong_content_digest: {}\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  expect_output_is(1, kSize);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::bad_part);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].discarded, kSize);
  auto log = get_requests(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, std::nullopt);  // nothing held: a plain GET again
  EXPECT_FALSE(fs::exists(part_path(out())));
}

TEST_F(ClientServerTest, AMalformedContentDigestOrACutPartDropsNothing) {
  start(
      scenario("attempts:\n"
               "  - {drop: {at: 50%, how: close}, wrong_content_digest: {}}\n"
               "  - wrong_content_digest: {value: malformed}\n",
               "  digest: true\n"));
  const Result r = download(options());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  expect_output_is(1, kSize);
  EXPECT_TRUE(r.restarts.empty());
  EXPECT_EQ(r.bytes_received, kSize);
}

TEST_F(ClientServerTest, ABadPartsRetryWaitsTheBackoffWithoutResettingIt) {
  start(
      scenario("attempts:\n"
               "  - drop: {at: 50%, how: close}\n"
               "  - wrong_content_digest: {}\n"
               "  - wrong_content_digest: {}\n",
               "  digest: true\n"));
  Options o = options();
  o.backoff = BackoffOptions{BackoffStrategy::exponential, 20ms, 1s, 1};
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.attempt_log.size(), 4u);
  // After the drop (bytes kept): reset, 20 ms; after each bad part: doubled, not reset.
  EXPECT_EQ(r.attempt_log[1].waited, Duration(20ms));
  EXPECT_EQ(r.attempt_log[2].waited, Duration(40ms));
  EXPECT_EQ(r.attempt_log[3].waited, Duration(80ms));
  EXPECT_EQ(r.restarts.size(), 2u);
  expect_output_is(1, kSize);
}

}  // namespace
}  // namespace sisyphus::client::test
