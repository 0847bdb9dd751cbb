#pragma once
// The matrix model: one strategy comparison (`sisyphus compare`) as plain data, loaded from
// its own YAML schema (docs/matrix.md; DESIGN.md "Strategy comparison"). A matrix names one
// scenario and several strategies; each strategy is the scenario's `client:` with the
// strategy's own `client:` keys applied on top, so a trial of a strategy is exactly a
// scenario run of that scenario with that client.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/statistics.hpp"
#include "sisyphus/model/fault_catalog.hpp"
#include "sisyphus/model/scenario.hpp"

namespace sisyphus::model {

struct Strategy {
  // `strategies:` give it; `axes:` make it from the combination: "key=value" per axis in the
  // order the axes are written, joined by a space ("resume=range backoff.strategy=none").
  std::string name;
  ClientOptions client;  // the scenario's client with this strategy's keys applied
  // Herds: how many clients of this strategy face one server at once in each trial (the
  // matrix's `clients:`, or this combination's value of the `clients` axis).
  std::uint32_t clients = 1;
  SourceLocation where;  // its entry in `strategies:`, or the `axes:` key
};

// The most clients one trial of a herd may start.
inline constexpr std::uint32_t kMaxHerdClients = 100'000;

// One `expect:` bound: `{ok_rate: 1.0, p95_wasted_bytes: 0}` under a strategy's name or `all`.
struct MatrixBound {
  std::string strategy;  // a strategy's name, or "all" (every strategy)
  BoundKey key;
  // ok_rate / corrupt_rate: 0..1; sizes in bytes (a % is resolved against the resource size);
  // durations in seconds; attempts as a count.
  double limit = 0;
  std::string written;  // the value as written ("1.0", "2MiB", "10s"), for reports
  SourceLocation where;
};

struct Matrix {
  std::string name;  // [a-z0-9-]+
  std::string description;
  std::uint64_t seed = 0;      // seeds every trial's scenario seed (see trial_seed)
  std::uint32_t trials = 100;  // seeded trials per strategy
  Scenario scenario;           // `scenario:` (a file relative to the matrix, or inline)
  // A herd matrix (`clients:` or a `clients` axis given, docs/compare.md "Herds"): every
  // trial starts each strategy's `clients` in-process reference clients against one server,
  // client i at a seeded uniform moment in [0, start_spread) (scenario time).
  bool herd = false;
  Duration start_spread{0};
  std::vector<Strategy> strategies;  // as written, or the product of `axes:` in order
  std::vector<MatrixBound> expect;
  std::string source_file;
};

// The scenario seed of trial `t` (0-based) of every strategy of a matrix with `matrix_seed`:
// all strategies share it (common random numbers: each faces the same link draws for its
// k-th request), and it does not depend on how trials are sharded or scheduled. It is
// derive_seed(matrix_seed, "trial:" + t) (core/rng.hpp), fixed so that a printed seed replays
// the same trial in later versions.
std::uint64_t trial_seed(std::uint64_t matrix_seed, std::uint32_t trial);

// Throws ScenarioError ("file:line:column: what was expected") on any error: unknown keys
// (with "did you mean"), a strategy key the scenario's `client:` does not take, both or
// neither of `strategies:` and `axes:`, duplicate strategy names, an `expect:` naming no
// strategy or an unknown bound, and every error of the scenario it names (at that file's
// own positions). Faults are checked by `faults` as for a scenario.
Matrix load_matrix_file(const std::filesystem::path& file, const FaultCatalog& faults);
Matrix load_matrix_string(std::string_view text, std::string_view file_name,
                          const FaultCatalog& faults);

}  // namespace sisyphus::model
