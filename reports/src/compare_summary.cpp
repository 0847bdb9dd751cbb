// The pure functions of the trials: a cell's summary, its worst trial, the matrix's bounds.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "compare_text.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/reports/compare.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace {

template <typename Field>
Distribution distribution(const Cell& cell, Field field) {
  std::vector<double> samples;
  samples.reserve(cell.trials.size());
  for (const auto& t : cell.trials) samples.push_back(static_cast<double>(field(t)));
  return sisyphus::summarize(std::move(samples));
}

// How bad a verdict is for worst_trial: higher is worse.
int severity(Verdict v) {
  switch (v) {
    case Verdict::corrupt:
      return 4;
    case Verdict::failed_dirty:
      return 3;
    case Verdict::error:
      return 2;
    case Verdict::failed_clean:
      return 1;
    case Verdict::ok:
      return 0;
  }
  return 0;
}

const Distribution& metric_distribution(const CellSummary& s, TrialMetric m) {
  switch (m) {
    case TrialMetric::attempts:
      return s.attempts;
    case TrialMetric::bytes_sent:
      return s.bytes_sent;
    case TrialMetric::wasted_bytes:
      return s.bytes_wasted;
    case TrialMetric::duration:
      return s.duration_s;
  }
  return s.attempts;
}

double statistic(const Distribution& d, Statistic s) {
  switch (s) {
    case Statistic::mean:
      return d.mean;
    case Statistic::p50:
      return d.p50;
    case Statistic::p95:
      return d.p95;
    case Statistic::p99:
      return d.p99;
    case Statistic::max:
      return d.max;
  }
  return d.mean;
}

double bound_actual(const BoundKey& key, const CellSummary& s) {
  switch (key.kind) {
    case BoundKey::Kind::ok_rate:
      return s.ok_rate;
    case BoundKey::Kind::corrupt_rate:
      return s.corrupt_rate;
    case BoundKey::Kind::statistic:
      break;
  }
  return statistic(metric_distribution(s, key.metric), key.statistic);
}

void count(VerdictCounts& c, Verdict v) {
  switch (v) {
    case Verdict::ok:
      ++c.ok;
      break;
    case Verdict::corrupt:
      ++c.corrupt;
      break;
    case Verdict::failed_clean:
      ++c.failed_clean;
      break;
    case Verdict::failed_dirty:
      ++c.failed_dirty;
      break;
    case Verdict::error:
      ++c.error;
      break;
  }
}

}  // namespace

CellSummary summarize(const Cell& cell) {
  CellSummary s;
  for (const auto& t : cell.trials) {
    count(s.verdicts, t.verdict);
    s.requests += t.attempts;
  }
  s.attempts = distribution(cell, [](const Trial& t) { return t.attempts; });
  s.bytes_sent = distribution(cell, [](const Trial& t) { return t.bytes_sent; });
  s.bytes_wasted = distribution(cell, [](const Trial& t) { return t.bytes_wasted; });
  s.duration_s = distribution(cell, [](const Trial& t) { return t.duration_s; });
  if (!cell.trials.empty()) {
    const auto n = static_cast<double>(cell.trials.size());
    s.ok_rate = static_cast<double>(s.verdicts.ok) / n;
    s.corrupt_rate = static_cast<double>(s.verdicts.corrupt) / n;
  }
  return s;
}

std::optional<Trial> worst_trial(const Cell& cell) {
  if (cell.trials.empty()) return std::nullopt;
  const auto rank = [](const Trial& t) {
    // Larger is worse; trial and client are negated so the lowest one wins a tie.
    return std::make_tuple(severity(t.verdict), t.bytes_wasted, t.attempts,
                           -static_cast<std::int64_t>(t.trial),
                           -static_cast<std::int64_t>(t.client.value_or(0)));
  };
  return *std::max_element(cell.trials.begin(), cell.trials.end(),
                           [&](const Trial& a, const Trial& b) { return rank(a) < rank(b); });
}

