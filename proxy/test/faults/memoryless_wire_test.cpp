// Memoryless links over loopback: `drop: {after: {mean: M}}` cuts each attempt exactly where
// the documented draw says, `after_time` cuts a throttled body near rate x time and never
// before that time, and random changes republish at the attempts their draws name.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/memoryless.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

constexpr std::uint64_t kSeed = 3;  // the scenario's
constexpr std::uint64_t kContentSeed = 4;

// The draw of rule 0 for GET k ("PATH:k:0"; probability 1 draws nothing before it).
std::uint64_t documented_draw(std::uint32_t k, double mean) {
  return documented_exponential(kSeed, fmt::format("/file:{}:0", k), mean);
}

std::string scenario(std::uint64_t size, std::string_view faults) {
  return fmt::format("name: memoryless\nseed: {}\nresource: {{size: {}, seed: {}}}\nfaults:\n{}",
                     kSeed, size, kContentSeed, faults);
}

TEST_F(ServerTest, AfterMeanCutsEveryAttemptAtItsDocumentedDraw) {
  constexpr std::uint64_t kSize = 100000;
  constexpr int kAttempts = 20;
  start(scenario(kSize, "  - drop: {after: {mean: 50000}, how: reset}\n"));
  const std::string full = content_bytes(kContentSeed, 0, kSize);
  int cut = 0;
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    const std::uint64_t x = documented_draw(k, 50000);
    const HttpResponse r = get("/file");
    ASSERT_EQ(r.status, 200);
    const std::uint64_t expected = std::min(x, kSize);
    EXPECT_EQ(r.body.size(), expected) << "attempt " << k << ", X = " << x;
    EXPECT_EQ(r.end, x < kSize ? End::rst : End::complete) << "attempt " << k;
    EXPECT_EQ(std::memcmp(r.body.data(), full.data(), r.body.size()), 0);
    if (x < kSize) ++cut;
  }
  // Both outcomes occur among the 20 (P(X >= S) = e^-2 = 0.14 per attempt).
  EXPECT_GT(cut, 0);
  EXPECT_LT(cut, kAttempts);

  const auto log = by_attempt(log_with(kAttempts));
  ASSERT_EQ(log.size(), static_cast<std::size_t>(kAttempts));
  for (const auto& record : log) {
    const std::uint64_t x = documented_draw(record.attempt, 50000);
    EXPECT_EQ(record.bytes_sent, std::min(x, kSize)) << "attempt " << record.attempt;
    EXPECT_EQ(record.fault, x < kSize ? std::optional<std::string>("drop") : std::nullopt);
  }
}

TEST_F(ServerTest, AfterMeanCountsBodyBytesOfARangeResponse) {
  constexpr std::uint64_t kSize = 100000;
  start(scenario(kSize, "  - drop: {after: {mean: 10000}}\n"));
  const std::uint64_t x = documented_draw(1, 10000);
  ASSERT_LT(x, kSize - 50000);  // the seed's draw for GET 1 falls inside the range
  const HttpResponse r = get("/file", {{"Range", "bytes=50000-"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.end, End::fin);
  EXPECT_EQ(r.body, content_bytes(kContentSeed, 50000, x));
}

// 100 KiB/s goes out as 16 KiB writes every 160 ms from the first body write; after 300 ms
// the body is cut: 2 writes, 32768 bytes, on time (the third would start at 320 ms). A late
// server sends fewer, never more, and never cuts before 300 ms.
constexpr std::uint64_t kRate = 100 * 1024;
constexpr std::uint64_t kWrite = proxy::throttle_slice(kRate);

TEST_F(ServerTest, AfterTimeCutsAThrottledBodyNearRateTimesTimeAndNeverBefore) {
  start(scenario(1 << 20, "  - throttle: {rate: 100KiB/s}\n  - drop: {after_time: 300ms}\n"));
  const HttpResponse r = get("/file");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Length"), std::to_string(1 << 20));
  expect_timed_cut(r, kRate, 300ms, End::fin);
  EXPECT_EQ(r.body, content_bytes(kContentSeed, 0, r.body.size()));

  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, r.body.size());
  EXPECT_EQ(log[0].fault, "throttle,drop");
}

TEST_F(ServerTest, AfterTimeResetsAndIsTimeScaled) {
  proxy::ServerOptions options;
  options.time_scale = TimeScale(0.5);  // 600ms in the scenario is 300 ms; the rate doubles
  start(scenario(1 << 20,
                 "  - throttle: {rate: 50KiB/s}\n  - drop: {after_time: 600ms, how: reset}\n"),
        options);
  const HttpResponse r = get("/file");
  expect_timed_cut(r, kRate, 300ms, End::rst);
}

TEST_F(ServerTest, AfterTimeLeavesABodyThatEndsSoonerComplete) {
  start(scenario(10000, "  - throttle: {rate: 100KiB/s}\n  - drop: {after_time: 5s}\n"));
  const HttpResponse r = get("/file");  // 10000 bytes take about 100 ms
  EXPECT_EQ(r.end, End::complete);
  EXPECT_EQ(r.body, content_bytes(kContentSeed, 0, 10000));
  EXPECT_LT(r.done_at - r.sent_at, 5s);
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].fault, "throttle");  // the cut did not happen, and the log does not claim it
}

