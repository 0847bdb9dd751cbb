#include "sisyphus/client/backoff.hpp"

#include <algorithm>

namespace sisyphus::client {

Backoff::Backoff(BackoffOptions options)
    : options_(options), rng_(derive_seed(options.seed, "backoff")), previous_(options.base) {}

Duration Backoff::exponential() const {
  // Doubling stops at the cap, so a thousand failures cannot overflow.
  const auto cap = options_.cap.count();
  auto t = std::min(options_.base.count(), cap);
  for (std::uint32_t i = 0; i < failures_ && t < cap; ++i) t = std::min(t * 2, cap);
  return Duration{t};
}

Duration Backoff::next() {
  using Rep = Duration::rep;
  const Rep cap = options_.cap.count();
  const Rep base = options_.base.count();
  Rep delay = 0;
  switch (options_.strategy) {
    case BackoffStrategy::none:
      break;
    case BackoffStrategy::constant:
      delay = std::min(base, cap);
      break;
    case BackoffStrategy::exponential:
      delay = exponential().count();
      break;
    case BackoffStrategy::full_jitter: {
      const Rep t = exponential().count();
      delay = static_cast<Rep>(rng_.between(0, static_cast<std::uint64_t>(t)));
      break;
    }
    case BackoffStrategy::equal_jitter: {
      const Rep t = exponential().count();
      const Rep half = t / 2;
      delay = half + static_cast<Rep>(rng_.between(0, static_cast<std::uint64_t>(t - half)));
      break;
    }
    case BackoffStrategy::decorrelated_jitter: {
      // sleep = min(cap, random_between(base, sleep * 3)), starting from sleep = base.
      const Rep lo = base;
      const Rep hi = std::max(lo, previous_.count() * 3);
      delay = std::min(cap, static_cast<Rep>(rng_.between(static_cast<std::uint64_t>(lo),
                                                          static_cast<std::uint64_t>(hi))));
      previous_ = Duration{delay};
      break;
    }
  }
  ++failures_;
  return Duration{delay};
}

void Backoff::reset() {
  failures_ = 0;
  previous_ = options_.base;
}

}  // namespace sisyphus::client
