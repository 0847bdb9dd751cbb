#pragma once
// Backoff strategies from the AWS Architecture Blog's "Exponential Backoff And Jitter".
// Pure and seeded: the same options give the same sequence of delays.
#include <cstdint>

#include "sisyphus/client/options.hpp"
#include "sisyphus/core/rng.hpp"

namespace sisyphus::client {

class Backoff {
 public:
  explicit Backoff(BackoffOptions options);

  // The delay before the next retry; the n-th call follows the n-th consecutive failure.
  Duration next();
  // A success (an attempt that made progress): the next failure starts the sequence over.
  // The random stream is not rewound, so a reset never replays earlier jitter.
  void reset();

  std::uint32_t failures() const { return failures_; }
  const BackoffOptions& options() const { return options_; }

 private:
  Duration exponential() const;  // min(cap, base * 2^failures_)

  BackoffOptions options_;
  Rng rng_;
  std::uint32_t failures_ = 0;
  Duration previous_;  // decorrelated jitter: the last sleep
};

}  // namespace sisyphus::client
