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
  bool operator==(const Trial&) const = default;
};

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
  std::vector<Trial> trials;  // ascending by trial
  bool operator==(const Cell&) const = default;
};

// What compare.json and the tables show for a cell: pure functions of its trials.
struct CellSummary {
  VerdictCounts verdicts;
  Distribution attempts;
  Distribution bytes_sent;
  Distribution bytes_wasted;
  Distribution duration_s;
  std::uint64_t requests = 0;  // every GET the server saw, over all trials
  double ok_rate = 0;          // ok / trials (0 with no trials)
  double corrupt_rate = 0;     // corrupt / trials
};
CellSummary summarize(const Cell& cell);

// The worst trial: by verdict (corrupt, failed-dirty, error, failed-clean, ok), then most
// bytes wasted, then most attempts, then the lowest trial number. nullopt without trials.
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

struct Shard {
  std::uint32_t index = 1;  // 1-based, as `--shard I/N` gives it
  std::uint32_t count = 1;
  bool operator==(const Shard&) const = default;
};

// The one rule of `--shard I/N`: trial t (0-based) belongs to shard (t mod N) + 1, so every
// shard gets every strategy's trial t together and shards differ in size by at most one.
bool in_shard(std::uint32_t trial, const Shard& shard);

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
// trials of a cell are united and sorted; shard becomes null when every shard 1..N of N is
// present (else the shards present are refused, naming the missing ones). Throws
// sisyphus::ParseError on a mismatch or a trial present twice. Independent of the order of
// `shards`; merging the shards of a run gives that run's results, measured times aside.
CompareResults merge(std::vector<CompareResults> shards);

}  // namespace sisyphus::reports
