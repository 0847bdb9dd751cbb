// Fault key tables (ParamTable) and the typed view the loader makes from them (FaultParams):
// labels for docs, tables no scenario could meet, defaults, and reads a fault may not make.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHows[] = {"close", "reset"};
constexpr ParamKey kKeys[] = {
    {.name = "at", .type = ParamType::size, .doc = "where", .required = true},
    {.name = "how",
     .type = ParamType::choice,
     .default_value = "close",
     .doc = "how",
     .choices = kHows},
    {.name = "for", .type = ParamType::duration, .default_value = "30s", .doc = "how long"},
    {.name = "note", .type = ParamType::string, .doc = "free text"},
};

using testing::OneKind;

FaultParams cut(const std::string& params) {
  static const OneKind catalog{ParamTable{kKeys}};
  return load_string("name: k\nresource: {size: 1000}\nattempts:\n  - cut: " + params + "\n",
                     "k.yaml", catalog)
      .attempts.at(0)
      .faults.at(0)
      .params;
}

std::string cut_error(const std::string& params) {
  try {
    cut(params);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(KeyTable, FindsKeysByName) {
  const ParamTable table{kKeys};
  ASSERT_NE(table.find("how"), nullptr);
  EXPECT_EQ(table.find("how")->default_value, "close");
  EXPECT_EQ(table.find("When"), nullptr);
}

TEST(KeyTable, LabelsForDocsAndErrors) {
  EXPECT_EQ(type_label(kKeys[0]), "size or %");
  EXPECT_EQ(type_label(kKeys[1]), "close | reset");
  EXPECT_EQ(type_label(kKeys[2]), "duration");
  EXPECT_EQ(type_label(ParamKey{.type = ParamType::signed_size}), "signed size");
  EXPECT_EQ(type_label(ParamKey{.type = ParamType::unsigned_integer}), "integer");
  EXPECT_EQ(expected_value(kKeys[0]), "a size (e.g. 4MiB or 95%)");
  EXPECT_EQ(expected_value(kKeys[1]), "one of close, reset");
  EXPECT_EQ(expected_value(ParamKey{.type = ParamType::rate}), "a rate (e.g. 1MiB/s)");
}

TEST(KeyTable, TablesNoScenarioCouldMeetAreRefused) {
  EXPECT_NO_THROW(check_table("cut", ParamTable{kKeys}));
  auto refused = [](std::initializer_list<ParamKey> keys, std::string_view bare = {}) {
    const std::vector<ParamKey> list(keys);
    try {
      check_table("cut", ParamTable{list, bare});
    } catch (const std::logic_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(refused({{.name = "a", .doc = "x"}, {.name = "a", .doc = "y"}}),
            "key table of fault kind 'cut': 'a' is declared twice");
  EXPECT_EQ(refused({{.name = "a"}}), "key table of fault kind 'cut': 'a' has no doc line");
  EXPECT_EQ(refused({{.name = "a", .default_value = "1", .doc = "x", .required = true}}),
            "key table of fault kind 'cut': 'a' is required and has a default");
  EXPECT_EQ(refused({{.name = "a", .type = ParamType::choice, .doc = "x"}}),
            "key table of fault kind 'cut': 'a' must list choices exactly when it is a choice");
  EXPECT_EQ(
      refused({{.name = "a", .type = ParamType::duration, .default_value = "30", .doc = "x"}}),
      "key table of fault kind 'cut': 'a' has a default that does not read as its type: "
      "invalid duration '30': missing unit, expected one of us, ms, s, m");
  EXPECT_EQ(refused({{.name = "a", .doc = "x"}}, "b"),
            "key table of fault kind 'cut': 'b' is the bare key but is not declared");
}

TEST(FaultParams, TypedValuesAreTheWrittenOnesOrTheDefaults) {
  const FaultParams p = cut("{at: 95%, note: hi}");
  EXPECT_EQ(p.size("at"), SizeSpec::percent(95));
  EXPECT_EQ(p.string("how"), "close");  // a choice reads as its text
  EXPECT_EQ(p.duration("for"), 30s);
  EXPECT_EQ(p.string("note"), "hi");
  EXPECT_TRUE(p.has("at"));
  EXPECT_FALSE(p.has("for"));  // a default is not written
  EXPECT_EQ(p.keys(), (std::vector<std::string>{"at", "note"}));
  const FaultParams q = cut("{at: 1, how: reset, for: 2s}");
  EXPECT_EQ(q.string("how"), "reset");
  EXPECT_EQ(q.duration("for"), 2s);
}

TEST(FaultParams, WrittenKeysKeepTheirTextAndPositions) {
  const FaultParams p = cut("{at: 95%, for: ~}");
  ASSERT_EQ(p.written().size(), 2u);
  EXPECT_EQ(p.written()[0].text, "95%");
  EXPECT_EQ(p.written()[1].text, std::nullopt);  // `~` is written, and absent
  EXPECT_EQ(p.duration("for"), 30s);
  EXPECT_EQ(p.section(), "cut");
  EXPECT_EQ(p.location().line, 4);
  EXPECT_EQ(p.location().column, 10);
  EXPECT_EQ(p.written()[0].key_at.column, 11);
  EXPECT_EQ(p.location("at").column, 15);
  EXPECT_EQ(p.location("nothing").column, 10);
}

TEST(FaultParams, ErrorsComeFromTheTable) {
  EXPECT_EQ(cut_error("{at: 1, hw: reset}"),
            "k.yaml:4:18: unknown key 'hw' in cut, did you mean 'how'?");
  EXPECT_EQ(cut_error("{at: 1, zzz: 1}"),
            "k.yaml:4:18: unknown key 'zzz' in cut, expected one of at, how, for, note");
  EXPECT_EQ(cut_error("{how: reset}"), "k.yaml:4:10: expected 'at' (where)");
  EXPECT_EQ(cut_error("{at: 1, how: slam}"),
            "k.yaml:4:23: expected one of close, reset, got 'slam'");
  EXPECT_EQ(cut_error("{at: [1]}"),
            "k.yaml:4:15: expected a size (e.g. 4MiB or 95%), got a sequence");
  EXPECT_EQ(cut_error("{at: 1, for: soon}"),
            "k.yaml:4:23: invalid duration 'soon': expected a number followed by a unit (us, ms, "
            "s, m)");
  EXPECT_EQ(cut_error("50%"), "k.yaml:4:10: expected a mapping, got '50%'");
}

TEST(FaultParams, ReadsTheTableDoesNotDeclareAreABug) {
  const FaultParams p = cut("{at: 1}");
  EXPECT_THROW(p.duration("at"), std::logic_error);          // declared as a size
  EXPECT_THROW(p.size("where"), std::logic_error);           // not declared
  EXPECT_THROW(FaultParams().size("at"), std::logic_error);  // never read by a table
  EXPECT_THROW(p.string("note"), ScenarioError);             // declared, absent, no default
}

TEST(FaultParams, ABareValueStandsForTheBareKey) {
  const FaultParams p =
      testing::load("name: b\nresource: {size: 1}\nfaults:\n  - throttle: 2KiB/s\n")
          .faults.at(0)
          .fault.params;
  EXPECT_TRUE(p.is_scalar());
  EXPECT_EQ(p.scalar(), "2KiB/s");
  EXPECT_EQ(p.rate("rate"), 2048u);
}

}  // namespace
}  // namespace sisyphus::model
