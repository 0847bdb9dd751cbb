#include "sisyphus/core/time_scale.hpp"

#include <fmt/format.h>

#include <cmath>

namespace sisyphus {

TimeScale::TimeScale(double factor) : factor_(factor) {
  if (!(factor > 0) || !std::isfinite(factor)) {
    throw ParseError(fmt::format("invalid time scale {}: expected a positive number", factor));
  }
}

Duration TimeScale::operator()(Duration d) const {
  return Duration{static_cast<Duration::rep>(std::llround(static_cast<double>(d.count()) * factor_))};
}

}  // namespace sisyphus
