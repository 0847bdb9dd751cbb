// The comparison engine through the library: real trials (in-process server, in-process
// reference client, real loopback sockets) on memoryless links, checked against the closed
// forms of docs/compare.md with fixed seeds, and the rules that make trials comparable
// (common seeds, --jobs and shards change nothing but measured times).
#include "sisyphus/runner/compare.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "sisyphus/model/matrix.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

using reports::Verdict;

class CompareTest : public ::testing::Test {
 protected:
  model::Matrix load(const std::string& yaml) {
    const auto path = dir_.path() / "matrix.yaml";
    std::ofstream(path) << yaml;
    return model::load_matrix_file(path, proxy::FaultRegistry::instance());
  }

  CompareOptions options(unsigned jobs = 4) const {
    CompareOptions o;
    o.run.work_root = dir_.path() / "work";
    o.run.jobs = jobs;
    return o;
  }

  // Everything a replay reproduces: all of a trial but its measured time.
  static std::vector<reports::Trial> without_times(std::vector<reports::Trial> trials) {
    for (auto& t : trials) t.duration_s = 0;
    return trials;
  }

  sisyphus::testing::TempDir dir_;
};

// S = 64 KiB, M = 32 KiB: S/M = 2. No backoff, so a trial takes only its transfers.
std::string memoryless_matrix(int trials, std::string_view strategies) {
  return fmt::format(
      "name: closed-forms\nseed: 20261202\ntrials: {}\n"
      "scenario:\n"
      "  name: memoryless\n"
      "  resource: {{size: 64KiB}}\n"
      "  faults:\n"
      "    - drop: {{after: {{mean: 32KiB}}, how: reset}}\n"
      "  client: {{max_attempts: 100000, backoff: {{strategy: none}}}}\n"
      "strategies:\n{}",
      trials, strategies);
}

constexpr std::string_view kRestartAndResume =
    "  - {name: restart, client: {resume: restart}}\n"
    "  - {name: resume, client: {resume: if-range}}\n";

struct Moments {
  double mean = 0;
  double standard_error = 0;
};

template <typename Field>
Moments moments(const reports::Cell& cell, Field field) {
  double sum = 0, squares = 0;
  for (const auto& t : cell.trials) sum += static_cast<double>(field(t));
  const double n = static_cast<double>(cell.trials.size());
  const double mean = sum / n;
  for (const auto& t : cell.trials) squares += std::pow(static_cast<double>(field(t)) - mean, 2);
  return {mean, std::sqrt(squares / (n - 1) / n)};
}

TEST_F(CompareTest, MemorylessDropsAgreeWithTheClosedForms) {
  const model::Matrix m = load(memoryless_matrix(400, kRestartAndResume));
  const reports::CompareResults r = compare({m}, options());
  ASSERT_EQ(r.matrices.size(), 1u);
  ASSERT_EQ(r.matrices[0].cells.size(), 2u);
  const reports::Cell& restart = r.matrices[0].cells[0];
  const reports::Cell& resume = r.matrices[0].cells[1];
  ASSERT_EQ(restart.trials.size(), 400u);
  ASSERT_EQ(resume.trials.size(), 400u);
  for (const auto* cell : {&restart, &resume}) {
    for (const auto& t : cell->trials) {
      ASSERT_EQ(t.verdict, Verdict::ok) << cell->strategy << " trial " << t.trial;
    }
  }

  const double S = 64 * 1024, M = 32 * 1024;
  // Restart: attempts ~ Geometric(e^(-S/M)), E = e^(S/M); bytes E = M (e^(S/M) - 1).
  // Within 3 standard errors of the sample (the seed is fixed: this never flakes).
  const Moments attempts = moments(restart, [](const auto& t) { return t.attempts; });
  EXPECT_NEAR(attempts.mean, std::exp(S / M), 3 * attempts.standard_error)
      << "restart mean attempts " << attempts.mean;
  const Moments sent = moments(restart, [](const auto& t) { return t.bytes_sent; });
  EXPECT_NEAR(sent.mean, M * (std::exp(S / M) - 1), 3 * sent.standard_error)
      << "restart mean bytes sent " << sent.mean;

  // Resume: the cuts form a Poisson process over the S bytes: attempts = 1 + Poisson(S/M),
  // and every byte is sent exactly once.
  const Moments resumed = moments(resume, [](const auto& t) { return t.attempts; });
  EXPECT_NEAR(resumed.mean, 1 + S / M, 3 * resumed.standard_error)
      << "resume mean attempts " << resumed.mean;
  for (const auto& t : resume.trials) {
    EXPECT_EQ(t.bytes_sent, 64u * 1024u) << "trial " << t.trial;
    EXPECT_EQ(t.bytes_wasted, 0u) << "trial " << t.trial;
  }

  // The heavy tail of restarting (Nair et al., 2010): its p99 is far above its mean, where
  // resuming's Poisson tail stays close. Closed forms: restart p99 = 32 for a mean of 7.39
  // (ratio 4.3); resume p99 = 7 for a mean of 3 (ratio 2.3).
  const reports::CellSummary rs = reports::summarize(restart);
  const reports::CellSummary us = reports::summarize(resume);
  EXPECT_GT(rs.attempts.p99 / rs.attempts.mean, 3.5);
  EXPECT_LT(us.attempts.p99 / us.attempts.mean, 2.6);
}

