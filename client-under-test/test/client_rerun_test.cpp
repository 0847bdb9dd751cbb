// The part file and its state across runs: a rerun resumes from what the state counts, a
// fully held part, leftovers that cannot be trusted, two downloads into one file.
#include <fmt/format.h>

#include <fstream>
#include <thread>

#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

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
  auto log = get_requests(log_with(2));
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
  auto log = get_requests(log_with(2));
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
  EXPECT_EQ(get_requests(log_with(1)).size(), 1u);
}

}  // namespace
}  // namespace sisyphus::client::test
