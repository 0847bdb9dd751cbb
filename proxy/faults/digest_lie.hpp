#pragma once
// What lying_repr_digest and wrong_content_digest share: their `value` key and the fault that
// sets one of the plan's digest lies. The origin sends the field on every 200/206 the fault
// applies to, whatever `resource.digest` and Want-* say: a lying origin does not consult
// preferences (docs/faults.md "lying_repr_digest").
#include <string>
#include <string_view>

#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults::digest_lie {

inline constexpr std::string_view kValues[] = {"other", "malformed"};

inline constexpr model::ParamKey kValueKey{
    .name = "value",
    .type = model::ParamType::choice,
    .default_value = "other",
    .doc = "other: a well-formed sha-256 of no bytes served; malformed: not 32 bytes",
    .choices = kValues};

inline DigestLie read(const model::FaultParams& params) {
  return params.string("value") == "malformed" ? DigestLie::malformed : DigestLie::other;
}

// Sets `field` of the plan (ResponsePlan::repr_digest_lie or content_digest_lie).
class Fault final : public proxy::Fault {
 public:
  Fault(std::string_view kind, DigestLie ResponsePlan::*field, DigestLie lie)
      : kind_(kind), field_(field), lie_(lie) {}

  std::string_view kind() const override { return kind_; }

  void apply(ResponsePlan& plan, const RequestContext&, Rng&) const override {
    plan.*field_ = lie_;
    plan.applied.emplace_back(kind_);
  }

 private:
  std::string_view kind_;
  DigestLie ResponsePlan::*field_;
  DigestLie lie_;
};

inline constexpr std::string_view kNotRelayable =
    "the proxy forwards the upstream's digest fields as they are and does not hash relayed "
    "bodies, so it has no true value to lie about; use corrupt on a relayed stream (a client "
    "that checks Content-Digest or Repr-Digest catches it)";

}  // namespace sisyphus::proxy::faults::digest_lie
