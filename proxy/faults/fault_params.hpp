#pragma once
// Parameter shapes shared by several fault kinds (a header, not a .cpp: every .cpp in this
// directory is a fault kind).
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sisyphus/core/units.hpp"
#include "sisyphus/proxy/plan.hpp"
#include "sisyphus/model/params.hpp"

namespace sisyphus::proxy::faults {

// `at: 95%` (a position in the resource, what Content-Range counts) or `after: 1MiB` (body
// bytes into this response); exactly one of them. Percentages resolve against the size of
// the representation when the fault applies.
struct PointSpec {
  BodyPoint::Base base = BodyPoint::Base::resource;
  SizeSpec size;

  static PointSpec parse(const model::Params& params) {
    const bool at = params.has("at");
    const bool after = params.has("after");
    if (at && after) {
      params.fail("after",
                  "give either 'at' (an offset in the resource) or 'after' (body bytes into this "
                  "response), not both");
    }
    if (!at && !after) {
      params.fail(
          "expected 'at' (an offset in the resource: 1000, 4MiB, 95%) or 'after' (body bytes "
          "into this response)");
    }
    return at ? PointSpec{BodyPoint::Base::resource, params.size("at")}
              : PointSpec{BodyPoint::Base::response, params.size("after")};
  }

  BodyPoint resolve(std::uint64_t resource_size) const {
    return BodyPoint{base, size.resolve(resource_size)};
  }
};

// A kind that takes no parameters: `no_range: {}` or `no_range:` alone.
inline void expect_no_parameters(const model::Params& params, std::string_view kind) {
  if (params.is_null()) return;
  params.require_map();
  const std::string key = params.node().begin()->first.Scalar();
  params.fail(key, fmt::format("'{}' takes no parameters, got '{}'", kind, key));
}

}  // namespace sisyphus::proxy::faults
