// throttle: limit the body to a rate in bytes per second.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class Throttle final : public Fault {
 public:
  Throttle(std::uint64_t rate, std::uint64_t burst) : rate_(rate), burst_(burst) {}

  std::string_view kind() const override { return "throttle"; }

  // The time scale stretches time, so a transfer that takes 10 s at scale 1 takes 1 s at
  // scale 0.1: the rate is divided by the factor. The slowest throttle wins.
  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng&) const override {
    const long double scaled = std::ceil(static_cast<long double>(rate_) / ctx.time_scale.factor());
    const std::uint64_t rate =
        scaled >= static_cast<long double>(std::numeric_limits<std::uint64_t>::max())
            ? std::numeric_limits<std::uint64_t>::max()
            : std::max<std::uint64_t>(1, static_cast<std::uint64_t>(scaled));
    if (plan.rate == 0 || rate < plan.rate) {
      plan.rate = rate;
      plan.burst = burst_;  // the slowest throttle's
    }
    plan.applied.emplace_back("throttle");
  }

 private:
  std::uint64_t rate_;
  std::uint64_t burst_;  // 0: throttle_slice(rate)
};

// A burst larger than this is no throttle any more, and each write's buffer is this big.
constexpr std::uint64_t kMaxBurst = 16 * 1024 * 1024;

constexpr model::ParamKey kKeys[] = {
    {.name = "rate",
     .type = model::ParamType::rate,
     .doc = "bytes per second, such as 1MiB/s",
     .required = true},
    {.name = "burst",
     .type = model::ParamType::size,
     .doc = "bytes written at a time, 1 to 16MiB (default: 50 ms of the rate, 16 to 64 KiB)",
     .required = false},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  std::uint64_t burst = 0;
  if (params.has("burst")) {
    const SizeSpec written = params.size("burst");
    burst = written.byte_count();
    if (written.is_percent() || burst == 0 || burst > kMaxBurst) {
      params.fail("burst",
                  fmt::format("expected a burst from 1 byte to 16MiB, got {}", written.to_string()));
    }
  }
  return std::make_unique<Throttle>(params.rate("rate"), burst);
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
