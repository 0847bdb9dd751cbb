#pragma once
// The results model: what one `sisyphus run` measured, in the shape of results.json
// (schema 1, DESIGN.md "Verdicts and metrics"; the verdict and its rules: verdict.hpp). The
// runner fills it; every writer and the merge are pure functions of it. Field names here are
// the JSON field names.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/reports/verdict.hpp"

namespace sisyphus::reports {

inline constexpr int kSchemaVersion = 1;

// One checked expectation of the scenario's `expect:` block (or a runner-made one such as
// "verdict"). Values are rendered as the user wrote them: "ok", "3", "1MiB", "10s".
struct Expectation {
  std::string name;  // "verdict", "max_attempts", "max_wasted_bytes", "max_duration"
  std::string expected;
  std::string actual;
  bool passed = false;
  bool operator==(const Expectation&) const = default;
};

// One request for the resource, as the server logged it.
struct AttemptRecord {
  std::uint32_t attempt = 0;            // k: the k-th request for the resource (1-based)
  double t = 0;                         // start, seconds since the scenario started
  std::optional<std::string> range;     // Range header as received, or null
  std::optional<std::string> if_range;  // If-Range header as received, or null
  int status = 0;                       // HTTP status the server chose
  std::uint64_t bytes_sent = 0;         // body bytes the client's TCP acknowledged
  std::uint64_t bytes_written = 0;      // body bytes the server wrote into its socket
  std::optional<std::string> fault;     // fault applied ("drop", "status", ...), or null
  std::optional<double> gap_s;  // start minus the previous attempt's end; null for the first
  // The resource's path, in a scenario with several (`resources:`): `attempt` and `gap_s`
  // count within it.
  std::optional<std::string> path;
  bool operator==(const AttemptRecord&) const = default;
};

struct ClientInfo {
  std::string kind;   // reference | reference-cli | naive | curl | wget | aria2c | command
  std::string label;  // what tables show; distinguishes strategies, e.g.
                      // "reference full-jitter if-range"
  bool operator==(const ClientInfo&) const = default;
};

struct ScenarioResult {
  std::string name;
  std::string description;
  ClientInfo client;
  Verdict verdict = Verdict::error;
  bool timed_out = false;                // the client was killed at the deadline
  std::optional<int> client_exit_code;   // null: in-process client, or killed/not started
  std::uint64_t attempts = 0;            // requests for the resource the server saw
  std::uint64_t bytes_sent = 0;          // body bytes that reached the client (acknowledged)
  std::uint64_t bytes_written = 0;       // body bytes the server wrote into its sockets
  std::uint64_t bytes_wasted = 0;        // see compute_bytes_wasted
  std::uint64_t size = 0;                // resource size in bytes
  double duration_s = 0;                 // client start to client end, wall clock
  std::uint64_t seed = 0;                // the scenario seed actually used
  std::optional<Corruption> corruption;  // set for failed-dirty and corrupt
  std::vector<Expectation> expectations;
  bool passed = false;  // every expectation held
  std::string replay;   // the one command that replays this run exactly
  std::vector<AttemptRecord> attempt_log;
  std::optional<std::string> client_output;  // tail of the client's stdout+stderr
  std::optional<std::string> error;          // what went wrong when verdict is error
  bool operator==(const ScenarioResult&) const = default;
};

struct RunResults {
  int schema = kSchemaVersion;
  std::optional<std::uint64_t> seed;  // the --seed override, or null
  std::string started_at;             // ISO 8601 UTC, e.g. "2026-01-02T03:04:05Z"
  std::string client;                 // the client label the run was asked for
  std::string sisyphus_version;
  std::vector<ScenarioResult> scenarios;
  bool operator==(const RunResults&) const = default;
};

// passed = every expectation held (an empty list holds).
bool all_expectations_passed(const std::vector<Expectation>& expectations);

// How the `error` of a scenario whose client never ran begins: exec failed, or a shell said
// 126/127 (cannot execute, not found) before any request. Not the client's failure but a
// wrong --client or a missing tool: `sisyphus run` and `report merge` exit 2 on it.
inline constexpr std::string_view kClientCouldNotStart = "client could not start";

// Counts for headlines: how many scenarios passed / failed their expectations.
struct Tally {
  std::size_t total = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;       // includes errors
  std::size_t errors = 0;       // verdict error
  std::size_t not_started = 0;  // errors whose client could not start
};
Tally tally(const RunResults& results);

// The exit code of `sisyphus run` and `report merge` over these results: 2 when a client
// could not start, else 1 when a scenario failed (a harness error included), else 0.
int exit_code(const Tally& tally);

// Orders scenarios by (name, client label): the canonical order of merged results.
void sort_scenarios(RunResults& results);

// "2026-01-02T03:04:05Z" (UTC, whole seconds).
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace sisyphus::reports
