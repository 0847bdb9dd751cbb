#pragma once
// The position drop and stall cut at, shared by both (a header, not a .cpp: every .cpp in
// this directory is a fault kind).
#include <fmt/format.h>

#include <cstdint>

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
};

// `at: 95%` (a position in the resource, what Content-Range counts) or `after: 1MiB` (body
// bytes into this response); exactly one of them. Percentages resolve against the size of
// the representation when the fault applies.
struct PointSpec {
  BodyPoint::Base base = BodyPoint::Base::resource;
  SizeSpec size;

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
              : PointSpec{BodyPoint::Base::response, params.size(kAfterKey.name)};
  }

  BodyPoint resolve(std::uint64_t resource_size) const {
    return BodyPoint{base, size.resolve(resource_size)};
  }
};

}  // namespace sisyphus::proxy::faults
