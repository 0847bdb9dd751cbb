// wrong_range: a 206 whose body does not start where its Content-Range says (it starts
// `shift` bytes later, or earlier when negative). Only a checksum catches it.
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

class WrongRange final : public Fault {
 public:
  explicit WrongRange(std::int64_t shift) : shift_(shift) {}

  std::string_view kind() const override { return "wrong_range"; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    plan.range_shift += shift_;
    plan.applied.emplace_back("wrong_range");
  }

 private:
  std::int64_t shift_;
};

constexpr model::ParamKey kKeys[] = {
    {.name = "shift",
     .type = model::ParamType::signed_size,
     .doc = "bytes, may be negative: 1KiB, -1KiB",
     .required = true},
};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  const std::int64_t shift = params.signed_size("shift");
  if (shift == 0) params.fail("shift", "a shift of 0 is a correct range; expected a non-zero size");
  return std::make_unique<WrongRange>(shift);
}

}  // namespace

const FaultKind& wrong_range_kind() {
  static const FaultKind kind{
      .name = "wrong_range",
      .summary = "answer a range with a 206 whose body starts `shift` bytes off its Content-Range",
      .relayable = false,
      .params = {kKeys},
      .parse = &parse,
      .not_relayable_because =
          "the body would have to come from another range than the one forwarded upstream, "
          "and the proxy decides only once the upstream has answered; use corrupt or drop on "
          "a relayed stream",
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
