// wrong_content_digest: Content-Digest does not match the response's own bytes (which are
// intact): a client that checks it before appending a part must drop the part and retry.
#include "faults/digest_lie.hpp"

namespace sisyphus::proxy::faults {
namespace {

constexpr model::ParamKey kKeys[] = {digest_lie::kValueKey};

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  return std::make_unique<digest_lie::Fault>(
      "wrong_content_digest", &ResponsePlan::content_digest_lie, digest_lie::read(params));
}

}  // namespace

const FaultKind& wrong_content_digest_kind() {
  static const FaultKind kind{
      .name = "wrong_content_digest",
      .summary = "send a Content-Digest that is not the one of the body's bytes; bytes intact",
      .relayable = false,
      .params = {kKeys},
      .parse = &parse,
      .not_relayable_because = digest_lie::kNotRelayable,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
