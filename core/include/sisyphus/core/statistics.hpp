#pragma once
// Distributions over seeded trials (`sisyphus compare`): a summary of samples by nearest-rank
// percentiles, and the names of the bounds a matrix's `expect:` may set on them. The model
// checks the names when it loads a matrix; the reports evaluate them on results, also after
// a merge of shards. Both read the grammar from here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus {

// mean and the nearest-rank percentiles: pK is the smallest sample with at least K % of the
// samples at or below it (the ceil(K/100 * n)-th smallest), so every value reported is one
// that a trial really produced. All zero for no samples.
struct Distribution {
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;
  bool operator==(const Distribution&) const = default;
};

Distribution summarize(std::vector<double> samples);
// The nearest-rank percentile `p` (0 < p <= 100) of ascending `sorted`; 0 when empty.
double nearest_rank(const std::vector<double>& sorted, double p);

// One `expect:` key of a matrix: `ok_rate` (at least, 0..1), `corrupt_rate` (at most, 0..1)
// or `<statistic>_<metric>` (at most), e.g. `p95_wasted_bytes`, `mean_attempts`,
// `max_duration`. Metrics: attempts (a count), bytes_sent and wasted_bytes (sizes: `2MiB`,
// `10%` of the resource), duration (a duration: `10s`).
enum class Statistic { mean, p50, p95, p99, max };
enum class TrialMetric { attempts, bytes_sent, wasted_bytes, duration };

struct BoundKey {
  enum class Kind { ok_rate, corrupt_rate, statistic };
  Kind kind = Kind::ok_rate;
  Statistic statistic = Statistic::mean;       // Kind::statistic
  TrialMetric metric = TrialMetric::attempts;  // Kind::statistic
  bool at_least() const { return kind == Kind::ok_rate; }
  bool operator==(const BoundKey&) const = default;
};

// nullopt for a name that is none of the above.
std::optional<BoundKey> parse_bound_key(std::string_view name);
std::string to_string(const BoundKey& key);  // the name parse_bound_key reads
std::string_view to_string(Statistic s);     // "mean", "p50", ...
std::string_view to_string(TrialMetric m);   // "attempts", "bytes_sent", ...
// Every accepted name, for "expected one of" errors and "did you mean" guesses.
const std::vector<std::string>& bound_key_names();

}  // namespace sisyphus
