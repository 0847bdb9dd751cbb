// stall (and drop how: stall) over loopback: the bytes before the offset arrive, then the
// connection stays open and silent for the configured time, then closes with a FIN.
#include <gtest/gtest.h>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

const std::string kScenario = scenario_yaml("stalls", "size: 100000, seed: 3", R"(attempts:
  - stall: {at: 40000, for: 300ms}
  - drop: {at: 25%, how: stall, for: 300ms}
  - stall: {after: 10, for: 1s}
)");

// Reads the head and the body up to the stall, checks the silence, then the close.
void expect_stall(RawClient& c, std::uint64_t bytes_before, std::chrono::milliseconds stall) {
  c.send(request("GET", "/file"));
  // The gap timeout ends the read once the bytes before the stall are in: 150 ms of silence
  // with the connection still open.
  HttpResponse r = c.read_response(false, 150ms);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.end, End::timeout);
  EXPECT_EQ(r.body, content_bytes(3, 0, bytes_before));
  std::string extra;
  const End end = c.wait_close(2s, &extra);
  const auto closed_at = Clock::now();
  EXPECT_EQ(end, End::fin);
  EXPECT_EQ(extra, "");  // nothing at all during the stall
  // Never closed before the stall ran out (counted from the request, which certainly came
  // first); closed soon after it (counted from the last byte, with slack for a loaded machine).
  const auto since_request =
      std::chrono::duration_cast<std::chrono::milliseconds>(closed_at - r.sent_at);
  const auto since_last_byte =
      std::chrono::duration_cast<std::chrono::milliseconds>(closed_at - (r.done_at - 150ms));
  EXPECT_GE(since_request, stall);
  EXPECT_LE(since_last_byte, stall + 400ms);
}

TEST_F(ServerTest, StallHoldsTheConnectionSilentForItsDurationThenCloses) {
  start(std::string(kScenario));
  RawClient a = connect();
  expect_stall(a, 40000, 300ms);
  RawClient b = connect();
  expect_stall(b, 25000, 300ms);

  const auto log = by_attempt(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].bytes_sent, 40000u);
  EXPECT_EQ(log[0].fault, "stall");
  EXPECT_EQ(log[1].bytes_sent, 25000u);
  EXPECT_EQ(log[1].fault, "drop");
  EXPECT_GE(log[0].duration_s, 0.3);
}

TEST_F(ServerTest, StallDurationFollowsTheTimeScale) {
  proxy::ServerOptions options;
  options.time_scale = TimeScale(0.3);  // 1 s -> 300 ms
  start(std::string(kScenario), options);
  get("/file");
  get("/file");
  RawClient c = connect();
  expect_stall(c, 10, 300ms);
}

}  // namespace
}  // namespace sisyphus::testing
