// throttle: limit the body to a rate in bytes per second.
#include <cmath>
#include <limits>

#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class Throttle final : public Fault {
 public:
  explicit Throttle(std::uint64_t rate) : rate_(rate) {}

  std::string_view kind() const override { return "throttle"; }

  // The time scale stretches time, so a transfer that takes 10 s at scale 1 takes 1 s at
  // scale 0.1: the rate is divided by the factor. The slowest throttle wins.
  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng&) const override {
    const long double scaled = std::ceil(static_cast<long double>(rate_) / ctx.time_scale.factor());
    const std::uint64_t rate =
        scaled >= static_cast<long double>(std::numeric_limits<std::uint64_t>::max())
            ? std::numeric_limits<std::uint64_t>::max()
            : std::max<std::uint64_t>(1, static_cast<std::uint64_t>(scaled));
    plan.rate = plan.rate == 0 ? rate : std::min(plan.rate, rate);
    plan.applied.emplace_back("throttle");
  }

 private:
  std::uint64_t rate_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "rate",
     .type = model::ParamType::rate,
     .doc = "bytes per second, such as 1MiB/s",
     .required = true},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<Throttle>(params.rate("rate"));
}

}  // namespace

const FaultKind& throttle_kind() {
  static const FaultKind kind{
      .name = "throttle",
      .summary = "limit the body to a rate (bytes per second)",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
