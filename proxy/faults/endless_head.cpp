// endless_head: send the status line and every field, never the empty line that ends the
// head, stay silent for `for`, then close (FIN). What a client's response-header timeout must
// detect; the server holds the connection no longer than `for` (time-scaled), and not past
// its own stop.
#include <limits>

#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class EndlessHead final : public Fault {
 public:
  explicit EndlessHead(Duration stall_for) : stall_for_(stall_for) {}

  std::string_view kind() const override { return "endless_head"; }

  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng&) const override {
    // The largest offset: the executor clamps it to the head without its empty line.
    plan.set_head_cut(HeadCut{std::numeric_limits<std::uint64_t>::max(), CutHow::stall,
                              ctx.time_scale(stall_for_), "endless_head"});
    plan.applied.emplace_back("endless_head");
  }

 private:
  Duration stall_for_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "for",
     .type = model::ParamType::duration,
     .default_value = "30s",
     .doc = "how long the unfinished head stays silent before the close (time-scaled)"},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<EndlessHead>(params.duration("for"));
}

}  // namespace

const FaultKind& endless_head_kind() {
  static const FaultKind kind{
      .name = "endless_head",
      .summary = "send the head without the empty line that ends it, stay silent, then close",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
