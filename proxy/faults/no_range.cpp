// no_range: this response ignores Range and If-Range (200, whole body, no Accept-Ranges): the
// per-attempt form of `server.ranges: false`.
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class NoRange final : public Fault {
 public:
  std::string_view kind() const override { return "no_range"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    plan.ignore_range = true;
    plan.applied.emplace_back("no_range");
  }
};

// No keys: the loader refuses any parameter.
std::unique_ptr<Fault> parse(const model::FaultParams&, const model::Scenario&) {
  return std::make_unique<NoRange>();
}

}  // namespace

const FaultKind& no_range_kind() {
  static const FaultKind kind{
      .name = "no_range",
      .summary = "ignore Range on this response: 200 with the whole body, no Accept-Ranges",
      .relayable = false,
      .parse = &parse,
      .not_relayable_because =
          "the Range header is already forwarded when the fault is decided (it needs the "
          "upstream's answer); use `server.ranges: false`, which strips Range before forwarding",
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