TEST_F(ServerTest, AfterTimeMeanCutsEachAttemptAfterItsDocumentedDraw) {
  constexpr std::uint64_t kSize = 64 * 1024;  // 640 ms at 100 KiB/s
  constexpr int kAttempts = 6;
  start(scenario(kSize, "  - drop: {after_time: {mean: 200ms}}\n  - throttle: {rate: 100KiB/s}\n"));
  int cut = 0;
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    const microseconds t(documented_draw(k, 200000));
    const double at_rate = static_cast<double>(kRate) * static_cast<double>(t.count()) / 1e6;
    const HttpResponse r = get("/file");
    if (at_rate + 2 * kWrite < kSize) {  // the time runs out well before the body does
      ++cut;
      SCOPED_TRACE(fmt::format("attempt {}, t = {} us", k, t.count()));
      expect_timed_cut(r, kRate, t, End::fin);
    } else if (at_rate > kSize + 2 * kWrite) {  // well after
      EXPECT_EQ(r.end, End::complete) << "attempt " << k;
    }
  }
  EXPECT_GT(cut, 0);
}

// A HEAD between GETs neither counts nor moves the draws.
TEST_F(ServerTest, RandomChangesRepublishAtTheAttemptsTheirDrawsName) {
  constexpr int kAttempts = 30;
  start(
      "name: random-change\nseed: 42\nresource: {size: 1000, seed: 20}\nchanges:\n"
      "  - {before_each_attempt: true, probability: 0.5}\n");
  std::uint64_t generation = 0;
  std::set<std::uint64_t> seen;
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    if (k >= 2 && Rng(derive_seed(42, fmt::format("/file:{}:change:0", k))).chance(0.5)) {
      ++generation;
    }
    const std::uint64_t content_seed = 20 + generation;
    seen.insert(content_seed);
    const HttpResponse r = get("/file");
    EXPECT_EQ(r.header("ETag"), fmt::format("\"{:x}-3e8\"", content_seed)) << "attempt " << k;
    EXPECT_EQ(r.body, content_bytes(content_seed, 0, 1000)) << "attempt " << k;
    const HttpResponse h = head("/file");
    EXPECT_EQ(h.header("ETag"), r.header("ETag")) << "HEAD after attempt " << k;
  }
  EXPECT_GT(seen.size(), 5u);
  const auto gets = get_requests(log_with(2 * kAttempts));
  ASSERT_EQ(gets.size(), static_cast<std::size_t>(kAttempts));
  EXPECT_EQ(gets.back().content_seed, 20 + generation);
}

}  // namespace
}  // namespace sisyphus::testing
