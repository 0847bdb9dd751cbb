#pragma once
// Strategy comparison (`sisyphus compare`, docs/compare.md): every strategy of a matrix runs
// the matrix's scenario over many seeded trials. A trial is one scenario run exactly as
// `sisyphus run` makes it (in-process server, the strategy's client, verification, byte
// accounting from the server's log); trial t of every strategy gets the same scenario seed
// (model::trial_seed), so strategies face the same link draws and differ by their own choices.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/model/matrix.hpp"
#include "sisyphus/reports/compare.hpp"
#include "sisyphus/runner/runner.hpp"

namespace sisyphus::runner {

struct CompareOptions {
  std::optional<std::uint32_t> trials;  // --trials: overrides every matrix's `trials`
  std::optional<std::uint64_t> seed;    // --seed: overrides every matrix's `seed`
  std::optional<std::uint32_t> trial;   // --trial T: only trial T (a replay)
  std::vector<std::string> filters;     // --filter: strategies whose name matches a glob
  std::optional<reports::Shard> shard;  // --shard I/N: the trials t it contains
  // time_scale, jobs (0: kDefaultCompareJobsPerCore x cores), deadline, keep, work_root,
  // program: as for `run`. `client` and `seed` are not used (the matrix gives both).
  RunOptions run;
};

// Trials spend most of their time in backoff sleeps and timers, not on a core, so compare
// runs more of them at once than `run` runs scenarios.
inline constexpr unsigned kDefaultCompareJobsPerCore = 4;

// After each trial, from the worker threads (serialised). `cell_done` of `cell_total` trials
// of this strategy are done; `done` of `total` of the whole comparison.
struct TrialProgress {
  const reports::MatrixResult* matrix = nullptr;
  const reports::Cell* cell = nullptr;  // its trials are not complete until the end
  const reports::Trial* trial = nullptr;
  std::size_t cell_done = 0;
  std::size_t cell_total = 0;
  std::size_t done = 0;
  std::size_t total = 0;
};
using OnTrialDone = std::function<void(const TrialProgress&)>;

// Runs every selected strategy of every matrix, `jobs` trials at a time, strategy after
// strategy. Never throws for a failing trial (its verdict says it). Cells of strategies the
// filters leave out are absent; a matrix with none left is absent.
reports::CompareResults compare(const std::vector<model::Matrix>& matrices,
                                const CompareOptions& options, const OnTrialDone& on_done = {});

// The command that replays every trial of `strategy` of `matrix` under `options` exactly
// (append " --trial T" for one).
std::string compare_replay_command(const model::Matrix& matrix, const model::Strategy& strategy,
                                   const CompareOptions& options);

// The built-in matrices: $SISYPHUS_MATRICES when set, else the source tree's
// scenarios/matrices (compiled in).
std::filesystem::path matrices_dir();

struct LoadedMatrices {
  std::vector<model::Matrix> matrices;  // sorted by name
  std::vector<std::string> errors;      // one per bad input, "file:line:column: ..."
};
// Each input is a matrix file or a directory of them (*.yaml, *.yml); empty: the built-in
// ones. Every file is loaded before anything runs; a name defined twice is an error.
LoadedMatrices load_matrices(const std::vector<std::filesystem::path>& inputs);

}  // namespace sisyphus::runner
