#pragma once
// The position drop and stall cut at, shared by both (a header, not a .cpp: every .cpp in
// this directory is a fault kind).
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/model/param_table.hpp"
#include "sisyphus/model/params.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy::faults {

inline constexpr model::ParamKey kAtKey{
    .name = "at",
    .type = model::ParamType::size,
    .doc = "an offset in the resource: 1000, 4MiB, 95%",
};
inline constexpr model::ParamKey kAfterKey{
    .name = "after",
    .type = model::ParamType::size,
    .doc = "body bytes into this response",
    .random = true,
};

// One draw of an exponentially distributed whole number of units with mean `mean` (bytes, or
// microseconds): X = floor(-mean * ln(1 - U)), U = rng.uniform01() in [0, 1), computed in
// double (std::log1p), at most the largest uint64. docs/faults.md, "Memoryless links", writes
// this so that a test can recompute it.
inline std::uint64_t exponential_draw(Rng& rng, std::uint64_t mean) {
  const double x = -static_cast<double>(mean) * std::log1p(-rng.uniform01());
  constexpr double kMax = 18446744073709549568.0;  // the largest double below 2^64
  return x >= kMax ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(x);
}

// `at: 95%` (a position in the resource, what Content-Range counts) or `after: 1MiB` (body
// bytes into this response); exactly one of them. Percentages resolve against the size of
// the representation when the fault applies. `after: {mean: 4MiB}` draws the offset per
// request (exponential_draw() of the resolved mean).
struct PointSpec {
  BodyPoint::Base base = BodyPoint::Base::resource;
  SizeSpec size;
  bool mean = false;

  static PointSpec read(const model::FaultParams& params) {
    const bool at = params.has(kAtKey.name);
    const bool after = params.has(kAfterKey.name);
    if (at && after) {
      params.fail(kAfterKey.name,
                  "give either 'at' (an offset in the resource) or 'after' (body bytes into this "
                  "response), not both");
    }
    if (!at && !after) {
      params.fail(fmt::format("expected '{}' ({}) or '{}' ({})", kAtKey.name, kAtKey.doc,
                              kAfterKey.name, kAfterKey.doc));
    }
    return at ? PointSpec{BodyPoint::Base::resource, params.size(kAtKey.name)}
              : PointSpec{BodyPoint::Base::response, params.size(kAfterKey.name),
                          params.is_mean(kAfterKey.name)};
  }

  // A random offset takes one draw from `rng`; a fixed one none.
  BodyPoint resolve(std::uint64_t resource_size, Rng& rng) const {
    const std::uint64_t value = size.resolve(resource_size);
    return BodyPoint{base, mean ? exponential_draw(rng, value) : value};
  }
};

}  // namespace sisyphus::proxy::faults
