#include "sisyphus/reports/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <tuple>

namespace sisyphus::reports {

bool all_expectations_passed(const std::vector<Expectation>& expectations) {
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const Expectation& e) { return e.passed; });
}

Tally tally(const RunResults& results) {
  Tally t;
  for (const auto& s : results.scenarios) {
    ++t.total;
    if (s.passed) {
      ++t.passed;
    } else {
      ++t.failed;
    }
    if (s.verdict == Verdict::error) {
      ++t.errors;
      if (s.error && s.error->starts_with(kClientCouldNotStart)) ++t.not_started;
    }
  }
  return t;
}

int exit_code(const Tally& t) {
  if (t.not_started > 0) return 2;
  return t.failed > 0 ? 1 : 0;
}

void sort_scenarios(RunResults& results) {
  std::stable_sort(results.scenarios.begin(), results.scenarios.end(),
                   [](const ScenarioResult& a, const ScenarioResult& b) {
                     return std::tie(a.name, a.client.label) < std::tie(b.name, b.client.label);
                   });
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace sisyphus::reports
