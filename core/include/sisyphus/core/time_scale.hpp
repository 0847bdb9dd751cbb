#pragma once
// --time-scale X: every scenario duration and client backoff is multiplied by X, so a
// scenario written with real-world delays runs fast in CI.
#include "sisyphus/core/units.hpp"

namespace sisyphus {

class TimeScale {
 public:
  explicit TimeScale(double factor = 1.0);
  double factor() const { return factor_; }
  Duration operator()(Duration d) const;

 private:
  double factor_;
};

}  // namespace sisyphus
