// The registry of proxy/faults/: every kind present once, sorted, found by name, and the
// relayable flags `sisyphus proxy` relies on.
#include <gtest/gtest.h>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(FaultRegistry, ListsEveryKindSortedByName) {
  const std::vector<std::string> expected{
      "chunked_cut", "corrupt",  "drop",    "empty_reply",       "endless_head",
      "garbage",     "head_cut", "latency", "lying_repr_digest", "no_range",
      "redirect",    "stall",    "status",  "throttle",          "wrong_content_digest",
      "wrong_range"};
  EXPECT_EQ(FaultRegistry::instance().kinds(), expected);
  ASSERT_EQ(FaultRegistry::instance().all().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const FaultKind* kind = FaultRegistry::instance().all()[i];
    EXPECT_EQ(kind->name, expected[i]);
    EXPECT_FALSE(kind->summary.empty()) << kind->name;
    EXPECT_NE(kind->parse, nullptr) << kind->name;
    // A kind that cannot be relayed says why; one that can says nothing.
    EXPECT_EQ(kind->relayable, kind->not_relayable_because.empty()) << kind->name;
  }
}

TEST(FaultRegistry, FindsAndKnowsByExactName) {
  const auto& registry = FaultRegistry::instance();
  ASSERT_NE(registry.find("drop"), nullptr);
  EXPECT_EQ(registry.find("drop")->name, "drop");
  EXPECT_EQ(registry.find("wrong_range")->name, "wrong_range");
  EXPECT_EQ(registry.find("Drop"), nullptr);
  EXPECT_EQ(registry.find("dro"), nullptr);
  EXPECT_EQ(registry.find(""), nullptr);
  EXPECT_TRUE(registry.knows("chunked_cut"));
  EXPECT_FALSE(registry.knows("change"));  // a resource change is `changes:`, not a fault rule
}

TEST(FaultRegistry, OnlyWrongRangeNoRangeAndTheDigestLiesCannotBeRelayed) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    const bool expected = kind->name != "wrong_range" && kind->name != "no_range" &&
                          kind->name != "lying_repr_digest" && kind->name != "wrong_content_digest";
    EXPECT_EQ(kind->relayable, expected) << kind->name;
  }
}

TEST(FaultRegistry, BuildGivesAFaultOfThatKind) {
  const model::Scenario s = load(with_attempt("{drop: {at: 1}, chunked_cut: {}}"));
  EXPECT_EQ(FaultRegistry::instance().build(s.attempts[0].faults[0], s)->kind(), "drop");
  EXPECT_EQ(FaultRegistry::instance().build(s.attempts[0].faults[1], s)->kind(), "chunked_cut");
}

TEST(FaultRegistry, BuildRefusesAnUnknownKindWithItsLocation) {
  const model::Scenario s = load(with_attempt("drop: {at: 1}"));
  model::FaultSpec spec = s.attempts[0].faults[0];
  spec.kind = "dorp";
  try {
    FaultRegistry::instance().build(spec, s);
    FAIL() << "built an unknown kind";
  } catch (const model::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.yaml:6:11: unknown fault kind 'dorp', did you mean 'drop'?");
  }
}

TEST(FaultRegistry, CheckRelayableNamesTheFaultAndWhy) {
  const auto& registry = FaultRegistry::instance();
  EXPECT_NO_THROW(registry.check_relayable(
      load("name: t\nresource: {size: 10}\nattempts:\n  - {drop: {at: 5}, corrupt: {at: 1}}\n"
           "faults:\n  - latency: {first_byte: 1ms}\n  - chunked_cut: {}\n")));
  try {
    registry.check_relayable(
        load("name: t\nresource: {size: 10}\nfaults:\n  - latency: {first_byte: 1ms}\n"
             "  - wrong_range: {shift: 1}\n"));
    FAIL() << "wrong_range accepted for a relay";
  } catch (const model::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.yaml:5:18: fault 'wrong_range' cannot apply to a relayed response: the body "
              "would have to come from another range than the one forwarded upstream, and the "
              "proxy decides only once the upstream has answered; use corrupt or drop on a "
              "relayed stream");
  }
  try {
    registry.check_relayable(
        load("name: t\nresource: {size: 10}\nattempts:\n  - {}\n  - no_range: {}\n"));
    FAIL() << "no_range accepted for a relay";
  } catch (const model::ScenarioError& e) {
    EXPECT_EQ(e.where().line, 5);
    EXPECT_NE(e.message().find("use `server.ranges: false`"), std::string::npos) << e.what();
  }
}

// A resource's own attempts: are checked too (they were not: a relay scenario with
// resources: took a fault it cannot apply).
TEST(FaultRegistry, CheckRelayableReadsEachResourcesOwnAttempts) {
  try {
    FaultRegistry::instance().check_relayable(
        load("name: t\nresources:\n  - {id: a, path: /a, size: 10}\n"
             "  - id: b\n    path: /b\n    size: 10\n    attempts:\n"
             "      - wrong_range: {shift: 1}\n"));
    FAIL() << "wrong_range in a resource's attempts accepted for a relay";
  } catch (const model::ScenarioError& e) {
    EXPECT_EQ(e.where().line, 8);
    EXPECT_NE(e.message().find("fault 'wrong_range' cannot apply to a relayed response"),
              std::string::npos)
        << e.what();
  }
}

// A key that means something only over HTTPS, wherever the fault is written, is refused for a
// server that serves plain HTTP; the same scenario is fine for one that serves HTTPS.
TEST(FaultRegistry, CheckPlainHttpRefusesTlsOnlyKeysAtTheirPosition) {
  const auto& registry = FaultRegistry::instance();
  EXPECT_NO_THROW(registry.check_plain_http(
      load("name: t\nresource: {size: 10}\nattempts:\n  - drop: {at: 5, how: close}\n")));
  const std::pair<std::string, int> written[] = {
      {"name: t\nresource: {size: 10}\nattempts:\n  - drop: {at: 5, close_notify: false}\n", 4},
      {"name: t\nresource: {size: 10}\nfaults:\n  - drop: {at: 5, close_notify: true}\n", 4},
      {std::string("name: t\nresources:\n  - id: a\n    path: /a\n    size: 10\n") +
           "    attempts:\n      - drop: {at: 5, close_notify: false}\n",
       7},
  };
  for (const auto& [yaml, line] : written) {
    try {
      registry.check_plain_http(load(yaml));
      ADD_FAILURE() << "close_notify accepted over plain HTTP: " << yaml;
    } catch (const model::ScenarioError& e) {
      EXPECT_EQ(e.where().line, line) << e.what();
      EXPECT_EQ(e.message(),
                "'close_notify' in drop needs HTTPS: serve the scenario with server: {tls: "
                "true} (or --tls)");
    }
  }
}

}  // namespace
}  // namespace sisyphus::proxy::test
