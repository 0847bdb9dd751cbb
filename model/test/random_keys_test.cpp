// Random keys (ParamKey::random): `{mean: VALUE}` read by the key table, its errors with
// file:line:column, its labels, and its way back out through to_yaml/to_json. And the random
// form of `changes:` with its errors.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <stdexcept>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;

constexpr ParamKey kKeys[] = {
    {.name = "at", .type = ParamType::size, .doc = "where"},
    {.name = "after", .type = ParamType::size, .doc = "body bytes", .random = true},
    {.name = "after_time", .type = ParamType::duration, .doc = "transfer time", .random = true},
};

const testing::OneKind kCatalog{ParamTable{kKeys}};

// Line 4, from column 5: `  - cut: <params>`.
Scenario with_cut(const std::string& params, const std::string& more = "") {
  return load_string("name: k\nresource: {size: 1000}\nattempts:\n  - cut: " + params + "\n" + more,
                     "k.yaml", kCatalog);
}

std::string error_of(const std::string& params, const std::string& more = "") {
  try {
    with_cut(params, more);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(RandomKeys, AMeanIsReadAsItsTypeAndMarked) {
  const FaultParams p = with_cut("{after: {mean: 4MiB}}").attempts.at(0).faults.at(0).params;
  EXPECT_TRUE(p.is_mean("after"));
  EXPECT_EQ(p.size("after"), SizeSpec::bytes(4u << 20));
  ASSERT_EQ(p.written().size(), 1u);
  EXPECT_TRUE(p.written()[0].mean);
  EXPECT_EQ(p.written()[0].text, "4MiB");

  const FaultParams fixed = with_cut("{after: 4MiB}").attempts.at(0).faults.at(0).params;
  EXPECT_FALSE(fixed.is_mean("after"));
  EXPECT_FALSE(fixed.written()[0].mean);

  const FaultParams percent = with_cut("{after: {mean: 50%}}").attempts.at(0).faults.at(0).params;
  EXPECT_EQ(percent.size("after").resolve(3000), 1500u);
  const FaultParams time = with_cut("{after_time: {mean: 5s}}").attempts.at(0).faults.at(0).params;
  EXPECT_TRUE(time.is_mean("after_time"));
  EXPECT_EQ(time.duration("after_time"), 5s);
}

TEST(RandomKeys, ErrorsNameTheMeanAndWhatWasExpected) {
  EXPECT_EQ(error_of("{after: {mean: x}}"),
            "k.yaml:4:25: invalid size 'x': expected a number followed by an optional unit "
            "(B, KiB, MiB, GiB, KB, MB, GB)");
  EXPECT_EQ(error_of("{after: {man: 1MiB}}"),
            "k.yaml:4:19: unknown key 'man' in cut.after, did you mean 'mean'?");
  EXPECT_EQ(error_of("{after: {mean: 0}}"),
            "k.yaml:4:25: expected a mean greater than zero, got '0'");
  EXPECT_EQ(error_of("{after: {mean: 0%}}"),
            "k.yaml:4:25: expected a mean greater than zero, got '0%'");
  EXPECT_EQ(error_of("{after_time: {mean: 0s}}"),
            "k.yaml:4:30: expected a mean greater than zero, got '0s'");
  EXPECT_EQ(error_of("{after_time: {mean: 5}}"),
            "k.yaml:4:30: invalid duration '5': missing unit, expected one of us, ms, s, m");
  EXPECT_EQ(error_of("{after: {}}"), "k.yaml:4:18: missing required key 'mean' in cut.after");
  EXPECT_EQ(error_of("{after: {mean: [1]}}"),
            "k.yaml:4:25: expected a size (e.g. 4MiB or 95%), got a sequence");
  EXPECT_EQ(error_of("{after: [1]}"),
            "k.yaml:4:18: expected a size (e.g. 4MiB or 95%) or an exponential mean (e.g. "
            "{mean: 4MiB}), got a sequence");
  // A key that takes a fixed value says which keys take a mean.
  EXPECT_EQ(error_of("{at: {mean: 1KiB}}"),
            "k.yaml:4:15: 'at' takes a fixed value, not {mean: …} (in cut only 'after', "
            "'after_time' can be)");
  EXPECT_EQ(error_of("{at: {x: 1}}"),
            "k.yaml:4:15: expected a size (e.g. 4MiB or 95%), got a mapping");
}

TEST(RandomKeys, LabelsSayTheMeanForm) {
  EXPECT_EQ(type_label(kKeys[0]), "size or %");
  EXPECT_EQ(type_label(kKeys[1]), "size or %, or {mean: …}");
  EXPECT_EQ(type_label(kKeys[2]), "duration, or {mean: …}");
  EXPECT_EQ(expected_value(kKeys[2]),
            "a duration (e.g. 100ms or 2s) or an exponential mean (e.g. {mean: 2s})");
}

TEST(RandomKeys, OnlySizesAndDurationsCanBeRandom) {
  const ParamKey bad[] = {
      {.name = "n", .type = ParamType::unsigned_integer, .doc = "x", .random = true}};
  try {
    check_table("cut", ParamTable{bad});
    ADD_FAILURE() << "accepted";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(),
                 "key table of fault kind 'cut': 'n' is random but not a size or a duration");
  }
  EXPECT_NO_THROW(check_table("cut", ParamTable{kKeys}));
}

TEST(RandomKeys, AMeanGoesBackOutAsWrittenThroughYamlAndJson) {
  const Scenario s = with_cut("{after: {mean: 4MiB}, at: 10}");
  const std::string json = to_json(s);
  EXPECT_NE(json.find("\"cut\": {\n        \"after\": {\n          \"mean\": \"4MiB\"\n        "
                      "},\n        \"at\": 10\n"),
            std::string::npos)
      << json;
  const Scenario back = load_string(json, "back.json", kCatalog);
  EXPECT_TRUE(equivalent(s, back));
  EXPECT_TRUE(back.attempts.at(0).faults.at(0).params.is_mean("after"));
  EXPECT_FALSE(back.attempts.at(0).faults.at(0).params.is_mean("at"));
  const Scenario from_yaml = load_string(YAML::Dump(to_yaml(s)), "back.yaml", kCatalog);
  EXPECT_TRUE(equivalent(s, from_yaml));
}

// changes: {before_each_attempt: true, probability: p}
std::string change_error(const std::string& change, const std::string& more = "") {
  try {
    load_string("name: k\nresource: {size: 1000}\nchanges:\n  - " + change + "\n" + more, "c.yaml",
                kCatalog);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(RandomChanges, LoadAndGoBackOut) {
  const Scenario s = load_string(
      "name: k\nresource: {size: 1000}\nchanges:\n  - {before_each_attempt: true, "
      "probability: 0.1}\n  - before_each_attempt: true\n",
      "c.yaml", kCatalog);
  ASSERT_EQ(s.changes.size(), 2u);
  EXPECT_TRUE(s.changes[0].random());
  EXPECT_EQ(s.changes[0].probability, 0.1);
  EXPECT_EQ(s.changes[0].before_attempt, std::nullopt);
  EXPECT_EQ(s.changes[1].probability, 1.0);  // before every attempt after the first
  const std::string json = to_json(s);
  EXPECT_NE(json.find("\"before_each_attempt\": true,\n      \"probability\": 0.1"),
            std::string::npos)
      << json;
  const Scenario back = load_string(json, "back.json", kCatalog);
  EXPECT_TRUE(equivalent(s, back));
  EXPECT_TRUE(back.changes[1].random());
}

TEST(RandomChanges, ErrorsNameFileLineColumn) {
  EXPECT_EQ(change_error("{before_each_attempt: true, before_attempt: 2}"),
            "c.yaml:4:5: expected exactly one of before_attempt, at_time, before_each_attempt");
  EXPECT_EQ(change_error("{before_attempt: 2, probability: 0.5}"),
            "c.yaml:4:38: 'probability' applies only to before_each_attempt: true");
  EXPECT_EQ(change_error("{before_each_attempt: true, probability: 1.5}"),
            "c.yaml:4:46: expected a probability from 0 to 1, got 1.5");
  EXPECT_EQ(change_error("{before_each_attempt: true, probability: often}"),
            "c.yaml:4:46: expected a number, got 'often'");
  EXPECT_EQ(change_error("{before_each_attempt: false}"),
            "c.yaml:4:27: expected before_each_attempt: true (leave the change out for none)");
  EXPECT_EQ(change_error("{before_each_attempt: yes please}"),
            "c.yaml:4:27: expected true or false, got 'yes please'");
  EXPECT_EQ(change_error("{before_each_atempt: true}"),
            "c.yaml:4:6: unknown key 'before_each_atempt' in changes, did you mean "
            "'before_each_attempt'?");
}

TEST(RandomChanges, Sha256IsRefusedBecauseTheLastVersionIsNotKnownBeforeTheRun) {
  EXPECT_EQ(
      change_error("{before_each_attempt: true, probability: 0.1}", "client: {sha256: true}\n"),
      "c.yaml:5:18: client.sha256 cannot be given with a random change "
      "(before_each_attempt at 4:5): the version served last is not known before the run");
  EXPECT_EQ(change_error("before_attempt: 2", "client: {sha256: true}\n"), "");
  EXPECT_EQ(change_error("{before_each_attempt: true}", "client: {sha256: false}\n"), "");
}

}  // namespace
}  // namespace sisyphus::model
