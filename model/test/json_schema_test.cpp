// The JSON Schema's unit patterns (json_schema.cpp) against the parsers they stand for
// (core/units.cpp): the same texts are accepted and refused; and its sections against the
// loader's key lists and the catalog's key tables.
#include "sisyphus/model/json_schema.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <string>

#include "param_text.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

namespace json = boost::json;

json::object schema() {
  return json::parse(scenario_schema(testing::kCatalog)).as_object();
}

// The string pattern of a definition (the last anyOf option that has one).
std::regex pattern_of(const json::object& s, std::string_view definition) {
  const json::value& d = s.at("definitions").at(definition);
  std::string found;
  const auto take = [&](const json::value& v) {
    if (v.is_object() && v.as_object().contains("pattern"))
      found = std::string(v.at("pattern").as_string());
  };
  take(d);
  if (d.as_object().contains("anyOf")) {
    for (const auto& option : d.at("anyOf").as_array()) take(option);
  }
  EXPECT_FALSE(found.empty()) << definition;
  return std::regex(found);
}

template <typename Parse>
void same_verdicts(const std::regex& re, std::initializer_list<const char*> texts, Parse parse) {
  for (const char* text : texts) {
    bool parses = true;
    try {
      parse(text);
    } catch (const ParseError&) {
      parses = false;
    }
    EXPECT_EQ(std::regex_match(text, re), parses) << "'" << text << "'";
  }
}

TEST(JsonSchema, UnitPatternsAcceptWhatTheParsersAccept) {
  const json::object s = schema();
  same_verdicts(pattern_of(s, "size"),
                {"0", "1000", "1000B", "4MiB", "1.5GB", "10 KiB", " 7B", "2TiB", "1.5", "1.5B",
                 "12 parsecs", "-1KiB", "KiB", "1.KiB", "95%", "", "4mib"},
                [](const char* t) { parse_size(t); });
  same_verdicts(
      pattern_of(s, "size_or_percent"),
      {"95%", "100%", "0%", "50 %", "007%", "99.5%", "100.0%", "100.5%", "101%", "%", "-5%", "x%"},
      [](const char* t) {
        if (!SizeSpec::parse(t).is_percent()) throw ParseError("not a percentage");
      });
  same_verdicts(
      pattern_of(s, "duration"),
      {"0", "00", "100ms", "2s", "1.5m", "1h", "10us", "5 s", "30", "s", "-1s", "1d", "1.s", "2S"},
      [](const char* t) { parse_duration(t); });
  same_verdicts(pattern_of(s, "rate"), {"1MiB/s", "100/s", "1.5KB/s", "1MiB", "/s", "1MiB/m"},
                [](const char* t) { parse_rate(t); });
  same_verdicts(pattern_of(s, "signed_size"), {"1KiB", "-1KiB", "-512B", "- 3", "--1", "+1"},
                [](const char* t) { detail::signed_size_from_text(t); });
}

TEST(JsonSchema, EveryKindHasItsKeysAndNoOther) {
  const json::object s = schema();
  const json::object& defs = s.at("definitions").as_object();
  for (const std::string& kind : testing::kCatalog.kinds()) {
    SCOPED_TRACE(kind);
    const ParamTable& table = testing::kCatalog.params(kind);
    for (const char* prefix : {"fault.", "rule."}) {
      const json::object& mapping =
          defs.at(prefix + kind).at("anyOf").at(0).as_object();  // the mapping form
      EXPECT_EQ(mapping.at("additionalProperties"), json::value(false));
      const json::object& properties = mapping.at("properties").as_object();
      const std::size_t narrowing = std::string_view(prefix) == "rule." ? 3 : 0;
      EXPECT_EQ(properties.size(), table.keys.size() + narrowing);
      for (const ParamKey& key : table.keys) EXPECT_TRUE(properties.contains(key.name)) << key.name;
    }
  }
  const json::object& scenario = defs.at("scenario").as_object();
  EXPECT_EQ(scenario.at("properties").as_object().size(), 11u);
  EXPECT_EQ(scenario.at("required"), json::parse(R"(["name"])"));
  // One resource, or several: exactly one of the two keys.
  EXPECT_EQ(
      scenario.at("allOf"),
      json::parse(
          R"([{"oneOf": [{"required": ["resource"], "properties": {"resource": {"not": {"type": "null"}}}},
                                       {"required": ["resources"], "properties": {"resources": {"not": {"type": "null"}}}}]}])"));
}

TEST(JsonSchema, MatrixSchemaHoldsTheScenarioSchema) {
  const json::object m = json::parse(matrix_schema(testing::kCatalog)).as_object();
  EXPECT_EQ(m.at("$schema"), "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(m.at("allOf"), json::parse(R"([{"$ref": "#/definitions/matrix"}])"));
  EXPECT_TRUE(m.at("definitions").as_object().contains("scenario"));
  const json::object s = schema();
  EXPECT_EQ(s.at("allOf"), json::parse(R"([{"$ref": "#/definitions/scenario"}])"));
}

}  // namespace
}  // namespace sisyphus::model
