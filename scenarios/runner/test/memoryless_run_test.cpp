// Memoryless links end to end: the reference client on a real in-process server with
// `drop: {after: {mean: M}}` on every GET. Resuming, every byte goes out once (bytes_sent == S)
// and there is one attempt more than there were cuts, each cut where the documented draw says.
// With random changes the verdict is judged against the version served last.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/runner/runner.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

using reports::Verdict;

class MemorylessRun : public ::testing::Test {
 protected:
  model::Scenario load(const std::string& file, const std::string& yaml) {
    const auto path = dir_.path() / file;
    std::ofstream(path) << yaml;
    return proxy::load_scenario_file(path);
  }
  RunOptions options() const {
    RunOptions o;
    o.work_root = dir_.path() / "work";
    o.sisyphus_binary = SISYPHUS_TEST_BINARY;
    o.client = "reference";
    return o;
  }
  sisyphus::testing::TempDir dir_;
};

// docs/faults.md, "Memoryless links": the cut of GET k by rule 0 of /file.
std::uint64_t documented_draw(std::uint64_t seed, std::uint32_t k, double mean) {
  Rng rng(derive_seed(seed, fmt::format("/file:{}:0", k)));
  return static_cast<std::uint64_t>(std::floor(-mean * std::log1p(-rng.uniform01())));
}

constexpr std::uint64_t kSize = 1 << 20;

TEST_F(MemorylessRun, ResumingSendsEveryByteOnceWithOneAttemptPerCutPlusOne) {
  const auto s = load("memoryless.yaml", R"(name: memoryless-resume
seed: 7
resource: {size: 1MiB}
faults:
  - drop: {after: {mean: 256KiB}, how: reset}
client:
  resume: if-range
  backoff: {strategy: none}
  max_attempts: 100
expect:
  verdict: ok
  max_wasted_bytes: 0
)");
  // What the draws say: each attempt resumes where the last stopped and gets X_k more bytes.
  std::uint64_t held = 0;
  std::uint32_t cuts = 0;
  std::vector<std::uint64_t> sent;
  for (std::uint32_t k = 1;; ++k) {
    const std::uint64_t x = documented_draw(7, k, 256 * 1024);
    if (x >= kSize - held) {
      sent.push_back(kSize - held);
      break;
    }
    sent.push_back(x);
    held += x;
    ++cuts;
  }
  ASSERT_GT(cuts, 1u);  // the seed gives a run worth the name

  const reports::ScenarioResult r = run_scenario(s, options());
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.bytes_sent, kSize);
  EXPECT_EQ(r.bytes_wasted, 0u);
  EXPECT_EQ(r.attempts, 1u + cuts);
  ASSERT_EQ(r.attempt_log.size(), sent.size());
  std::uint32_t logged_cuts = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(r.attempt_log[i].bytes_sent, sent[i]) << "attempt " << i + 1;
    if (r.attempt_log[i].fault == "drop") ++logged_cuts;
  }
  EXPECT_EQ(logged_cuts, cuts);
  EXPECT_EQ(r.attempt_log.back().fault, std::nullopt);  // the last one completed
}

TEST_F(MemorylessRun, RandomChangesAreJudgedAgainstTheVersionServedLast) {
  const auto s = load("random-change.yaml", R"(name: random-change
seed: 23
resource: {size: 256KiB}
faults:
  - drop: {after: {mean: 128KiB}, how: close}
changes:
  - {before_each_attempt: true, probability: 0.5}
client:
  resume: if-range
  backoff: {strategy: none}
  max_attempts: 100
)");
  const reports::ScenarioResult careful = run_scenario(s, options());
  EXPECT_EQ(careful.verdict, Verdict::ok) << careful.client_output.value_or("");
  EXPECT_GT(careful.attempts, 1u);

  // Resuming without If-Range across a republish splices versions: the seed republishes
  // between two cut attempts, and the output is not the last version.
  RunOptions o = options();
  o.client = "naive";
  const reports::ScenarioResult naive = run_scenario(s, o);
  EXPECT_EQ(naive.verdict, Verdict::corrupt) << naive.client_output.value_or("");
}

}  // namespace
}  // namespace sisyphus::runner
