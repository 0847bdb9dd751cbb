// Each fault kind parsed from YAML and applied to an empty plan: what it asks the server to do.
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

ResponsePlan plan_for(std::string_view entry, std::uint64_t size = 1000, double scale = 1.0,
                      std::uint64_t rng_seed = 7) {
  const model::Scenario s = load(with_attempt(entry));
  ResponsePlan plan;
  Rng rng(rng_seed);
  const RequestContext ctx{"GET", "/file", 1, size, false, TimeScale(scale)};
  for (const auto& spec : s.attempts.at(0).faults) {
    FaultRegistry::instance().build(spec, s)->apply(plan, ctx, rng);
  }
  return plan;
}

TEST(FaultPlan, DropAtPercentClose) {
  const ResponsePlan p = plan_for("drop: {at: 95%, how: close}", 2000);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::resource);
  EXPECT_EQ(p.cut->at.offset, 1900u);
  EXPECT_EQ(p.cut->how, CutHow::close);
  EXPECT_EQ(p.cut->stall_for, Duration{0});
  EXPECT_EQ(p.cut->fault, "drop");
  EXPECT_EQ(p.applied, std::vector<std::string>{"drop"});
}

TEST(FaultPlan, DropHowDefaultsToClose) {
  const ResponsePlan p = plan_for("drop: {at: 4KiB}", 1 << 20);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.offset, 4096u);
  EXPECT_EQ(p.cut->how, CutHow::close);
}

TEST(FaultPlan, DropAfterReset) {
  const ResponsePlan p = plan_for("drop: {after: 1MiB, how: reset}", 8 << 20);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::response);
  EXPECT_EQ(p.cut->at.offset, 1u << 20);
  EXPECT_EQ(p.cut->how, CutHow::reset);
}

TEST(FaultPlan, DropStallDefaultsToThirtySecondsAndIsTimeScaled) {
  const ResponsePlan p = plan_for("drop: {at: 1000, how: stall}");
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->how, CutHow::stall);
  EXPECT_EQ(p.cut->stall_for, Duration{30s});
  const ResponsePlan scaled = plan_for("drop: {at: 10, how: stall, for: 2s}", 1000, 0.1);
  EXPECT_EQ(scaled.cut->stall_for, Duration{200ms});
}

TEST(FaultPlan, StallAtPercent) {
  const ResponsePlan p = plan_for("stall: {at: 50%, for: 300ms}", 999);
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.base, BodyPoint::Base::resource);
  EXPECT_EQ(p.cut->at.offset, 499u);  // percentages round down
  EXPECT_EQ(p.cut->how, CutHow::stall);
  EXPECT_EQ(p.cut->stall_for, Duration{300ms});
  EXPECT_EQ(p.cut->fault, "stall");
  EXPECT_EQ(plan_for("stall: {after: 10}").cut->stall_for, Duration{30s});
}

TEST(FaultPlan, EarliestCutWins) {
  const ResponsePlan p = plan_for("{drop: {at: 80%}, stall: {at: 20%}}");
  ASSERT_TRUE(p.cut);
  EXPECT_EQ(p.cut->at.offset, 200u);
  EXPECT_EQ(p.cut->how, CutHow::stall);
  EXPECT_EQ(p.applied, (std::vector<std::string>{"drop", "stall"}));
}

TEST(FaultPlan, StatusWithRetryAfterDuration) {
  const ResponsePlan p = plan_for("status: {code: 503, retry_after: 1s}");
  EXPECT_EQ(p.status, 503);
  EXPECT_EQ(p.headers, (decltype(p.headers){{"Retry-After", "1"}}));
  EXPECT_EQ(p.applied, std::vector<std::string>{"status"});
}

TEST(FaultPlan, RetryAfterRoundsUpToWholeSeconds) {
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 1500ms}").headers.at(0).second, "2");
  EXPECT_EQ(plan_for("status: {code: 429, retry_after: 2}").headers.at(0).second, "2");
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 0}").headers.at(0).second, "0");
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 1us}").headers.at(0).second, "1");
  // Time-scaled first: 10 s at 0.25 is 2.5 s, sent as 3.
  EXPECT_EQ(plan_for("status: {code: 503, retry_after: 10s}", 1000, 0.25).headers.at(0).second,
            "3");
  // No overflow for the largest delay at a large scale (12 digits of seconds, times 1000).
  EXPECT_EQ(
      plan_for("status: {code: 503, retry_after: 999999999999}", 1000, 1000.0).headers.at(0).second,
      "999999999999000");
}

TEST(FaultPlan, RetryAfterHttpDateIsSentVerbatim) {
  const ResponsePlan p =
      plan_for(R"(status: {code: 503, retry_after: "Wed, 21 Oct 2026 07:28:00 GMT"})");
  EXPECT_EQ(p.headers, (decltype(p.headers){{"Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"}}));
}

TEST(FaultPlan, StatusWithoutRetryAfterAddsNoHeader) {
  const ResponsePlan p = plan_for("status: {code: 500}");
  EXPECT_EQ(p.status, 500);
  EXPECT_TRUE(p.headers.empty());
}

