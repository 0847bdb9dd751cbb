// drop: cut the body at an exact offset. close = FIN after the bytes before the offset;
// reset = RST once the kernel send queue has drained (so those bytes are not discarded);
// stall = hold the connection open and silent for `for`, then close.
#include "faults/fault_params.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

constexpr Duration kDefaultStall = std::chrono::seconds(30);

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

std::unique_ptr<Fault> parse(const model::Params& params, const model::Scenario&) {
  params.require_map();
  params.allow_only({"at", "after", "how", "for"});
  PointSpec point = PointSpec::parse(params);
  CutHow how = CutHow::close;
  if (params.has("how")) {
    std::string h = params.choice("how", {"close", "reset", "stall"});
    how = h == "reset" ? CutHow::reset : h == "stall" ? CutHow::stall : CutHow::close;
  }
  Duration stall_for = kDefaultStall;
  if (params.has("for")) {
    if (how != CutHow::stall) params.fail("for", "'for' applies only to how: stall");
    stall_for = params.duration("for");
  }
  return std::make_unique<Drop>(point, how, stall_for);
}

}  // namespace

const FaultKind& drop_kind() {
  static const FaultKind kind{
      .name = "drop",
      .summary = "cut the body at an exact offset: close (FIN), reset (RST) or stall",
      .relayable = true,
      .parse = &parse,
      .not_relayable_because = {},
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
