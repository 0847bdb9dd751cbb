#pragma once
// Compare results for the compare report tests: a small hand-built matrix whose every
// number is known, and a realistic seeded one (heavy-tailed restarts) for round trips,
// merges and the screenshot check.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports::testing {

// The message from_compare_json / merge refuse with, or "(no error)".
inline std::string read_error(std::string_view text) {
  try {
    from_compare_json(text);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}
inline std::string merge_error(std::vector<CompareResults> shards) {
  try {
    merge(std::move(shards));
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}

inline Trial trial(std::uint32_t t, Verdict v, std::uint64_t attempts, std::uint64_t sent,
                   std::uint64_t wasted, double duration_s) {
  Trial out;
  out.trial = t;
  out.seed = 1000 + t;
  out.verdict = v;
  out.attempts = attempts;
  out.bytes_sent = sent;
  out.bytes_written = sent;
  out.bytes_wasted = wasted;
  out.duration_s = duration_s;
  return out;
}

inline Cell cell(std::string strategy, std::string label, std::vector<Trial> trials) {
  Cell c;
  c.strategy = strategy;
  c.client = {"reference", std::move(label)};
  c.replay = "sisyphus compare matrices/small.yaml --filter " + strategy;
  c.trials = std::move(trials);
  return c;
}

inline Bound bound(std::string strategy, std::string_view key, double limit, std::string written) {
  return {std::move(strategy), *parse_bound_key(key), limit, std::move(written)};
}

// Two strategies × four trials of a 1 MiB resource: restart wastes, resume does not, and
// one restart trial is corrupt.
inline CompareResults small_compare() {
  constexpr std::uint64_t kMiB = 1 << 20;
  MatrixResult m;
  m.name = "small";
  m.description = "Restart against resume on a link that drops.";
  m.source_file = "matrices/small.yaml";
  m.scenario = "flaky";
  m.size = kMiB;
  m.seed = 7;
  m.trials = 4;
  m.bounds = {bound("all", "ok_rate", 1.0, "1.0"), bound("resume", "p95_wasted_bytes", 0, "0"),
              bound("restart", "max_duration", 2.0, "2s")};
  m.cells = {
      cell("restart", "reference restart",
           {trial(0, Verdict::ok, 3, 3 * kMiB, 2 * kMiB, 0.5),
            trial(1, Verdict::ok, 1, kMiB, 0, 0.25),
            trial(2, Verdict::corrupt, 2, 2 * kMiB, 2 * kMiB, 1.5),
            trial(3, Verdict::ok, 5, 5 * kMiB, 4 * kMiB, 2.5)}),
      cell("resume", "reference if-range",
           {trial(0, Verdict::ok, 2, kMiB, 0, 0.5), trial(1, Verdict::ok, 1, kMiB, 0, 0.25),
            trial(2, Verdict::ok, 2, kMiB, 0, 0.75), trial(3, Verdict::ok, 3, kMiB, 0, 1.0)}),
  };
  CompareResults r;
  r.started_at = "2026-01-02T03:04:05Z";
  r.sisyphus_version = "0.1.0";
  r.matrices = {m};
  return r;
}

// What the server of trial `t` saw, made up from the record alone so that any subset of a
// cell's trials (a shard) has a known series: its attempts one after another over its
// duration, each in flight for 90 % of its slot, its bytes split evenly (the last attempt
// takes the remainder), every fifth trial's first attempt turned away over capacity.
inline std::vector<ServerEvent> trial_events(const Trial& t) {
  std::vector<ServerEvent> out;
  const double slot = t.duration_s / static_cast<double>(std::max<std::uint64_t>(t.attempts, 1));
  for (std::uint64_t k = 0; k < t.attempts; ++k) {
    const bool last = k + 1 == t.attempts;
    const std::uint64_t share = t.bytes_sent / t.attempts;
    out.push_back({slot * static_cast<double>(k), 0.9 * slot,
                   last ? t.bytes_sent - share * (t.attempts - 1) : share,
                   k == 0 && t.trial % 5 == 0});
  }
  return out;
}

// The sum of trial_events' series over `trials` (null without trials).
inline std::optional<ServerSeries> sample_series(const std::vector<Trial>& trials) {
  std::optional<ServerSeries> sum;
  for (const auto& t : trials) {
    const ServerSeries one = server_series(trial_events(t), 1 + t.trial % 3);
    if (sum) {
      add_series(*sum, one);
    } else {
      sum = one;
    }
  }
  return sum;
}

// `trials` seeded trials of three strategies on an 8 MiB resource whose link drops after
// Exponential(mean 4 MiB) bytes: restart (geometric attempts, a heavy tail of bytes), range
// (resumes, but corrupts when the file was republished: 10 % of trials) and if-range.
inline CompareResults realistic_compare(std::uint32_t trials = 200, std::uint64_t seed = 7) {
  constexpr double kSize = 8.0 * (1 << 20), kMean = 4.0 * (1 << 20), kRate = 2.0 * (1 << 20);
  std::mt19937_64 rng(seed);
  const auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const auto exponential = [&] { return -kMean * std::log(1.0 - uniform()); };
  MatrixResult m;
  m.name = "restart-vs-resume";
  m.description = "Restart from zero, resume with Range, resume with If-Range.";
  m.source_file = "scenarios/matrices/restart-vs-resume.yaml";
  m.scenario = "memoryless-drops";
  m.size = static_cast<std::uint64_t>(kSize);
  m.seed = seed;
  m.trials = trials;
  m.bounds = {bound("if-range", "ok_rate", 1.0, "1.0"),
              bound("if-range", "p95_wasted_bytes", 0, "0"),
              bound("all", "corrupt_rate", 0.0, "0")};
  m.cells = {cell("restart", "reference restart none", {}),
             cell("range", "reference range full-jitter", {}),
             cell("if-range", "reference if-range full-jitter", {})};
  for (std::uint32_t t = 0; t < trials; ++t) {
    // restart: every attempt starts at byte 0 and ends at its drop or the end.
    std::uint64_t attempts = 0;
    double sent = 0, gaps = 0;
    for (;;) {
      ++attempts;
      const double x = exponential();
      if (x >= kSize) {
        sent += kSize;
        break;
      }
      sent += x;
      gaps += 0.05 * uniform();
    }
    const auto s = static_cast<std::uint64_t>(sent);
    m.cells[0].trials.push_back(
        trial(t, Verdict::ok, attempts, s, s - m.size, sent / kRate + gaps + 0.02));
    // range and if-range: resume where the drop left off.
    std::uint64_t resumes = 1;
    for (double left = kSize - exponential(); left > 0; left -= exponential()) ++resumes;
    const bool republished = uniform() < 0.1;
    const double d = kSize / kRate + 0.03 * static_cast<double>(resumes) + 0.05 * uniform();
    m.cells[1].trials.push_back(republished ? trial(t, Verdict::corrupt, resumes, m.size, m.size, d)
                                            : trial(t, Verdict::ok, resumes, m.size, 0, d));
    // if-range restarts once when it sees the new version: one more copy of the prefix.
    const std::uint64_t extra = republished ? m.size / 2 : 0;
    m.cells[2].trials.push_back(trial(t, Verdict::ok, resumes + (republished ? 1 : 0),
                                      m.size + extra, extra, d + (republished ? 1.0 : 0.0)));
  }
  for (auto& c : m.cells) c.server = sample_series(c.trials);
  CompareResults r;
  r.started_at = "2026-01-02T03:04:05Z";
  r.sisyphus_version = "0.1.0";
  r.matrices = {m};
  return r;
}

// Trial t of every cell into shard (t mod N) + 1, as `sisyphus compare --shard I/N` runs them.
inline std::vector<CompareResults> split_into_shards(const CompareResults& whole,
                                                     std::uint32_t count) {
  std::vector<CompareResults> shards;
  for (std::uint32_t i = 1; i <= count; ++i) {
    CompareResults s = whole;
    s.shard = Shard{i, count};
    // Shards start one second apart, the first one second after the whole run.
    const std::string second = std::to_string(5 + i);
    s.started_at = "2026-01-02T03:04:" + std::string(2 - second.size(), '0') + second + "Z";
    for (auto& m : s.matrices) {
      for (auto& c : m.cells) {
        std::erase_if(c.trials, [&](const Trial& t) { return !s.shard->contains(t.trial); });
        if (c.server) c.server = sample_series(c.trials);
      }
    }
    shards.push_back(std::move(s));
  }
  return shards;
}

}  // namespace sisyphus::reports::testing
