#pragma once
// Hand-built results shared by the report tests: every field set, every verdict present.
#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports::testing {

inline ScenarioResult ok_scenario() {
  ScenarioResult s;
  s.name = "drop-at-95-percent";
  s.description = "The link dies at 95 %, then at 98 %.";
  s.client = {"reference", "reference"};
  s.verdict = Verdict::ok;
  s.attempts = 3;
  s.size = 1048576;
  s.bytes_sent = 1048576;
  s.bytes_wasted = compute_bytes_wasted(s.verdict, s.bytes_sent, s.size);
  s.duration_s = 0.25;
  s.seed = 42;
  s.expectations = {{"verdict", "ok", "ok", true}, {"max_attempts", "3", "3", true}};
  s.passed = true;
  s.replay =
      "sisyphus run scenarios/catalogue/drop-at-95-percent.yaml --client reference --seed 42";
  s.attempt_log = {
      {1, 0.0, std::nullopt, std::nullopt, 200, 996147, "drop", std::nullopt},
      {2, 0.1, "bytes=996147-", "\"v1\"", 206, 31457, "drop", 0.05},
      {3, 0.2, "bytes=1027604-", "\"v1\"", 206, 20972, std::nullopt, 0.0625},
  };
  return s;
}

inline ScenarioResult corrupt_scenario() {
  ScenarioResult s;
  s.name = "etag-change";
  s.description = "The resource changes between attempts <v1> & \"v2\".";
  s.client = {"naive", "naive"};
  s.verdict = Verdict::corrupt;
  s.client_exit_code = 0;
  s.attempts = 2;
  s.size = 4096;
  s.bytes_sent = 4096;
  s.bytes_wasted = compute_bytes_wasted(s.verdict, s.bytes_sent, s.size);
  s.duration_s = 1.5;
  s.seed = 7;
  s.corruption = Corruption{CorruptionKind::mismatch, 2048, 2040, {{2048, 4000}, {4090, 4095}}};
  s.expectations = {{"verdict", "ok", "corrupt", false}, {"max_attempts", "3", "2", true}};
  s.passed = false;
  s.replay = "sisyphus run etag-change.yaml --client naive --seed 7";
  s.attempt_log = {
      {1, 0.0, std::nullopt, std::nullopt, 200, 2048, "drop", std::nullopt},
      {2, 0.75, "bytes=2048-", std::nullopt, 206, 2048, std::nullopt, 0.5},
  };
  s.client_output = "naive: done\n";
  return s;
}

inline ScenarioResult error_scenario() {
  ScenarioResult s;
  s.name = "no-such-client";
  s.description = "";
  s.client = {"command", "command: ./missing {url} {output}"};
  s.verdict = Verdict::error;
  s.timed_out = false;
  s.client_exit_code = 127;
  s.seed = 1;
  s.size = 100;
  s.expectations = {{"verdict", "ok", "error", false}};
  s.passed = false;
  s.replay = "sisyphus run x.yaml --client 'command: ./missing {url} {output}' --seed 1";
  s.client_output = "sh: 1: ./missing: not found\n";
  s.error = "client exited with 127 before its first request";
  return s;
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
