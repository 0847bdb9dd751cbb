#pragma once
// The progress line `sisyphus get` redraws on a terminal: what it says and how it fits a
// width. A line that is wider than the terminal wraps, and '\r' then returns to the start
// of its last row only: every redraw would leave a copy behind.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sisyphus/client/options.hpp"

namespace sisyphus::client {

class ProgressLine {
 public:
  // Feeds a report; the rate is measured over the last quarter second or more, not since
  // the start, so that a stall shows.
  void update(const Progress& p);
  double rate() const { return rate_; }  // bytes per second

  // " 45% [#########           ] 450.0 MiB / 1.0 GiB  120.3 MiB/s  ETA 4s  attempt 2", in at
  // most `width - 1` columns (the last column is left free: some terminals wrap on it).
  // Narrower: the bar shrinks to 10 cells, then the parts go, least useful first (attempt,
  // ETA, rate, sizes, bar), then the text is cut.
  std::string format(const Progress& p, std::size_t width) const;

 private:
  double last_t_ = -1;
  std::uint64_t last_bytes_ = 0;
  double rate_ = 0;
};

}  // namespace sisyphus::client