TEST_F(CompareTest, EveryStrategyOfATrialGetsTheSameSeedAndTheSameLink) {
  const model::Matrix m = load(memoryless_matrix(12, kRestartAndResume));
  const reports::CompareResults r = compare({m}, options());
  const auto& cells = r.matrices[0].cells;
  for (std::uint32_t t = 0; t < 12; ++t) {
    EXPECT_EQ(cells[0].trials[t].trial, t);
    EXPECT_EQ(cells[0].trials[t].seed, model::trial_seed(20261202, t));
    EXPECT_EQ(cells[1].trials[t].seed, cells[0].trials[t].seed);
    // The first response of both is cut at the same draw: with the same first attempt, a
    // trial that the restart finishes in one attempt the resume finishes in one too.
    if (cells[0].trials[t].attempts == 1) {
      EXPECT_EQ(cells[1].trials[t].attempts, 1u);
    }
  }
}

TEST_F(CompareTest, JobsAndReplaysChangeNothingButMeasuredTimes) {
  const model::Matrix m = load(memoryless_matrix(16, kRestartAndResume));
  const reports::CompareResults one = compare({m}, options(1));
  const reports::CompareResults many = compare({m}, options(8));
  ASSERT_EQ(one.matrices[0].cells.size(), many.matrices[0].cells.size());
  for (std::size_t c = 0; c < one.matrices[0].cells.size(); ++c) {
    EXPECT_EQ(without_times(one.matrices[0].cells[c].trials),
              without_times(many.matrices[0].cells[c].trials));
  }
  // --trial 5 replays exactly trial 5 of each strategy.
  CompareOptions replay = options();
  replay.trial = 5;
  const reports::CompareResults five = compare({m}, replay);
  for (std::size_t c = 0; c < 2; ++c) {
    ASSERT_EQ(five.matrices[0].cells[c].trials.size(), 1u);
    EXPECT_EQ(without_times(five.matrices[0].cells[c].trials),
              without_times({one.matrices[0].cells[c].trials[5]}));
  }
}

TEST_F(CompareTest, MergedShardsEqualOneRun) {
  const model::Matrix m = load(memoryless_matrix(10, kRestartAndResume));
  reports::CompareResults whole = compare({m}, options());
  std::vector<reports::CompareResults> shards;
  for (std::uint32_t i = 1; i <= 3; ++i) {
    CompareOptions o = options();
    o.shard = reports::Shard{i, 3};
    shards.push_back(compare({m}, o));
    for (const auto& t : shards.back().matrices[0].cells[0].trials) {
      EXPECT_TRUE((reports::Shard{i, 3}.contains(t.trial)));
    }
  }
  reports::CompareResults merged = reports::merge(shards);
  EXPECT_FALSE(merged.shard);
  for (auto* r : {&whole, &merged}) {
    r->started_at.clear();
    for (auto& cell : r->matrices[0].cells) cell.trials = without_times(cell.trials);
  }
  EXPECT_EQ(merged, whole);
}

TEST_F(CompareTest, FiltersSelectStrategiesAndBoundsJudgeThem) {
  const model::Matrix m = load(memoryless_matrix(6, kRestartAndResume) +
                               "expect:\n"
                               "  resume: {max_wasted_bytes: 0, ok_rate: 1}\n"
                               "  restart: {max_wasted_bytes: 0}\n");
  CompareOptions o = options();
  o.filters = {"res*"};  // both
  const reports::CompareResults both = compare({m}, o);
  ASSERT_EQ(both.matrices[0].cells.size(), 2u);
  // Restarting from zero on this link wastes bytes in most trials: its bound fails.
  EXPECT_FALSE(reports::passed(both));
  const auto checked = reports::check_bounds(both.matrices[0]);
  ASSERT_EQ(checked.size(), 3u);
  for (const auto& b : checked) {
    EXPECT_EQ(b.passed, b.strategy == "resume") << b.strategy << " " << b.key;
  }

  o.filters = {"resume"};
  const reports::CompareResults resume_only = compare({m}, o);
  ASSERT_EQ(resume_only.matrices[0].cells.size(), 1u);
  EXPECT_EQ(resume_only.matrices[0].cells[0].strategy, "resume");
  EXPECT_TRUE(reports::passed(resume_only));
  EXPECT_EQ(resume_only.matrices[0].cells[0].replay,
            fmt::format("sisyphus compare {} --filter resume --seed 20261202 --trials 6 "
                        "--time-scale 1",
                        (dir_.path() / "matrix.yaml").string()));

  o.filters = {"nothing*"};
  EXPECT_TRUE(compare({m}, o).matrices.empty());
}

}  // namespace
}  // namespace sisyphus::runner
