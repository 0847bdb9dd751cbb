#pragma once
// Hand-built results shared by the report tests: every field set, every verdict present.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports::testing {

// A run of scenario `name` by `client` with seed `seed`: what every sample has, and passed
// derived from the expectations as the runner does. Its measurements are set with measured().
inline ScenarioResult run_of(std::string name, std::string description, ClientInfo client,
                             Verdict verdict, std::uint64_t seed,
                             std::vector<Expectation> expectations, std::string replay) {
  ScenarioResult s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.client = std::move(client);
  s.verdict = verdict;
  s.seed = seed;
  s.expectations = std::move(expectations);
  s.passed = std::all_of(s.expectations.begin(), s.expectations.end(),
                         [](const Expectation& e) { return e.passed; });
  s.replay = std::move(replay);
  return s;
}

// What the server measured; bytes_wasted derived from it as the runner does.
inline void measured(ScenarioResult& s, std::uint64_t attempts, std::uint64_t size,
                     std::uint64_t bytes_sent, double duration_s) {
  s.attempts = attempts;
  s.size = size;
  s.bytes_sent = bytes_sent;
  s.bytes_written = bytes_sent;  // a client that read every byte it was sent
  s.bytes_wasted = compute_bytes_wasted(s.verdict, s.bytes_sent, s.size);
  s.duration_s = duration_s;
}

inline ScenarioResult ok_scenario() {
  ScenarioResult s = run_of(
      "drop-at-95-percent", "The link dies at 95 %, then at 98 %.", {"reference", "reference"},
      Verdict::ok, 42, {{"verdict", "ok", "ok", true}, {"max_attempts", "3", "3", true}},
      "sisyphus run scenarios/catalogue/drop-at-95-percent.yaml --client reference --seed 42");
  measured(s, 3, 1048576, 1048576, 0.25);
  s.attempt_log = {
      {1, 0.0, std::nullopt, std::nullopt, 200, 996147, 996147, "drop", std::nullopt, std::nullopt},
      {2, 0.1, "bytes=996147-", "\"v1\"", 206, 31457, 31457, "drop", 0.05, std::nullopt},
      {3, 0.2, "bytes=1027604-", "\"v1\"", 206, 20972, 20972, std::nullopt, 0.0625, std::nullopt},
  };
  return s;
}

inline ScenarioResult corrupt_scenario() {
  ScenarioResult s = run_of("etag-change", "The resource changes between attempts <v1> & \"v2\".",
                            {"naive", "naive"}, Verdict::corrupt, 7,
                            {{"verdict", "ok", "corrupt", false}, {"max_attempts", "3", "2", true}},
                            "sisyphus run etag-change.yaml --client naive --seed 7");
  s.client_exit_code = 0;
  measured(s, 2, 4096, 4096, 1.5);
  s.corruption =
      Corruption{CorruptionKind::mismatch, 2048, 2040, {{2048, 4000}, {4090, 4095}}, std::nullopt};
  s.attempt_log = {
      {1, 0.0, std::nullopt, std::nullopt, 200, 2048, 2048, "drop", std::nullopt, std::nullopt},
      {2, 0.75, "bytes=2048-", std::nullopt, 206, 2048, 2048, std::nullopt, 0.5, std::nullopt},
  };
  s.client_output = "naive: done\n";
  return s;
}

inline ScenarioResult error_scenario() {
  ScenarioResult s =
      run_of("no-such-client", "", {"command", "command: ./missing {url} {output}"}, Verdict::error,
             1, {{"verdict", "ok", "error", false}},
             "sisyphus run x.yaml --client 'command: ./missing {url} {output}' --seed 1");
  s.timed_out = false;
  s.client_exit_code = 127;
  s.size = 100;  // the client never asked: nothing measured
  s.client_output = "sh: 1: ./missing: not found\n";
  s.error = "client could not start (exit 127): sh: 1: ./missing: not found";
  return s;
}

// A run of `scenarios` as asked for with `client` by sisyphus `version`.
inline RunResults results_of(std::vector<ScenarioResult> scenarios, std::string client,
                             std::string version) {
  RunResults r;
  r.client = std::move(client);
  r.sisyphus_version = std::move(version);
  r.scenarios = std::move(scenarios);
  return r;
}

inline RunResults sample_results() {
  RunResults r;
  r.seed = 42;
  r.started_at = "2026-01-02T03:04:05Z";
  r.client = "reference";
  r.sisyphus_version = "0.1.0";
  r.scenarios = {ok_scenario(), corrupt_scenario(), error_scenario()};
  return r;
}

}  // namespace sisyphus::reports::testing
