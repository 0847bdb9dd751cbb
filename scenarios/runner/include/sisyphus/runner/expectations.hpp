#pragma once
// A scenario's `expect:` block checked against what one run measured.
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/reports/results.hpp"

namespace sisyphus::runner {

// One reports::Expectation per expectation written, judged on what `result` measured (its
// verdict, attempts, bytes_wasted, size, duration_s, timed_out), in a fixed order: verdict
// (always; `ok` when not written), max_attempts, min_attempts, max_wasted_bytes (a
// percentage of `size`), max_duration (compared with the time-scaled value), then `deadline`
// (failed, saying the deadline) when the client was killed.
std::vector<reports::Expectation> check_expectations(const model::Expectations& expect,
                                                     const reports::ScenarioResult& result,
                                                     Duration deadline, TimeScale time_scale);

}  // namespace sisyphus::runner
