#pragma once
// A scenario's `expect:` block checked against what one run measured.
#include <cstdint>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/reports/results.hpp"
#include "sisyphus/model/scenario.hpp"

namespace sisyphus::runner {

struct Measured {
  reports::Verdict verdict = reports::Verdict::error;
  std::uint64_t attempts = 0;
  std::uint64_t bytes_wasted = 0;
  std::uint64_t size = 0;  // resource size, for `max_wasted_bytes: 10%`
  double duration_s = 0;
  bool timed_out = false;
  Duration deadline{0};
};

// One reports::Expectation per expectation written, in a fixed order: verdict (always; `ok`
// when not written), max_attempts, min_attempts, max_wasted_bytes, max_duration (compared
// with the time-scaled value), then `deadline` (failed) when the client was killed.
std::vector<reports::Expectation> check_expectations(const model::Expectations& expect,
                                                     const Measured& measured,
                                                     TimeScale time_scale);

}  // namespace sisyphus::runner
