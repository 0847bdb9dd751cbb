// What latency puts in the response plan: first-byte and per-chunk delays, seeded jitter, the time
// scale.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

TEST(FaultPlan, LatencyJitterStaysInItsBoundsAndFollowsTheSeed) {
  Duration lo = Duration::max();
  Duration hi = Duration::min();
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const ResponsePlan p =
        plan_for("latency: {first_byte: 100ms, per_chunk: 2ms, jitter: 20ms}", 1000, 1.0, seed);
    EXPECT_GE(p.first_byte_delay, Duration{100ms});
    EXPECT_LE(p.first_byte_delay, Duration{120ms});
    EXPECT_EQ(p.per_chunk_delay, Duration{2ms});
    EXPECT_EQ(
        p.first_byte_delay,
        plan_for("latency: {first_byte: 100ms, per_chunk: 2ms, jitter: 20ms}", 1000, 1.0, seed)
            .first_byte_delay);
    lo = std::min(lo, p.first_byte_delay);
    hi = std::max(hi, p.first_byte_delay);
  }
  // 300 draws of 0..20000 us: both ends of the interval are reached within 1 ms.
  EXPECT_LT(lo, Duration{101ms});
  EXPECT_GT(hi, Duration{119ms});
}

TEST(FaultPlan, LatencyWithoutJitterIsExactAndTimeScaled) {
  const ResponsePlan p = plan_for("latency: {first_byte: 1s, per_chunk: 10ms}", 1000, 0.5);
  EXPECT_EQ(p.first_byte_delay, Duration{500ms});
  EXPECT_EQ(p.per_chunk_delay, Duration{5ms});
  EXPECT_EQ(p.applied, std::vector<std::string>{"latency"});
}

}  // namespace
}  // namespace sisyphus::proxy::test
