#pragma once
// The inline SVG charts of compare.html (internal): distributions over trials, one colour
// per strategy. Each function returns one <svg> with axes, ticks and labels; colours come
// from the page's CSS classes s0..s9 (the strategy's index modulo 10; from the 11th on the
// CDF lines are also dashed, so no two strategies look alike).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::reports::svg {

inline constexpr std::size_t kStrategyColours = 10;

// The class a strategy's marks carry: "s3", or "s3 d1" for the 14th strategy.
std::string strategy_class(std::size_t index);

// What the values of an axis are: the unit its ticks are spelled in (count: none).
enum class Quantity { seconds, bytes, count };

// Ticks of a linear axis from 0 to at least `max`: steps of 1, 2 or 5 × 10^k (of KiB, MiB
// or GiB for bytes), about `target` of them. The last tick is the axis end.
struct Ticks {
  std::vector<double> values;  // ascending, from 0
  std::vector<std::string> labels;
};
Ticks axis_ticks(double max, Quantity q, int target = 5);

// A <line> of class `cls` (the page styles "axis" and "grid").
std::string line(double x1, double y1, double x2, double y2, std::string_view cls);
// A horizontal axis at `y` from x0 (value 0) to x1 (the last tick) with its ticks labelled
// below, and light vertical grid lines up to `top`. Every chart of both pages draws its
// value axis with it.
std::string x_axis(const Ticks& t, double x0, double x1, double y, double top);

struct Series {
  std::string name;
  std::size_t index = 0;       // the strategy's index: its colour
  std::vector<double> values;  // one per trial, any order
};

// The empirical CDF of each series: for each x, the share of trials at or below it; a step
// line per strategy that stays at 100 % after its largest value. A dashed line marks 95 %.
std::string cdf_chart(std::string_view aria_label, std::string_view x_title,
                      const std::vector<Series>& series, Quantity q);

struct Spread {
  std::string name;
  std::size_t index = 0;
  double p50 = 0;
  double p95 = 0;
  bool trials = true;  // false: the strategy has no trials to show
  bool has_trials() const { return trials; }
};

// A bar per strategy from 0 to its p50 and a whisker from p50 to p95, on a bytes axis.
std::string whisker_chart(std::string_view aria_label, const std::vector<Spread>& rows);

struct Rate {
  std::string name;
  std::size_t index = 0;
  std::uint64_t count = 0;  // trials with the outcome
  std::uint64_t total = 0;  // trials
  bool has_trials() const { return total > 0; }
};

// A bar per strategy of count / total on a 0–100 % axis.
std::string rate_chart(std::string_view aria_label, const std::vector<Rate>& rows);

struct TimeLine {
  std::string name;
  std::size_t index = 0;
  double bin_s = 0.1;          // seconds per value
  std::vector<double> values;  // one per bin from time 0
};

// Lines longer than this many steps are drawn with adjacent bins averaged (about 2 px a
// step on the plot's 724 px); the values written elsewhere stay exact.
inline constexpr std::size_t kMaxSteps = 362;
// How many bins one drawn step averages for a line of `bins` bins: ceil(bins / kMaxSteps).
std::size_t bins_per_step(std::size_t bins);

// One step line per strategy over time (x: seconds from 0 to the end of the longest line,
// y: from 0 to the largest value), every line on the same axes; a line holds each value
// over its bin (or group of bins_per_step bins, averaged) and stays at 0 after its end.
std::string time_chart(std::string_view aria_label, std::string_view x_title,
                       const std::vector<TimeLine>& lines);

}  // namespace sisyphus::reports::svg
