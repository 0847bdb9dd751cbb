// stall: stop sending at an exact offset, keep the connection open and silent for `for`,
// then close it (what a client's read-idle timeout must detect).
#include "faults/point_spec.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class Stall final : public Fault {
 public:
  Stall(PointSpec point, Duration stall_for) : point_(point), stall_for_(stall_for) {}

  std::string_view kind() const override { return "stall"; }

  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng& rng) const override {
    plan.set_cut(Cut{point_.resolve(ctx.resource_size, rng), CutHow::stall,
                     ctx.time_scale(stall_for_), "stall", StreamEnd{}});
    plan.applied.emplace_back("stall");
  }

 private:
  PointSpec point_;
  Duration stall_for_;
};

constexpr model::ParamKey kKeys[] = {
    kAtKey,
    kAfterKey,
    {.name = "for",
     .type = model::ParamType::duration,
     .default_value = "30s",
     .doc = "how long the connection stays silent before the close (time-scaled)"},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<Stall>(PointSpec::read(params), params.duration("for"));
}

}  // namespace

const FaultKind& stall_kind() {
  static const FaultKind kind{
      .name = "stall",
      .summary = "stop sending at an offset, hold the connection open and silent, then close",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
