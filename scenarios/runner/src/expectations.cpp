#include "sisyphus/runner/expectations.hpp"

#include <fmt/format.h>

namespace sisyphus::runner {
namespace {

std::string seconds(double s) {
  return fmt::format("{:.3f}s", s);
}

std::string seconds(Duration d) {
  return seconds(static_cast<double>(d.count()) / 1e6);
}

}  // namespace

std::vector<reports::Expectation> check_expectations(const model::Expectations& expect,
                                                     const reports::ScenarioResult& result,
                                                     Duration deadline, TimeScale time_scale) {
  std::vector<reports::Expectation> out;
  const std::string verdict(reports::to_string(result.verdict));
  const std::string want_verdict = expect.verdict.value_or("ok");
  out.push_back({"verdict", want_verdict, verdict, verdict == want_verdict});

  if (expect.max_attempts) {
    out.push_back({"max_attempts", std::to_string(*expect.max_attempts),
                   std::to_string(result.attempts), result.attempts <= *expect.max_attempts});
  }
  if (expect.min_attempts) {
    out.push_back({"min_attempts", std::to_string(*expect.min_attempts),
                   std::to_string(result.attempts), result.attempts >= *expect.min_attempts});
  }
  if (expect.max_wasted_bytes) {
    const SizeSpec& spec = *expect.max_wasted_bytes;
    const std::uint64_t limit = spec.resolve(result.size);
    // A percentage is shown with the byte count it stands for in this run.
    std::string expected = spec.to_string();
    if (spec.is_percent()) expected += fmt::format(" ({} bytes)", limit);
    out.push_back({"max_wasted_bytes", expected, fmt::format("{} bytes", result.bytes_wasted),
                   result.bytes_wasted <= limit});
  }
  if (expect.max_duration) {
    const Duration limit = time_scale(*expect.max_duration);
    std::string expected = format_duration(*expect.max_duration);
    if (time_scale.factor() != 1.0) {
      expected += fmt::format(" x {} = {}", time_scale.factor(), seconds(limit));
    }
    out.push_back({"max_duration", expected, seconds(result.duration_s),
                   result.duration_s <= static_cast<double>(limit.count()) / 1e6});
  }
  if (result.timed_out) {
    out.push_back({"deadline", fmt::format("the client ends within {}", seconds(deadline)),
                   "killed at the deadline", false});
  }
  return out;
}

}  // namespace sisyphus::runner