std::vector<BoundResult> check_bounds(const MatrixResult& m) {
  std::vector<BoundResult> out;
  for (const auto& b : m.bounds) {
    for (const auto& cell : m.cells) {
      // A bound on a strategy this run left out (a --filter) has nothing to judge.
      if (b.strategy != "all" && b.strategy != cell.strategy) continue;
      BoundResult r{cell.strategy, to_string(b.key), b.written, "no trials", false};
      if (!cell.trials.empty()) {
        const double actual = bound_actual(b.key, summarize(cell));
        r.actual = compare_text::bound_value(b.key, actual);
        r.passed = b.key.at_least() ? actual >= b.limit : actual <= b.limit;
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

bool passed(const CompareResults& results) {
  for (const auto& m : results.matrices) {
    for (const auto& r : check_bounds(m)) {
      if (!r.passed) return false;
    }
    for (const auto& cell : m.cells) {
      for (const auto& t : cell.trials) {
        if (t.verdict == Verdict::error) return false;
      }
    }
  }
  return true;
}

}  // namespace sisyphus::reports

namespace sisyphus::reports::compare_text {
namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string headline(const CompareResults& results) {
  std::size_t strategies = 0, bounds = 0, failed = 0, errors = 0;
  for (const auto& m : results.matrices) {
    strategies += m.cells.size();
    for (const auto& b : check_bounds(m)) {
      ++bounds;
      failed += b.passed ? 0 : 1;
    }
    for (const auto& c : m.cells) errors += summarize(c).verdicts.error;
  }
  std::string out =
      fmt::format("sisyphus compare: {}, {}", plural(results.matrices.size(), "matrix", "matrices"),
                  plural(strategies, "strategy", "strategies"));
  out += bounds == 0 ? ", no bounds"
         : failed == 0
             ? fmt::format(", all {} held", plural(bounds, "bound", "bounds"))
             : fmt::format(", {} of {} failed", failed, plural(bounds, "bound", "bounds"));
  if (errors > 0) out += ", " + plural(errors, "harness error", "harness errors");
  return out;
}

std::string bound_value(const BoundKey& key, double value) {
  if (key.kind != BoundKey::Kind::statistic) return text::decimal(value, 4);
  switch (key.metric) {
    case TrialMetric::attempts:
      return text::decimal(value, 2);
    case TrialMetric::bytes_sent:
    case TrialMetric::wasted_bytes:
      if (value == std::floor(value) && value < 1.8e19) {
        return format_size(static_cast<std::uint64_t>(value));
      }
      return text::decimal(value, 1) + "B";
    case TrialMetric::duration:
      return text::decimal(value, 3) + "s";
  }
  return text::decimal(value, 4);
}

std::string_view bound_direction(const BoundKey& key) {
  return key.at_least() ? "at least" : "at most";
}

std::string bound_line(const BoundResult& r) {
  const auto key = parse_bound_key(r.key);
  return fmt::format("{}: {}: expected {}{}, got {}", r.strategy, r.key,
                     key ? std::string(bound_direction(*key)) + " " : "", r.expected, r.actual);
}

std::string record(const Trial& t) {
  return t.client ? fmt::format("{} client {}", t.trial, *t.client) : fmt::format("{}", t.trial);
}

std::string trial_line(const Trial& t) {
  std::string out =
      fmt::format("trial {}: {}{}, {} attempt{}, {} wasted, {}", record(t), to_string(t.verdict),
                  t.timed_out ? " (timed out)" : "", t.attempts, t.attempts == 1 ? "" : "s",
                  text::bytes(t.bytes_wasted), text::seconds(t.duration_s));
  if (t.error) out += " — " + *t.error;
  return out;
}

std::string server_line(const Cell& cell) {
  const ServerSeries& s = *cell.server;
  std::string out =
      fmt::format("{}: {} over {}, {} over capacity; busiest {} s: {} arrival{}", cell.strategy,
                  plural(s.requests, "request", "requests"), plural(s.trials, "trial", "trials"),
                  s.over_capacity, text::decimal(s.bin_s, 6), s.peak_arrivals_per_bin,
                  s.peak_arrivals_per_bin == 1 ? "" : "s");
  if (s.trials > 1) out += " (trials summed)";
  if (s.peak_active > 0) {
    out += fmt::format("; at most {} transfer{} at once", s.peak_active,
                       s.peak_active == 1 ? "" : "s");
    if (s.trials > 1) out += " (busiest trial)";
  }
  return out;
}

std::string replay_command(const Cell& cell, const Trial& t) {
  return fmt::format("{} --trial {}", cell.replay, t.trial);
}

std::string matrix_meta(const MatrixResult& m) {
  return fmt::format("scenario {} ({}) · {} trial{} per strategy · seed {}", m.scenario,
                     text::bytes(m.size), m.trials, m.trials == 1 ? "" : "s", m.seed);
}

}  // namespace sisyphus::reports::compare_text
