// head_cut: cut inside the response head after exactly `at` bytes of it (the status line and
// fields as they would have gone out), then FIN or RST. The head is never completed: `at` is
// clamped to the head without its final empty line (a cut right after the head is a body cut,
// drop: {after: 0}).
#include "faults/head_cut_how.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class HeadCutFault final : public Fault {
 public:
  HeadCutFault(std::uint64_t at, CutHow how) : at_(at), how_(how) {}

  std::string_view kind() const override { return "head_cut"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    plan.set_head_cut(HeadCut{at_, how_, Duration{0}, "head_cut"});
    plan.applied.emplace_back("head_cut");
  }

 private:
  std::uint64_t at_;
  CutHow how_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "at",
     .type = model::ParamType::unsigned_integer,
     .doc = "head bytes that go out before the cut (at most the head without its empty line)",
     .required = true},
    kHeadCutHowKey,
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<HeadCutFault>(params.unsigned_integer("at"),
                                        head_cut_how(params.string("how")));
}

}  // namespace

const FaultKind& head_cut_kind() {
  static const FaultKind kind{
      .name = "head_cut",
      .summary = "cut inside the response head after an exact byte: close (FIN) or reset (RST)",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
