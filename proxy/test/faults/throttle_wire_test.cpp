// throttle over loopback: the body arrives at the configured rate, within 5 % over one
// second (the server paces on an absolute schedule, so a late wake-up does not accumulate).
#include <gtest/gtest.h>

#include "sisyphus/proxy/plan.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

using Seconds = std::chrono::duration<double>;

constexpr std::uint64_t kRate = 1024 * 1024;
constexpr std::uint64_t kSlice = proxy::throttle_slice(kRate);  // written at a time
constexpr std::uint64_t kSize = kRate + kSlice;  // the last write leaves at ~1 s + a slice
constexpr std::uint64_t kLastWrite = (kSize - 1) / kSlice * kSlice;  // its body position

// Bytes per second measured by the client: the last write's position over the time from
// the head to the last byte. A client thread preempted while the head arrives shortens that
// time, so this can read high (5.4 % over, once, in an ASan CI run); it is the bound below.
double measured_rate(const HttpResponse& r) {
  return static_cast<double>(kLastWrite) / Seconds(r.done_at - r.head_at).count();
}
// The same from before the request's first byte went: the server's schedule starts after
// that, and pacing never sends early, so this never reads high; it is the bound above.
double rate_from_request(const HttpResponse& r) {
  return static_cast<double>(kLastWrite) / Seconds(r.done_at - r.sent_at).count();
}

TEST_F(ServerTest, ThrottleHoldsItsRateWithinFivePercentOverOneSecond) {
  start("name: throttle\nseed: 1\nresource: {size: " + std::to_string(kSize) +
        ", seed: 6}\nfaults:\n  - throttle: {rate: 1MiB/s}\n");
  HttpResponse r = get("/file");
  ASSERT_EQ(r.end, End::complete);
  EXPECT_EQ(r.body, content_bytes(6, 0, kSize));
  const double rate = measured_rate(r);
  EXPECT_GT(rate, 0.95 * kRate) << rate << " B/s";
  EXPECT_LT(rate_from_request(r), 1.05 * kRate) << rate_from_request(r) << " B/s";
  const auto log = by_attempt(log_with(1));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, kSize);
  EXPECT_EQ(log[0].fault, "throttle");
  RecordProperty("measured_rate_bytes_per_s", std::to_string(static_cast<long>(rate)));
}

TEST_F(ServerTest, ThrottleRateScalesWithTheTimeScale) {
  proxy::ServerOptions options;
  options.time_scale = TimeScale(0.5);  // half the time: twice the rate
  start("name: throttle\nseed: 1\nresource: {size: " + std::to_string(kSize) +
            ", seed: 6}\nfaults:\n  - throttle: {rate: 512KiB/s}\n",
        options);
  HttpResponse r = get("/file");
  ASSERT_EQ(r.end, End::complete);
  const double rate = measured_rate(r);
  EXPECT_GT(rate, 0.95 * kRate) << rate << " B/s";
  EXPECT_LT(rate_from_request(r), 1.05 * kRate) << rate_from_request(r) << " B/s";
}

// 128 KiB at 64 KiB/s in bursts of 64 KiB: two writes, the second at 1 s (pacing never
// sends early), where the default 16 KiB slices end at 1.75 s.
TEST_F(ServerTest, ThrottleBurstWritesThatManyBytesAtATimeOnTheSameSchedule) {
  start(
      "name: throttle\nseed: 1\nresource: {size: 128KiB, seed: 6}\n"
      "faults:\n  - throttle: {rate: 64KiB/s, burst: 64KiB}\n");
  HttpResponse r = get("/file");
  ASSERT_EQ(r.end, End::complete);
  EXPECT_EQ(r.body, content_bytes(6, 0, 128 * 1024));
  const double seconds = Seconds(r.done_at - r.head_at).count();
  EXPECT_GE(seconds, 0.99);
  EXPECT_LT(seconds, 1.5);
  const auto log = by_attempt(log_with(1));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, 128u * 1024);
}

}  // namespace
}  // namespace sisyphus::testing
