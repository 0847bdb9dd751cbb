#include "sisyphus/core/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace sisyphus {
namespace {

constexpr std::array kStatistics{Statistic::mean, Statistic::p50, Statistic::p95, Statistic::p99,
                                 Statistic::max};
constexpr std::array kMetrics{TrialMetric::attempts, TrialMetric::bytes_sent,
                              TrialMetric::wasted_bytes, TrialMetric::duration};

}  // namespace

double nearest_rank(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double n = static_cast<double>(sorted.size());
  // A small tolerance keeps 95 % of 20 samples at rank 19, not 20, despite 0.95 * 20 in binary.
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

Distribution summarize(std::vector<double> samples) {
  Distribution d;
  if (samples.empty()) return d;
  std::sort(samples.begin(), samples.end());
  d.mean =
      std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  d.p50 = nearest_rank(samples, 50);
  d.p95 = nearest_rank(samples, 95);
  d.p99 = nearest_rank(samples, 99);
  d.max = samples.back();
  return d;
}

std::string_view to_string(Statistic s) {
  switch (s) {
    case Statistic::mean:
      return "mean";
    case Statistic::p50:
      return "p50";
    case Statistic::p95:
      return "p95";
    case Statistic::p99:
      return "p99";
    case Statistic::max:
      return "max";
  }
  return "?";
}

std::string_view to_string(TrialMetric m) {
  switch (m) {
    case TrialMetric::attempts:
      return "attempts";
    case TrialMetric::bytes_sent:
      return "bytes_sent";
    case TrialMetric::wasted_bytes:
      return "wasted_bytes";
    case TrialMetric::duration:
      return "duration";
  }
  return "?";
}

std::string to_string(const BoundKey& key) {
  switch (key.kind) {
    case BoundKey::Kind::ok_rate:
      return "ok_rate";
    case BoundKey::Kind::corrupt_rate:
      return "corrupt_rate";
    case BoundKey::Kind::statistic:
      break;
  }
  return std::string(to_string(key.statistic)) + "_" + std::string(to_string(key.metric));
}

std::optional<BoundKey> parse_bound_key(std::string_view name) {
  if (name == "ok_rate") return BoundKey{BoundKey::Kind::ok_rate};
  if (name == "corrupt_rate") return BoundKey{BoundKey::Kind::corrupt_rate};
  for (Statistic s : kStatistics) {
    for (TrialMetric m : kMetrics) {
      BoundKey key{BoundKey::Kind::statistic, s, m};
      if (to_string(key) == name) return key;
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& bound_key_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out{"ok_rate", "corrupt_rate"};
    for (Statistic s : kStatistics) {
      for (TrialMetric m : kMetrics)
        out.push_back(to_string(BoundKey{BoundKey::Kind::statistic, s, m}));
    }
    return out;
  }();
  return names;
}

}  // namespace sisyphus
