#pragma once
// The spellings the compare writers share (internal), so compare.json, compare.md and
// compare.html say the same thing the same way.
#include <string>

#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports::compare_text {

// A value of the metric `key` bounds, spelled like a bound is written: rates and attempts as
// numbers ("0.995", "2.75"), sizes as sizes ("0B", "2MiB", "1234567B"), durations in
// seconds ("1.25s").
std::string bound_value(const BoundKey& key, double value);

// "at least" for ok_rate, else "at most".
std::string_view bound_direction(const BoundKey& key);

// "resume: p95_wasted_bytes: expected at most 0B, got 1MiB"
std::string bound_line(const BoundResult& r);

// Which record of a cell `t` is: "3", or "3 client 41" in a herd.
std::string record(const Trial& t);

// "trial 17: failed-dirty, 12 attempts, 3.0 MiB wasted, 2.31 s" ("trial 0 client 41: …" in
// a herd)
std::string trial_line(const Trial& t);

// What the server saw of `cell` (which has a series): "restart: 602 requests over 200
// trials, 3 over capacity; busiest 0.1 s: 37 arrivals (trials summed); at most 4 transfers
// at once (busiest trial)".
std::string server_line(const Cell& cell);

// "sisyphus compare: 1 matrix, 3 strategies, 1 of 4 bounds failed, 2 harness errors"
std::string headline(const CompareResults& results);

// The command that replays trial `t` of `cell`.
std::string replay_command(const Cell& cell, const Trial& t);

// "flaky-link (4.0 MiB) · 200 trials per strategy · seed 7"
std::string matrix_meta(const MatrixResult& m);

}  // namespace sisyphus::reports::compare_text
