#pragma once
// Retry-After as delay-seconds for a scenario duration: time-scaled like every duration, sent
// rounded up to whole seconds (RFC 9110 §10.2.3). The status fault and server.over_capacity
// both send it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "sisyphus/core/time_scale.hpp"

namespace sisyphus::proxy {

inline std::string retry_after_seconds(Duration d, const TimeScale& scale) {
  // In long double, not through TimeScale: 12 digits of seconds times a large scale would
  // overflow microseconds.
  const long double seconds =
      std::ceil(static_cast<long double>(d.count()) * scale.factor() / 1'000'000.0L);
  return std::to_string(static_cast<std::uint64_t>(std::min(seconds, 1e15L)));
}

}  // namespace sisyphus::proxy
