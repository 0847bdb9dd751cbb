// FaultEngine::decide() without a network: attempt numbering, `attempts:` entries, rule
// narrowing, seeded probability, changes by attempt and by time, HEAD.
#include "engine/engine.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHeader = "name: t\nseed: 42\nresource: {size: 1000, seed: 7}\n";

FaultEngine engine(std::string_view body, double scale = 1.0) {
  return FaultEngine(load(std::string(kHeader) + std::string(body)), TimeScale(scale));
}

std::vector<std::string> applied(FaultEngine& e, std::string_view path = "/file") {
  return e.decide("GET", path, 1000).plan.applied;
}

using Kinds = std::vector<std::string>;

TEST(FaultEngine, CountsGetsPerPath) {
  FaultEngine e = engine("");
  EXPECT_EQ(e.decide("GET", "/file", 1000).attempt, 1u);
  EXPECT_EQ(e.decide("GET", "/file", 1000).attempt, 2u);
  EXPECT_EQ(e.decide("GET", "/other", 1000).attempt, 1u);
  EXPECT_EQ(e.decide("GET", "/file", 1000).attempt, 3u);
  EXPECT_EQ(e.decide("GET", "/other", 1000).attempt, 2u);
}

TEST(FaultEngine, HeadAndOtherMethodsAreNotCountedAndGetNoFaults) {
  FaultEngine e =
      engine("attempts:\n  - status: {code: 503}\nfaults:\n  - latency: {first_byte: 1ms}\n");
  for (std::string_view method : {"HEAD", "POST", "PUT", "DELETE", "OPTIONS"}) {
    const Decision d = e.decide(method, "/file", 1000);
    EXPECT_EQ(d.attempt, 0u) << method;
    EXPECT_TRUE(d.plan.applied.empty()) << method;
    EXPECT_FALSE(d.plan.status) << method;
    EXPECT_EQ(d.plan.first_byte_delay, Duration{0}) << method;
    EXPECT_EQ(d.content_seed, 7u) << method;
  }
  // The first GET is still attempt 1 and gets entry 1.
  const Decision first = e.decide("GET", "/file", 1000);
  EXPECT_EQ(first.attempt, 1u);
  EXPECT_EQ(first.plan.status, 503);
  EXPECT_EQ(first.plan.applied, (Kinds{"status", "latency"}));
}

TEST(FaultEngine, AttemptEntryKAppliesToTheKthGetThenClean) {
  FaultEngine e = engine(
      "attempts:\n"
      "  - drop: {at: 95%, how: close}\n"
      "  - drop: {after: 100, how: reset}\n"
      "  - status: {code: 503, retry_after: 1s}\n"
      "  - {}\n"
      "  - stall: {at: 50%, for: 300ms}\n");
  Decision d1 = e.decide("GET", "/file", 1000);
  ASSERT_TRUE(d1.plan.cut);
  EXPECT_EQ(d1.plan.cut->at.offset, 950u);
  EXPECT_EQ(d1.plan.cut->how, CutHow::close);
  Decision d2 = e.decide("GET", "/file", 1000);
  ASSERT_TRUE(d2.plan.cut);
  EXPECT_EQ(d2.plan.cut->at.base, BodyPoint::Base::response);
  EXPECT_EQ(d2.plan.cut->how, CutHow::reset);
  Decision d3 = e.decide("GET", "/file", 1000);
  EXPECT_EQ(d3.plan.status, 503);
  EXPECT_FALSE(d3.plan.cut);
  EXPECT_EQ(applied(e), Kinds{});
  EXPECT_EQ(applied(e), Kinds{"stall"});
  for (int k = 6; k < 20; ++k) EXPECT_EQ(applied(e), Kinds{}) << "attempt " << k;
  // Another path has its own count, so it gets entry 1 on its own first GET.
  EXPECT_EQ(applied(e, "/other"), Kinds{"drop"});
}

TEST(FaultEngine, PercentagesResolveAgainstTheSizeGivenToDecide) {
  FaultEngine e = engine("faults:\n  - drop: {at: 50%}\n");
  EXPECT_EQ(e.decide("GET", "/file", 1000).plan.cut->at.offset, 500u);
  EXPECT_EQ(e.decide("GET", "/file", 3).plan.cut->at.offset, 1u);
  EXPECT_EQ(e.decide("GET", "/file", 1ULL << 40).plan.cut->at.offset, 1ULL << 39);
}

