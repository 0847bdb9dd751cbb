#pragma once
// The comparison model: what one `sisyphus compare` measured, in the shape of compare.json
// (schema 1, docs/compare.md), its writers (JSON, Markdown, self-contained HTML with inline
// SVG charts) and the merge of shards. Every trial is kept, so that summaries, expectations
// and the worst trial are pure functions of the trials and a merge of shards gives what one
// run gives. Field names here are the JSON field names.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/core/shard.hpp"
#include "sisyphus/core/statistics.hpp"
#include "sisyphus/reports/results.hpp"
#include "sisyphus/reports/verdict.hpp"

namespace sisyphus::reports {

inline constexpr int kCompareSchemaVersion = 1;

// One trial of one strategy: a scenario run of the matrix's scenario with the strategy's
// client and the trial's seed, measured and judged as `sisyphus run` does.
struct Trial {
  std::uint32_t trial = 0;  // t, 0-based; the same t means the same seed for every strategy
  std::uint64_t seed = 0;   // the scenario seed of trial t
  Verdict verdict = Verdict::error;
  bool timed_out = false;
  std::uint64_t attempts = 0;  // requests for the resource the server saw
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t bytes_wasted = 0;
  double duration_s = 0;  // measured wall time (the one field a replay does not reproduce)
  std::optional<std::string> error;  // verdict error: what went wrong
  // Herds (a matrix with `clients: N`): which client of trial `trial` this record is,
  // 0-based; every client of every trial is one Trial record. Null for one-client matrices.
  std::optional<std::uint32_t> client;
  bool operator==(const Trial&) const = default;
};
// Trials of a cell stay sorted by (trial, client). worst_trial and the summaries count every
// record (500 clients × 1 trial = 500 verdicts); ok_rate = ok / records. A merge of shards
// keeps (trial, client) unique.

// What the server of a cell's trials saw over time (herds and one-client matrices alike),
// in bins of kSeriesBinSeconds of scenario time from the start of each trial's server.
inline constexpr double kSeriesBinSeconds = 0.1;  // scenario seconds
struct ServerEvent {                              // one GET of the resource, from the server's log
  double start_s = 0;          // scenario seconds since the trial's server started
  double duration_s = 0;       // scenario seconds, request start to last byte or close
  std::uint64_t bytes = 0;     // body bytes delivered (LogRecord::bytes_sent)
  bool over_capacity = false;  // answered by `server.over_capacity` (max_active reached)
};
// A cell's series is the SUM over its trials, each trial's clock starting at its server's
// start; `trials` says how many were summed, so a reader divides by it for the mean trial.
// `active` values are multiples of 1/1024 (kActiveQuantum), so sums are exact in any order
// and a merge of shards gives the run's series bit for bit.
inline constexpr double kActiveQuantum = 1.0 / 1024;
struct ServerSeries {
  double bin_s = kSeriesBinSeconds;
  std::vector<std::uint64_t> arrivals;  // requests that started in bin i
  // Transfers in flight, time-averaged over bin i: every GET but those answered over
  // capacity, which the server never admitted. From the log's request start to its end, so
  // it may pass max_active by a transfer's delivery check; peak_active is exact.
  std::vector<double> active;
  // Body bytes delivered in bin i: a response's bytes spread evenly over its duration (an
  // approximation: the log has only its total), the rounding in its last bin, so the sum is
  // exact; a zero-duration response puts its bytes in its start bin.
  std::vector<std::uint64_t> bytes;
  std::uint64_t requests = 0;               // == sum(arrivals): every GET
  std::uint64_t peak_arrivals_per_bin = 0;  // == max(arrivals) of this (summed) series
  std::uint64_t over_capacity = 0;          // requests answered over capacity
  // The server's own peak of concurrent transfers (Stats::peak_active), max over trials;
  // 0 when unknown.
  std::uint64_t peak_active = 0;
  std::uint32_t trials = 0;  // how many trials were summed into it
  bool operator==(const ServerSeries&) const = default;
};
// The series of one trial's events: bins from 0 to the end of the last event (none without
// events), trials = 1.
ServerSeries server_series(const std::vector<ServerEvent>& events, std::uint64_t peak_active);
// Sums `more` into `into` bin by bin (the shorter padded with zeros): requests, over_capacity
// and trials added, peak_arrivals_per_bin recomputed, peak_active maxed. Throws
// std::invalid_argument unless both have the same bin_s.
void add_series(ServerSeries& into, const ServerSeries& more);

struct VerdictCounts {
  std::uint64_t ok = 0;
  std::uint64_t corrupt = 0;
  std::uint64_t failed_clean = 0;
  std::uint64_t failed_dirty = 0;
  std::uint64_t error = 0;
  std::uint64_t total() const { return ok + corrupt + failed_clean + failed_dirty + error; }
  bool operator==(const VerdictCounts&) const = default;
};

// One strategy (× clients, for herds) over its trials.
struct Cell {
  std::string strategy;
  ClientInfo client;  // kind and label of the strategy's client
  std::uint32_t clients = 1;
  // The command that replays this cell's trials exactly; append " --trial T" for one of them.
  std::string replay;
  std::vector<Trial> trials;           // ascending by (trial, client)
  std::optional<ServerSeries> server;  // the sum over the cell's trials; null when not measured
  bool operator==(const Cell&) const = default;
};

// What compare.json and the tables show for a cell: pure functions of its trials.
struct CellSummary {
  VerdictCounts verdicts;
  Distribution attempts;
  Distribution bytes_sent;
  Distribution bytes_wasted;
  Distribution duration_s;
  std::uint64_t requests = 0;  // every GET the server saw: the sum of the records' attempts
  double ok_rate = 0;          // ok / records (0 with no trials)
  double corrupt_rate = 0;     // corrupt / records
};
CellSummary summarize(const Cell& cell);

// The worst trial: by verdict (corrupt, failed-dirty, error, failed-clean, ok), then most
// bytes wasted, then most attempts, then the lowest (trial, client). nullopt without trials.
std::optional<Trial> worst_trial(const Cell& cell);

// A matrix's `expect:` bound as plain data (the model's MatrixBound without its position).
struct Bound {
  std::string strategy;  // a strategy's name or "all"
  BoundKey key;
  double limit = 0;     // see model::MatrixBound
  std::string written;  // as written
  bool operator==(const Bound&) const = default;
};

// One bound checked on one strategy.
struct BoundResult {
  std::string strategy;
  std::string key;       // "p95_wasted_bytes"
  std::string expected;  // as written
  std::string actual;    // rendered like the value written: bytes as sizes, seconds as durations
  bool passed = false;
  bool operator==(const BoundResult&) const = default;
};

struct MatrixResult {
  std::string name;
  std::string description;
  std::string source_file;
  std::string scenario;    // the scenario's name
  std::uint64_t size = 0;  // resource size in bytes
  std::uint64_t seed = 0;
  std::uint32_t trials = 0;  // trials per strategy the matrix asks for (all shards together)
  std::vector<Bound> bounds;
  std::vector<Cell> cells;  // in the matrix's strategy order
  bool operator==(const MatrixResult&) const = default;
};

// Every bound of `m` on every strategy it names ("all": each of them), in bound order then
// cell order. A bound fails on a cell without trials.
std::vector<BoundResult> check_bounds(const MatrixResult& m);

// `--shard I/N` (core/shard.hpp): trial t belongs to the shard that contains t.
using sisyphus::Shard;

struct CompareResults {
  int schema = kCompareSchemaVersion;
  std::string started_at;  // ISO 8601 UTC
  std::string sisyphus_version;
  double time_scale = 1.0;
  std::optional<Shard> shard;  // null for a whole run and for a merge of every shard
  std::vector<MatrixResult> matrices;
  bool operator==(const CompareResults&) const = default;
};

// Every bound of every matrix held, and no trial had verdict error.
bool passed(const CompareResults& results);

// compare.json (with each cell's summary and bound results written out beside its trials),
// and the inverse, which reads only what it needs to rebuild the model (trials, bounds).
// from_compare_json throws sisyphus::ParseError "<where>: <field>: what is wrong".
std::string to_compare_json(const CompareResults& results);
CompareResults from_compare_json(std::string_view text, std::string_view where = "compare.json");
// Reads `path`, or `path`/compare.json when `path` is a directory.
CompareResults read_compare(const std::filesystem::path& path);
// compare.md: per matrix a table, one row per strategy, the best value of each column
// marked, failed bounds listed, and the replay command of the worst trial.
std::string to_compare_markdown(const CompareResults& results);
// compare.html: one self-contained file; per matrix inline SVG charts with axes and ticks:
// CDFs of duration and of bytes sent per strategy, bars of wasted bytes with p50–p95
// whiskers, and the corruption rate.
std::string to_compare_html(const CompareResults& results);

// Creates `dir` if needed and writes compare.json, compare.md, compare.html.
void write_compare(const CompareResults& results, const std::filesystem::path& dir);

// Joins shards of one comparison: the same matrices (name, seed, trials, bounds) in each;
// trials of a cell are united and sorted, their server series summed (add_series); shard
// becomes null when every shard 1..N of N is present (else the shards present are refused,
// naming the missing ones). Throws sisyphus::ParseError on a mismatch, a (trial, client)
// present twice or series of different bins. Independent of the order of `shards`; merging
// the shards of a run gives that run's results, measured times aside.
CompareResults merge(std::vector<CompareResults> shards);

}  // namespace sisyphus::reports
