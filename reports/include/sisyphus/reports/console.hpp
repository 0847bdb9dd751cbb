#pragma once
// The console table and progress line. Colour is the caller's choice; use_color() is the
// usual policy (a terminal, NO_COLOR unset, TERM not "dumb").
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports {

bool use_color(std::FILE* stream);

// Columns: scenario, client, verdict, attempts, bytes sent, wasted, duration; then a
// "N passed, M failed" line. Rows in the given order; failed rows are marked "FAIL".
std::string format_console_table(std::span<const ScenarioResult> scenarios, bool color);
std::string format_console_table(const RunResults& results, bool color);

// One line (no newline): "[=====>    ] 12/30  3 failed  drop-at-95-percent", at most
// `width` columns. Meant to be redrawn with '\r' on a terminal.
std::string format_progress(std::size_t done, std::size_t total, std::size_t failed,
                            std::string_view current, bool color, std::size_t width = 80);

// One line (no newline) for a scenario that just finished, `done` of `total`, for a console
// that is not a terminal (CI logs): "[2/5] PASS clean (reference): ok, 1 attempt, 0 B wasted,
// 0.12 s", with the harness error after " -- " for verdict error.
std::string format_scenario_line(const ScenarioResult& s, std::size_t done, std::size_t total,
                                 bool color);

// For each failed scenario: its name, failed expectations and the replay command.
std::string format_failures(const RunResults& results, bool color);

}  // namespace sisyphus::reports
