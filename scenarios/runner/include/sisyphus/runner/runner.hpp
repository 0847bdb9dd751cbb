#pragma once
// The scenario runner: each scenario gets its own work directory, an in-process server on
// 127.0.0.1:0 and a client run against it; the output is verified by regenerating the
// expected bytes and the metrics come from the server's own log (docs/runner.md).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/reports/results.hpp"

namespace sisyphus::runner {

inline constexpr Duration kDefaultDeadline = std::chrono::seconds(60);
inline constexpr Duration kMinimumDeadline = std::chrono::seconds(1);

struct RunOptions {
  // `--client`: every scenario runs against this one; empty: each scenario's own `client:`.
  std::optional<std::string> client;
  std::optional<std::uint64_t> seed;  // overrides every scenario's seed
  TimeScale time_scale{1.0};
  // `--deadline`: the wall-clock limit of every client run, as given (not scaled). Without
  // it: 3 x expect.max_duration, else 60 s, both time-scaled, and at least 1 s.
  std::optional<Duration> deadline;
  bool keep = false;                      // keep work directories (their paths are printed)
  std::filesystem::path work_root;        // empty: the system temp directory
  std::filesystem::path sisyphus_binary;  // for reference-cli; empty: next to this program
  unsigned jobs = 0;                      // 0: std::thread::hardware_concurrency()
  std::string program = "sisyphus";       // how replay commands start
};

// The deadline of one scenario's client run under `options` (see RunOptions::deadline).
Duration deadline_for(const model::Scenario& scenario, const RunOptions& options);

// The one command that replays this scenario run exactly.
std::string replay_command(const model::Scenario& scenario, std::string_view client_spec,
                           const RunOptions& options);

// Runs one scenario. Never throws for a failure of the client or the harness: those are
// verdicts (`error` with a message for the harness).
reports::ScenarioResult run_scenario(const model::Scenario& scenario, const RunOptions& options);

// Called after each scenario, from the worker threads (serialised by the runner).
using OnScenarioDone =
    std::function<void(const reports::ScenarioResult& result, std::size_t done, std::size_t total)>;

// Runs every scenario, `options.jobs` at a time, each isolated; results sorted by name.
// `client_label` becomes RunResults::client.
reports::RunResults run_scenarios(const std::vector<model::Scenario>& scenarios,
                                  const RunOptions& options, const std::string& client_label,
                                  const OnScenarioDone& on_done = {});

// The label RunResults::client gets: the --client adapter's label, else the distinct labels
// of the scenarios' own clients, sorted and joined with ", " (computed over every loaded
// scenario, before filtering and sharding, so that shards agree).
std::string run_client_label(const std::vector<model::Scenario>& scenarios,
                             const RunOptions& options);

// Where `reference-cli` finds `sisyphus get`: `options.sisyphus_binary`, else
// $SISYPHUS_BINARY, else `sisyphus` next to the running executable.
std::filesystem::path find_sisyphus_binary(const RunOptions& options);

}  // namespace sisyphus::runner