TEST(FaultEngine, RulesAreNarrowedByTheirAttempts) {
  FaultEngine e = engine(
      "faults:\n"
      "  - latency: {first_byte: 1ms, attempts: [2, 4]}\n"
      "  - throttle: {rate: 1KiB/s, attempts: 3}\n"
      "  - corrupt: {at: 1}\n");
  EXPECT_EQ(applied(e), (Kinds{"corrupt"}));
  EXPECT_EQ(applied(e), (Kinds{"latency", "corrupt"}));
  EXPECT_EQ(applied(e), (Kinds{"throttle", "corrupt"}));
  EXPECT_EQ(applied(e), (Kinds{"latency", "corrupt"}));
  EXPECT_EQ(applied(e), (Kinds{"corrupt"}));
}

TEST(FaultEngine, AttemptEntryFaultsComeBeforeRulesAndTheEarliestCutWins) {
  FaultEngine e = engine(
      "attempts:\n  - drop: {at: 80%, how: reset}\n"
      "faults:\n  - stall: {at: 30%, for: 1s, attempts: [1]}\n  - drop: {at: 90%}\n");
  Decision d = e.decide("GET", "/file", 1000);
  EXPECT_EQ(d.plan.applied, (Kinds{"drop", "stall", "drop"}));
  ASSERT_TRUE(d.plan.cut);
  EXPECT_EQ(d.plan.cut->at.offset, 300u);
  EXPECT_EQ(d.plan.cut->how, CutHow::stall);
  d = e.decide("GET", "/file", 1000);
  EXPECT_EQ(d.plan.cut->at.offset, 900u);
  EXPECT_EQ(d.plan.cut->how, CutHow::close);
}

// The attempts on which a probability rule fires, for the first n GETs of `path`.
std::vector<std::uint32_t> firing(FaultEngine& e, std::string_view path, std::uint32_t n) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < n; ++i) {
    Decision d = e.decide("GET", path, 1000);
    if (!d.plan.applied.empty()) out.push_back(d.attempt);
  }
  return out;
}

TEST(FaultEngine, ProbabilityIsSeededByScenarioSeedPathAttemptAndRule) {
  const std::string rules = "faults:\n  - status: {code: 503, probability: 0.3}\n";
  FaultEngine a = engine(rules);
  FaultEngine b = engine(rules);
  const auto fired = firing(a, "/file", 1000);
  EXPECT_EQ(fired, firing(b, "/file", 1000));
  // 1000 draws at 0.3: 300 expected, sd 14.5.
  EXPECT_GT(fired.size(), 230u);
  EXPECT_LT(fired.size(), 370u);
  // The documented formula: the rule's first draw from Rng(derive_seed(seed, "PATH:K:RULE")).
  std::vector<std::uint32_t> expected;
  for (std::uint32_t k = 1; k <= 1000; ++k) {
    Rng rng(derive_seed(42, fmt::format("/file:{}:0", k)));
    if (rng.uniform01() < 0.3) expected.push_back(k);
  }
  EXPECT_EQ(fired, expected);
  // Another seed, another pattern.
  FaultEngine c(load("name: t\nseed: 43\nresource: {size: 1000}\n" + rules), TimeScale(1.0));
  EXPECT_NE(firing(c, "/file", 1000), fired);
}

TEST(FaultEngine, ProbabilityZeroNeverFiresAndOneAlwaysDoes) {
  FaultEngine e = engine(
      "faults:\n  - status: {code: 500, probability: 0}\n  - latency: {first_byte: 1ms, "
      "probability: 1}\n");
  for (int i = 0; i < 200; ++i) EXPECT_EQ(applied(e), Kinds{"latency"});
}

