// drop: cut the body at an exact offset. close = FIN after the bytes before the offset;
// reset = RST once the kernel send queue has drained (so those bytes are not discarded);
// stall = hold the connection open and silent for `for`, then close.
#include "faults/point_spec.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class Drop final : public Fault {
 public:
  Drop(PointSpec point, CutHow how, Duration stall_for)
      : point_(point), how_(how), stall_for_(stall_for) {}

  std::string_view kind() const override { return "drop"; }

  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng&) const override {
    plan.set_cut(Cut{point_.resolve(ctx.resource_size), how_,
                     how_ == CutHow::stall ? ctx.time_scale(stall_for_) : Duration{0}, "drop"});
    plan.applied.emplace_back("drop");
  }

 private:
  PointSpec point_;
  CutHow how_;
  Duration stall_for_;
};

constexpr std::string_view kHows[] = {"close", "reset", "stall"};
constexpr model::ParamKey kKeys[] = {
    kAtKey,
    kAfterKey,
    {.name = "how",
     .type = model::ParamType::choice,
     .default_value = "close",
     .doc = "what happens at the cut: FIN, RST or a silent stall",
     .choices = kHows},
    {.name = "for",
     .type = model::ParamType::duration,
     .default_value = "30s",
     .doc = "how: stall only: how long the connection stays silent (time-scaled)"},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  const PointSpec point = PointSpec::read(params);
  const std::string& h = params.string("how");
  const CutHow how = h == "reset" ? CutHow::reset : h == "stall" ? CutHow::stall : CutHow::close;
  if (params.has("for") && how != CutHow::stall) {
    params.fail("for", "'for' applies only to how: stall");
  }
  return std::make_unique<Drop>(point, how, params.duration("for"));
}

}  // namespace

const FaultKind& drop_kind() {
  static const FaultKind kind{
      .name = "drop",
      .summary = "cut the body at an exact offset: close (FIN), reset (RST) or stall",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
