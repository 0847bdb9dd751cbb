// lying_repr_digest: Repr-Digest names other bytes than the representation's while the ETag,
// Last-Modified and the body stay the same: a lying origin (or a cache mixing versions).
// Used on one attempt, it changes Repr-Digest between attempts without changing the ETag.
#include "faults/digest_lie.hpp"

namespace sisyphus::proxy::faults {
namespace {

constexpr model::ParamKey kKeys[] = {digest_lie::kValueKey};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<digest_lie::Fault>("lying_repr_digest", &ResponsePlan::repr_digest_lie,
                                             digest_lie::read(params));
}

}  // namespace

const FaultKind& lying_repr_digest_kind() {
  static const FaultKind kind{
      .name = "lying_repr_digest",
      .summary = "send a Repr-Digest that is not the representation's; ETag and bytes unchanged",
      .relayable = false,
      .params = {kKeys},
      .parse = &parse,
      .not_relayable_because = digest_lie::kNotRelayable,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
