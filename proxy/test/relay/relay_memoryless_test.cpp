// Memoryless links on relayed responses: `after: {mean: M}` cuts each relayed body (spliced,
// zero-copy) where the documented draw says, and `after_time` cuts a throttled relayed body
// near rate x time, never before that time.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "relay_fixture.hpp"
#include "sisyphus/testing/memoryless.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

// The draw of rule 0 for GET k of /file.bin with seed 11.
std::uint64_t documented_draw(std::uint32_t k, double mean) {
  return documented_exponential(11, fmt::format("/file.bin:{}:0", k), mean);
}

TEST_F(RelayTest, AfterMeanCutsEachRelayedBodyAtItsDocumentedDraw) {
  start("name: memoryless\nseed: 11\nfaults:\n  - drop: {after: {mean: 4MiB}, how: close}\n");
  constexpr int kAttempts = 8;
  int cut = 0;
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    const std::uint64_t x = documented_draw(k, 4 << 20);
    const HttpResponse r = get("/file.bin");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), std::min(x, kFileSize)) << "attempt " << k << ", X = " << x;
    EXPECT_EQ(r.end, x < kFileSize ? End::fin : End::complete) << "attempt " << k;
    EXPECT_TRUE(r.body == file_bytes(0, r.body.size())) << "attempt " << k;
    if (x < kFileSize) ++cut;
  }
  EXPECT_GT(cut, 0);
  const auto log = by_attempt(log_with(kAttempts));
  ASSERT_EQ(log.size(), static_cast<std::size_t>(kAttempts));
  for (const auto& record : log) {
    EXPECT_EQ(record.bytes_sent, std::min(documented_draw(record.attempt, 4 << 20), kFileSize));
  }
}

TEST_F(RelayTest, AfterTimeCutsAThrottledRelayedBodyNearRateTimesTime) {
  // 1 MiB/s in writes of 10485 bytes every 10 ms; cut after 300 ms: about 314573 bytes.
  start(
      "name: by-time\nfaults:\n  - throttle: {rate: 1MiB/s}\n  - drop: {after_time: 300ms, "
      "how: reset}\n");
  const HttpResponse r = get("/file.bin");
  EXPECT_EQ(r.status, 200);
  expect_timed_cut(r, 1 << 20, 300ms, End::rst);
  EXPECT_TRUE(r.body == file_bytes(0, r.body.size()));
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, r.body.size());
  EXPECT_EQ(log[0].fault, "throttle,drop");

  // The next request on a new connection is relayed whole (the cut ended only that one).
  const HttpResponse next = get("/file.bin", {{"Range", "bytes=0-99"}});
  EXPECT_EQ(next.status, 206);
  EXPECT_EQ(next.body, file_bytes(0, 100));
}

}  // namespace
}  // namespace sisyphus::testing
