// stall: stop sending at an exact offset, keep the connection open and silent for `for`,
// then close it (what a client's read-idle timeout must detect).
#include "faults/fault_params.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

constexpr Duration kDefaultStall = std::chrono::seconds(30);

class Stall final : public Fault {
 public:
  Stall(PointSpec point, Duration stall_for) : point_(point), stall_for_(stall_for) {}

  std::string_view kind() const override { return "stall"; }

  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng&) const override {
    plan.set_cut(
        Cut{point_.resolve(ctx.resource_size), CutHow::stall, ctx.time_scale(stall_for_), "stall"});
    plan.applied.emplace_back("stall");
  }

 private:
  PointSpec point_;
  Duration stall_for_;
};

std::unique_ptr<Fault> parse(const model::Params& params, const model::Scenario&) {
  params.require_map();
  params.allow_only({"at", "after", "for"});
  PointSpec point = PointSpec::parse(params);
  Duration stall_for = params.has("for") ? params.duration("for") : kDefaultStall;
  return std::make_unique<Stall>(point, stall_for);
}

}  // namespace

const FaultKind& stall_kind() {
  static const FaultKind kind{
      .name = "stall",
      .summary = "stop sending at an offset, hold the connection open and silent, then close",
      .relayable = true,
      .parse = &parse,
      .not_relayable_because = {},
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
