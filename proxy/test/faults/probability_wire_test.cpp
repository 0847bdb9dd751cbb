// A probability rule with a fixed seed fires on the same attempts on every run, and on the
// attempts the documented seeding formula predicts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr int kAttempts = 40;
const std::string kScenario = scenario_yaml("flaky", "size: 2000, seed: 1", R"(faults:
  - latency: {first_byte: 1ms, attempts: [1, 2]}
  - status: {code: 503, retry_after: 1, probability: 0.4}
)",
                                            77);

class ProbabilityWire : public ServerTest {
 protected:
  // The attempts that were answered 503, over one fresh server run.
  std::vector<int> run_once() {
    start(std::string(kScenario));
    std::vector<int> fired;
    for (int k = 1; k <= kAttempts; ++k) {
      HttpResponse r = get("/file");
      if (r.status == 503) {
        fired.push_back(k);
        EXPECT_EQ(r.header("Retry-After"), "1");
      } else {
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, content_bytes(1, 0, 2000));
      }
    }
    server_->stop();
    server_.reset();
    return fired;
  }
};

TEST_F(ProbabilityWire, FiresOnTheSameAttemptsEveryRun) {
  const std::vector<int> first = run_once();
  const std::vector<int> second = run_once();
  EXPECT_EQ(first, second);
  std::vector<int> predicted;
  for (int k = 1; k <= kAttempts; ++k) {
    // Rule index 1 (the status rule), seed 77.
    if (Rng(derive_seed(77, fmt::format("/file:{}:1", k))).uniform01() < 0.4) {
      predicted.push_back(k);
    }
  }
  EXPECT_EQ(first, predicted);
  EXPECT_GT(first.size(), 5u);
  EXPECT_LT(first.size(), 30u);
}

TEST_F(ProbabilityWire, ResetReplaysTheSameChoices) {
  start(std::string(kScenario));
  auto statuses = [&] {
    std::vector<int> out;
    for (int k = 1; k <= 20; ++k) out.push_back(get("/file").status);
    return out;
  };
  const std::vector<int> before = statuses();
  server_->reset();
  EXPECT_EQ(statuses(), before);
}

}  // namespace
}  // namespace sisyphus::testing