TEST(FaultEngine, ChoicesDoNotDependOnConcurrency) {
  const std::string rules =
      "faults:\n  - corrupt: {at: 10, bytes: 4, probability: 0.5}\n"
      "  - latency: {first_byte: 1ms, jitter: 10ms, probability: 0.5}\n";
  auto fingerprint = [](const Decision& d) {
    std::string f = fmt::format("{}:{}", d.attempt, d.plan.first_byte_delay.count());
    for (const auto& c : d.plan.corruptions) f += fmt::format(",{}", c.mask);
    return f;
  };
  const std::vector<std::string> paths{"/a", "/b", "/c", "/d"};
  // Sequential, one path after another.
  std::map<std::string, std::vector<std::string>> sequential;
  {
    FaultEngine e = engine(rules);
    for (const auto& p : paths) {
      for (int i = 0; i < 300; ++i) sequential[p].push_back(fingerprint(e.decide("GET", p, 1000)));
    }
  }
  // Four threads interleaving their requests on one engine.
  std::map<std::string, std::vector<std::string>> concurrent;
  {
    FaultEngine e = engine(rules);
    std::vector<std::thread> threads;
    for (const auto& p : paths) concurrent[p];
    for (const auto& p : paths) {
      threads.emplace_back([&e, &concurrent, p, &fingerprint] {
        auto& out = concurrent.at(p);
        for (int i = 0; i < 300; ++i) out.push_back(fingerprint(e.decide("GET", p, 1000)));
      });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(concurrent, sequential);
  // Two paths see different choices (the path is part of the seed).
  EXPECT_NE(sequential["/a"], sequential["/b"]);
}

TEST(FaultEngine, ChangesBeforeAttempt) {
  FaultEngine e = engine("changes:\n  - before_attempt: 2\n  - before_attempt: 4\n");
  const std::vector<std::uint32_t> generations{0, 1, 1, 2, 2, 2};
  for (std::uint32_t k = 1; k <= generations.size(); ++k) {
    const Decision d = e.decide("GET", "/file", 1000);
    EXPECT_EQ(d.attempt, k);
    EXPECT_EQ(d.generation, generations[k - 1]) << "attempt " << k;
    EXPECT_EQ(d.content_seed, 7u + generations[k - 1]) << "attempt " << k;
  }
}

TEST(FaultEngine, HeadSeesChangesOfTheGetsSoFar) {
  FaultEngine e = engine("changes:\n  - before_attempt: 2\n");
  EXPECT_EQ(e.decide("HEAD", "/file", 1000).generation, 0u);
  EXPECT_EQ(e.decide("GET", "/file", 1000).generation, 0u);
  // The change happens as GET #2 arrives: a HEAD in between still sees the original.
  EXPECT_EQ(e.decide("HEAD", "/file", 1000).generation, 0u);
  EXPECT_EQ(e.generation_now("/file"), 0u);
  EXPECT_EQ(e.decide("GET", "/file", 1000).generation, 1u);
  const Decision head = e.decide("HEAD", "/file", 1000);
  EXPECT_EQ(head.generation, 1u);
  EXPECT_EQ(head.content_seed, 8u);
  EXPECT_EQ(e.generation_now("/file"), 1u);
}

TEST(FaultEngine, ChangesAtTimeAreTimeScaledAndRestartOnReset) {
  // 1 s at scale 0.2 happens 200 ms after the start.
  FaultEngine e = engine("changes:\n  - at_time: 1s\n  - at_time: 1h\n", 0.2);
  EXPECT_EQ(e.decide("GET", "/file", 1000).generation, 0u);
  EXPECT_EQ(e.generation_now("/file"), 0u);
  std::this_thread::sleep_for(300ms);
  const Decision later = e.decide("GET", "/file", 1000);
  EXPECT_EQ(later.generation, 1u);
  EXPECT_EQ(later.content_seed, 8u);
  EXPECT_EQ(e.generation_now("/file"), 1u);
  e.reset();
  const Decision after_reset = e.decide("GET", "/file", 1000);
  EXPECT_EQ(after_reset.attempt, 1u);
  EXPECT_EQ(after_reset.generation, 0u);
}

TEST(FaultEngine, ResetRestartsAttemptCounting) {
  FaultEngine e = engine("attempts:\n  - status: {code: 503}\n");
  EXPECT_EQ(applied(e), Kinds{"status"});
  EXPECT_EQ(applied(e), Kinds{});
  e.reset();
  const Decision d = e.decide("GET", "/file", 1000);
  EXPECT_EQ(d.attempt, 1u);
  EXPECT_EQ(d.plan.applied, Kinds{"status"});
}

TEST(FaultEngine, TimeScaleReachesThePlan) {
  FaultEngine e = engine(
      "attempts:\n  - {latency: {first_byte: 1s}, drop: {at: 10, how: stall, for: 10s}, "
      "status: {code: 503, retry_after: 10s}, throttle: {rate: 1MiB/s}}\n",
      0.01);
  EXPECT_EQ(e.time_scale().factor(), 0.01);
  const Decision d = e.decide("GET", "/file", 1000);
  EXPECT_EQ(d.plan.first_byte_delay, Duration{10ms});
  EXPECT_EQ(d.plan.cut->stall_for, Duration{100ms});
  EXPECT_EQ(d.plan.headers, (decltype(d.plan.headers){{"Retry-After", "1"}}));
  EXPECT_EQ(d.plan.rate, 100u << 20);
}

TEST(FaultEngine, RelayedResponsesSkipKindsThatCannotBeRelayed) {
  FaultEngine e = engine(
      "attempts:\n  - {wrong_range: {shift: 1}, drop: {at: 5}}\n  - no_range: {}\n"
      "faults:\n  - corrupt: {at: 1}\n");
  EXPECT_EQ(e.decide("GET", "/file", 1000, true).plan.applied, (Kinds{"drop", "corrupt"}));
  EXPECT_EQ(e.decide("GET", "/file", 1000, true).plan.applied, (Kinds{"corrupt"}));
  FaultEngine origin =
      engine("attempts:\n  - {wrong_range: {shift: 1}, drop: {at: 5}}\n  - no_range: {}\n");
  EXPECT_EQ(origin.decide("GET", "/file", 1000).plan.applied, (Kinds{"wrong_range", "drop"}));
  EXPECT_TRUE(origin.decide("GET", "/file", 1000).plan.ignore_range);
}

// docs/faults.md, "resource change": GET k >= 2 of PATH republishes when
// Rng(derive_seed(seed, "PATH:k:change:c")).chance(p); the generation adds up the successes.
std::vector<std::uint32_t> documented_generations(std::string_view path, std::uint32_t attempts,
                                                  double p, std::uint64_t seed = 42) {
  std::vector<std::uint32_t> out;
  std::uint32_t generation = 0;
  for (std::uint32_t k = 1; k <= attempts; ++k) {
    if (k >= 2 && Rng(derive_seed(seed, fmt::format("{}:{}:change:0", path, k))).chance(p)) {
      ++generation;
    }
    out.push_back(generation);
  }
  return out;
}

TEST(FaultEngine, RandomChangesFollowTheDocumentedDrawsAtARateNearP) {
  FaultEngine e = engine("changes:\n  - {before_each_attempt: true, probability: 0.1}\n");
  constexpr std::uint32_t kAttempts = 1001;  // k = 2 ... 1001: 1,000 draws
  const std::vector<std::uint32_t> expected = documented_generations("/file", kAttempts, 0.1);
  std::vector<std::uint32_t> seen;
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    const Decision d = e.decide("GET", "/file", 1000);
    EXPECT_EQ(d.content_seed, 7u + d.generation);
    seen.push_back(d.generation);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(seen[0], 0u);  // nothing changes before the first attempt
  // 1,000 draws at p = 0.1: mean 100, standard deviation sqrt(1000 * 0.1 * 0.9) = 9.5; the
  // seed is fixed, and the band is 3 of them.
  EXPECT_GE(seen.back(), 72u);
  EXPECT_LE(seen.back(), 128u);
  EXPECT_EQ(e.generation_now("/file"), seen.back());  // HEAD sees what the last GET saw
}

TEST(FaultEngine, RandomChangesDependOnlyOnSeedPathAndAttempt) {
  const std::string yaml = "changes:\n  - {before_each_attempt: true, probability: 0.5}\n";
  FaultEngine alone = engine(yaml);
  std::vector<std::uint32_t> a_alone;
  for (int k = 0; k < 40; ++k) a_alone.push_back(alone.decide("GET", "/a", 1000).generation);
  EXPECT_EQ(a_alone, documented_generations("/a", 40, 0.5));
  EXPECT_GT(a_alone.back(), 0u);

  // Interleaved with another path, HEADs and four threads on a third: /a sees the same.
  FaultEngine busy = engine(yaml);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) busy.decide("GET", "/c", 1000);
    });
  }
  std::vector<std::uint32_t> a_busy;
  for (int k = 0; k < 40; ++k) {
    busy.decide("GET", "/b", 1000);
    busy.decide("HEAD", "/a", 1000);
    a_busy.push_back(busy.decide("GET", "/a", 1000).generation);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(a_busy, a_alone);
  EXPECT_EQ(busy.generation_now("/c"), documented_generations("/c", 200, 0.5).back());

  // Another seed, other draws; probability 1 republishes before every attempt after the first.
  FaultEngine always = engine("changes:\n  - before_each_attempt: true\n  - before_attempt: 3\n");
  std::vector<std::uint32_t> generations;
  for (int k = 0; k < 4; ++k) generations.push_back(always.decide("GET", "/f", 1).generation);
  EXPECT_EQ(generations, (std::vector<std::uint32_t>{0, 1, 3, 4}));
}

TEST(FaultEngine, ContentSeedFormula) {
  model::Resource r;
  r.seed = 100;
  EXPECT_EQ(r.content_seed(0), 100u);
  EXPECT_EQ(r.content_seed(3), 103u);
}

}  // namespace
}  // namespace sisyphus::proxy::test
