// The server's time series of a cell (compare.hpp ServerSeries): one trial's binned from its
// log events, and the sum of several. Time is measured in bins (seconds × 1/bin_s) so that
// decimal starts like 0.3 s land in bin 3, as a person reading the log expects.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

std::size_t bin_of(double u) {
  return static_cast<std::size_t>(std::floor(std::max(u, 0.0)));
}

// Spreads `bytes` evenly over [from, to) (in bins): the bytes up to the end of each bin
// are rounded down, the last bin takes what is left, so the sum is exactly `bytes`.
void spread_bytes(std::vector<std::uint64_t>& out, double from, double to, std::uint64_t bytes) {
  const std::size_t first = bin_of(from);
  if (to <= from) {
    out[first] += bytes;
    return;
  }
  const std::size_t last = std::max(first, static_cast<std::size_t>(std::ceil(to)) - 1);
  std::uint64_t given = 0;
  for (std::size_t i = first; i < last; ++i) {
    // Multiplied before dividing: 7 bytes over 3.5 bins give exactly 2 per whole bin.
    const double share = static_cast<double>(bytes) * (static_cast<double>(i + 1) - from);
    const auto upto = std::min(bytes, static_cast<std::uint64_t>(std::floor(share / (to - from))));
    out[i] += upto - given;
    given = upto;
  }
  out[last] += bytes - given;
}

// into[i] += more[i], the shorter padded with zeros.
template <typename T>
void add_bins(std::vector<T>& into, const std::vector<T>& more) {
  if (into.size() < more.size()) into.resize(more.size(), T{});
  for (std::size_t i = 0; i < more.size(); ++i) into[i] += more[i];
}

}  // namespace

ServerSeries server_series(const std::vector<ServerEvent>& events, std::uint64_t peak_active) {
  ServerSeries s;
  s.trials = 1;
  s.peak_active = peak_active;
  const double per_s = 1.0 / s.bin_s;
  std::size_t bins = 0;
  for (const auto& e : events) {
    const double from = e.start_s * per_s, to = (e.start_s + e.duration_s) * per_s;
    bins = std::max({bins, bin_of(from) + 1, static_cast<std::size_t>(std::ceil(to))});
  }
  s.arrivals.assign(bins, 0);
  s.active.assign(bins, 0);
  s.bytes.assign(bins, 0);
  for (const auto& e : events) {
    const double from = e.start_s * per_s, to = (e.start_s + e.duration_s) * per_s;
    ++s.arrivals[bin_of(from)];
    ++s.requests;
    spread_bytes(s.bytes, from, to, e.bytes);
    if (e.over_capacity) {
      ++s.over_capacity;
      continue;  // turned away: never a transfer (docs/server.md "Overload and outages")
    }
    // Time-averaged in flight: the share of each bin the response overlaps.
    for (std::size_t i = bin_of(from); static_cast<double>(i) < to; ++i) {
      const double lo = std::max(from, static_cast<double>(i));
      const double hi = std::min(to, static_cast<double>(i + 1));
      if (hi > lo) s.active[i] += hi - lo;
    }
  }
  for (double& a : s.active) a = std::round(a / kActiveQuantum) * kActiveQuantum;
  if (bins > 0) s.peak_arrivals_per_bin = *std::max_element(s.arrivals.begin(), s.arrivals.end());
  return s;
}

void add_series(ServerSeries& into, const ServerSeries& more) {
  if (into.bin_s != more.bin_s) {
    throw std::invalid_argument(fmt::format(
        "cannot add a server series of {} s bins to one of {} s bins", more.bin_s, into.bin_s));
  }
  add_bins(into.arrivals, more.arrivals);
  add_bins(into.active, more.active);
  add_bins(into.bytes, more.bytes);
  into.requests += more.requests;
  into.over_capacity += more.over_capacity;
  into.trials += more.trials;
  into.peak_active = std::max(into.peak_active, more.peak_active);
  into.peak_arrivals_per_bin =
      into.arrivals.empty() ? 0 : *std::max_element(into.arrivals.begin(), into.arrivals.end());
}

}  // namespace sisyphus::reports
