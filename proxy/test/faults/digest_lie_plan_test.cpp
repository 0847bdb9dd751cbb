// What lying_repr_digest and wrong_content_digest put in the response plan, and why
// `sisyphus proxy` refuses them.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultPlan, LyingReprDigestSetsOnlyTheReprLie) {
  const ResponsePlan p = plan_for("lying_repr_digest: {}");
  EXPECT_EQ(p.repr_digest_lie, DigestLie::other);
  EXPECT_EQ(p.content_digest_lie, DigestLie::none);
  EXPECT_EQ(p.applied, std::vector<std::string>{"lying_repr_digest"});
  EXPECT_EQ(plan_for("lying_repr_digest: {value: malformed}").repr_digest_lie,
            DigestLie::malformed);
}

TEST(FaultPlan, WrongContentDigestSetsOnlyTheContentLie) {
  const ResponsePlan p = plan_for("wrong_content_digest: {value: other}");
  EXPECT_EQ(p.content_digest_lie, DigestLie::other);
  EXPECT_EQ(p.repr_digest_lie, DigestLie::none);
  EXPECT_EQ(p.applied, std::vector<std::string>{"wrong_content_digest"});
  const ResponsePlan both =
      plan_for("{wrong_content_digest: {value: malformed}, lying_repr_digest: {}}");
  EXPECT_EQ(both.content_digest_lie, DigestLie::malformed);
  EXPECT_EQ(both.repr_digest_lie, DigestLie::other);
}

TEST(FaultPlan, DigestLiesRefuseUnknownValues) {
  EXPECT_EQ(load_error(with_attempt("lying_repr_digest: {value: wrong}")),
            "t.yaml:6:32: expected one of other, malformed, got 'wrong'");
}

TEST(FaultPlan, DigestLiesAreNotRelayable) {
  for (const std::string kind : {"lying_repr_digest", "wrong_content_digest"}) {
    try {
      FaultRegistry::instance().check_relayable(load(with_attempt(kind + ": {}")));
      FAIL() << kind << " accepted for a relay";
    } catch (const model::ScenarioError& e) {
      EXPECT_EQ(e.where().line, 6);
      EXPECT_EQ(e.message(), "fault '" + kind +
                                 "' cannot apply to a relayed response: the proxy forwards the "
                                 "upstream's digest fields as they are and does not hash "
                                 "relayed bodies, so it has no true value to lie about; use "
                                 "corrupt on a relayed stream (a client that checks "
                                 "Content-Digest or Repr-Digest catches it)");
    }
  }
}

}  // namespace
}  // namespace sisyphus::proxy::test