TEST(FaultPlan, TheLastStatusWinsWithItsOwnRetryAfter) {
  const model::Scenario s = load(
      "name: t\nresource: {size: 10}\nattempts:\n  - status: {code: 503, retry_after: 5s}\n"
      "faults:\n  - status: {code: 429, retry_after: 2}\n  - status: {code: 500}\n");
  FaultEngine engine(s, TimeScale(1.0));
  const ResponsePlan p = engine.decide("GET", "/file", 10).plan;
  EXPECT_EQ(p.status, 500);
  EXPECT_TRUE(p.headers.empty());
  EXPECT_EQ(p.applied, (std::vector<std::string>{"status", "status", "status"}));
  FaultEngine two(load("name: t\nresource: {size: 10}\nattempts:\n  - status: {code: 503, "
                       "retry_after: 5s}\nfaults:\n  - status: {code: 429, retry_after: 2}\n"),
                  TimeScale(1.0));
  const ResponsePlan q = two.decide("GET", "/file", 10).plan;
  EXPECT_EQ(q.status, 429);
  EXPECT_EQ(q.headers, (decltype(q.headers){{"Retry-After", "2"}}));
}

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

TEST(FaultPlan, ThrottleRateAndTimeScale) {
  EXPECT_EQ(plan_for("throttle: {rate: 1MiB/s}").rate, 1u << 20);
  EXPECT_EQ(plan_for("throttle: {rate: 500KB/s}").rate, 500'000u);
  // Half the time for the same bytes: twice the rate.
  EXPECT_EQ(plan_for("throttle: {rate: 1MiB/s}", 1000, 0.5).rate, 2u << 20);
  EXPECT_EQ(plan_for("throttle: {rate: 1000B/s}", 1000, 3.0).rate, 334u);
}

TEST(FaultPlan, CorruptFlipsConsecutiveBytesWithNonZeroMasks) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const ResponsePlan p = plan_for("corrupt: {at: 50%, bytes: 16}", 1000, 1.0, seed);
    ASSERT_EQ(p.corruptions.size(), 16u);
    for (std::size_t i = 0; i < 16; ++i) {
      EXPECT_EQ(p.corruptions[i].resource_offset, 500 + i);
      EXPECT_NE(p.corruptions[i].mask, 0);
    }
  }
  const ResponsePlan one = plan_for("corrupt: {at: 10MiB}", 64 << 20);
  ASSERT_EQ(one.corruptions.size(), 1u);
  EXPECT_EQ(one.corruptions[0].resource_offset, 10u << 20);
  EXPECT_EQ(one.applied, std::vector<std::string>{"corrupt"});
}

TEST(FaultPlan, CorruptMasksFollowTheSeed) {
  auto masks = [](std::uint64_t seed) {
    std::vector<int> out;
    for (const auto& c : plan_for("corrupt: {at: 0, bytes: 8}", 1000, 1.0, seed).corruptions) {
      out.push_back(c.mask);
    }
    return out;
  };
  EXPECT_EQ(masks(1), masks(1));
  EXPECT_NE(masks(1), masks(2));
}

TEST(FaultPlan, CorruptStopsAtTheEndOfTheResource) {
  const ResponsePlan p = plan_for("corrupt: {at: 998, bytes: 5}", 1000);
  ASSERT_EQ(p.corruptions.size(), 2u);
  EXPECT_EQ(p.corruptions[1].resource_offset, 999u);
  EXPECT_TRUE(plan_for("corrupt: {at: 100%}", 1000).corruptions.empty());
}

TEST(FaultPlan, WrongRangeShift) {
  EXPECT_EQ(plan_for("wrong_range: {shift: 1KiB}").range_shift, 1024);
  EXPECT_EQ(plan_for("wrong_range: {shift: -1KiB}").range_shift, -1024);
  EXPECT_EQ(plan_for("wrong_range: {shift: 7}").applied, std::vector<std::string>{"wrong_range"});
}

TEST(FaultPlan, NoRange) {
  for (const char* entry : {"no_range: {}", "no_range:", "no_range: ~"}) {
    const ResponsePlan p = plan_for(entry);
    EXPECT_TRUE(p.ignore_range) << entry;
    EXPECT_EQ(p.applied, std::vector<std::string>{"no_range"});
  }
}

TEST(FaultPlan, ChunkedCut) {
  const ResponsePlan p = plan_for("chunked_cut: {}");
  EXPECT_TRUE(p.chunked);
  EXPECT_TRUE(p.chunked_cut);
  EXPECT_EQ(p.applied, std::vector<std::string>{"chunked_cut"});
}

TEST(FaultPlan, SeveralFaultsInOneAttemptEditOnePlan) {
  const ResponsePlan p = plan_for(
      "{latency: {first_byte: 5ms}, throttle: {rate: 10KiB/s}, "
      "drop: {after: 100, how: reset}}");
  EXPECT_EQ(p.first_byte_delay, Duration{5ms});
  EXPECT_EQ(p.rate, 10240u);
  EXPECT_EQ(p.cut->at.offset, 100u);
  EXPECT_EQ(p.applied, (std::vector<std::string>{"latency", "throttle", "drop"}));
}

}  // namespace
}  // namespace sisyphus::proxy::test
