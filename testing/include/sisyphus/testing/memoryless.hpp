#pragma once
// Tests of memoryless links (docs/faults.md, "Memoryless links") recompute the server's
// draws from the documented formula, not from the server's code, and check a cut by time
// the same way over the origin and the relay.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/proxy/plan.hpp"
#include "sisyphus/testing/raw_http_client.hpp"

namespace sisyphus::testing {

// X = floor(-M * ln(1 - U)), U the first uniform01() of Rng(derive_seed(seed, label)): the draw
// of a `{mean: M}` key in the stream labelled "PATH:k:r" (rule r, probability 1) or
// "PATH:k:attempt:j".
inline std::uint64_t documented_exponential(std::uint64_t seed, std::string_view label,
                                            double mean) {
  Rng rng(derive_seed(seed, label));
  return static_cast<std::uint64_t>(std::floor(-mean * std::log1p(-rng.uniform01())));
}

// A throttled body (`rate` bytes/s, in writes of proxy::throttle_slice(rate)) cut by `after_time:
// t`, ending with `end`: no later than a write past rate x t, not before t after the request was
// sent, and (generously, a loaded machine writes late) at least half of rate x t.
inline void expect_timed_cut(const HttpResponse& r, double rate, std::chrono::microseconds t,
                             End end) {
  const double at_rate = rate * std::chrono::duration<double>(t).count();
  EXPECT_EQ(r.end, end);
  EXPECT_LE(static_cast<double>(r.body.size()),
            at_rate + static_cast<double>(proxy::throttle_slice(static_cast<std::uint64_t>(rate))));
  EXPECT_GE(static_cast<double>(r.body.size()), at_rate / 2);
  EXPECT_GE(r.done_at - r.sent_at, t);
  EXPECT_LT(r.done_at - r.sent_at, t + std::chrono::seconds(2));
}

}  // namespace sisyphus::testing
