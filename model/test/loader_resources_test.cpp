// `resources:` (docs/scenarios.md "Several resources"): ids, paths, per-resource attempts and
// changes, a rule's `resource:`, `text:` with placeholders, `expect.verify`, and the errors
// that name the line and column of the mistake.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "sisyphus/model/loader.hpp"
#include "sisyphus/model/text_template.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using testing::kCatalog;
using testing::load;

constexpr const char* kUpdater = R"(name: updater
resources:
  - id: manifest
    path: /latest.json
    text: '{"url": "{path:file}", "size": {size:file}, "sha256": "{sha256:file}"}'
  - id: file
    path: /app-1.2.bin
    size: 4MiB
    attempts:
      - drop: {at: 50%}
    changes:
      - before_attempt: 2
  - id: file.sha256
    path: /app-1.2.bin.sha256
    text: "{sha256:file}  app-1.2.bin\n"
faults:
  - latency: {first_byte: 10ms, resource: manifest}
  - throttle: {rate: 1MiB/s, resource: "/app-1.2.bin*"}
client:
  command: "fetch {url:manifest} {output:file}"
expect:
  verify: [file, file.sha256]
)";

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TEST(LoaderResources, EachResourceKeepsItsIdPathAndKind) {
  const Scenario s = load(kUpdater);
  ASSERT_EQ(s.resources.size(), 3u);
  EXPECT_EQ(s.resources[0].id, "manifest");
  EXPECT_EQ(s.resources[0].path, "/latest.json");
  EXPECT_TRUE(s.resources[0].is_text());
  // The size of a text is fixed at load: a SHA-256 is always 64 hex digits.
  EXPECT_EQ(s.resources[0].size,
            std::string(R"({"url": "/app-1.2.bin", "size": 4194304, "sha256": ")").size() + 64 + 2);
  EXPECT_EQ(s.resources[1].size, 4u << 20);
  EXPECT_EQ(s.resources[2].size, 64u + std::string("  app-1.2.bin\n").size());
  EXPECT_EQ(s.find_resource("/app-1.2.bin"), &s.resources[1]);
  EXPECT_EQ(s.find_resource("/nope"), nullptr);
  EXPECT_EQ(s.find_resource_id("file.sha256"), &s.resources[2]);
}

TEST(LoaderResources, AttemptsAndChangesOfOneResourceReplaceTheScenarios) {
  const Scenario s = load(kUpdater);
  ASSERT_TRUE(s.resources[1].attempts.has_value());
  ASSERT_EQ(s.attempts_of(s.resources[1]).size(), 1u);
  EXPECT_EQ(s.attempts_of(s.resources[1])[0].faults[0].kind, "drop");
  // Checked against the scenario like any fault: 50% has its typed value.
  EXPECT_EQ(s.attempts_of(s.resources[1])[0].faults[0].params.size("at").to_string(), "50%");
  EXPECT_TRUE(s.attempts_of(s.resources[0]).empty());
  EXPECT_EQ(s.changes_of(s.resources[1]).size(), 1u);
  EXPECT_TRUE(s.changes_of(s.resources[2]).empty());
}

TEST(LoaderResources, ARuleSelectsResourcesByIdOrPathGlob) {
  const Scenario s = load(kUpdater);
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[0].resource, "manifest");
  EXPECT_EQ(s.faults[0].resources, (std::vector<std::size_t>{0}));
  EXPECT_EQ(s.faults[1].resources, (std::vector<std::size_t>{1, 2}));
  // `resource` is the rule's, not the fault's: the kind's table never sees it.
  EXPECT_FALSE(s.faults[0].fault.params.has("resource"));
}

TEST(LoaderResources, VerifyNamesTheCheckedResourcesInOrder) {
  const Scenario s = load(kUpdater);
  const auto verified = s.verified();
  ASSERT_EQ(verified.size(), 2u);
  EXPECT_EQ(verified[0]->id, "file");
  EXPECT_EQ(verified[1]->id, "file.sha256");
  // Without verify: the first resource.
  const Scenario one =
      load("name: one\nresources:\n  - {id: a, size: 10}\n  - {id: b, size: 20}\n");
  ASSERT_EQ(one.verified().size(), 1u);
  EXPECT_EQ(one.verified()[0]->id, "a");
  EXPECT_EQ(one.resources[1].path, "/b");  // the default path is /ID
}

TEST(LoaderResources, OneResourceIsStillTheResourceKey) {
  const Scenario s = load("name: single\nresource: {size: 1KiB}\n");
  ASSERT_EQ(s.resources.size(), 1u);
  EXPECT_EQ(s.resource().id, "resource");
  EXPECT_EQ(s.resource().path, "/file");
  const Scenario text = load("name: t\nresource: {path: /hello.txt, text: \"hello\\n\"}\n");
  EXPECT_EQ(text.resource().size, 6u);
}

TEST(LoaderResources, MistakesNameTheirLineAndColumn) {
  EXPECT_EQ(error_of("name: x\nresource: {size: 1}\nresources:\n  - {id: a, size: 1}\n"),
            "t.yaml:4:3: 'resource' and 'resources' are mutually exclusive: write one resource "
            "under 'resource', or all of them under 'resources'");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1}\n  - {id: a, size: 2}\n"),
            "t.yaml:4:10: duplicate resource id 'a' (first at line 3)");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1, path: /f}\n  - {id: b, size: 2, "
                     "path: /f}\n"),
            "t.yaml:4:28: resources 'a' and 'b' are both served at '/f'");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: A, size: 1}\n"),
            "t.yaml:3:10: invalid resource id 'A': expected lower-case letters, digits, '.', '_' "
            "and '-'");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {size: 1}\n"),
            "t.yaml:3:5: missing required key 'id' in resources");
  EXPECT_EQ(error_of("name: x\nresources: []\n"),
            "t.yaml:2:12: expected at least one resource under 'resources'");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1}\nexpect: {verify: [a, b]}\n"),
            "t.yaml:4:22: unknown resource 'b'; expected one of a");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1}\nexpect: {verify: [a, a]}\n"),
            "t.yaml:4:22: resource 'a' is listed twice");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1}\nfaults:\n  - drop: {at: 0, "
                     "resource: /z*}\n"),
            "t.yaml:5:29: no resource has id or path '/z*'; expected an id (a) or a glob of their "
            "paths");
  EXPECT_EQ(
      error_of("name: x\nresources:\n  - {id: a, size: 1}\n  - {id: s, text: '{sha256:b}'}\n"),
      "t.yaml:4:19: placeholder '{sha256:b}' names no resource; expected one of a, s");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, text: x}\n  - {id: s, text: '{size:a}'}\n"),
            "t.yaml:4:19: placeholder '{size:a}' names a text resource: a text describes a "
            "resource of bytes (size, file)");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1}\n  - {id: b, size: 1}\n  - {id: "
                     "s, text: '{size:a} {size:b}'}\n"),
            "t.yaml:5:19: a text describes one resource, but it names 'a' and 'b'");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, text: x, size: 3}\n"),
            "t.yaml:3:28: 'size' does not apply to a text resource: its bytes are the text, its "
            "size theirs");
  EXPECT_EQ(error_of("name: x\nresources:\n  - {id: a, size: 1}\nclient: {command: 'get "
                     "{url:b}'}\n"),
            "t.yaml:4:19: placeholder '{url:b}' names no resource; expected one of a");
}

TEST(LoaderResources, RoundTripsThroughYamlAndJson) {
  const Scenario s = load(kUpdater);
  const std::string yaml = YAML::Dump(to_yaml(s));
  const Scenario back = load_string(yaml, "t.yaml", kCatalog);
  EXPECT_TRUE(equivalent(s, back)) << yaml;
  EXPECT_EQ(back.resources[1].attempts->size(), 1u);
  EXPECT_EQ(back.faults[1].resources, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(back.expect.verify, (std::vector<std::string>{"file", "file.sha256"}));
  EXPECT_TRUE(equivalent(s, load_string(to_json(s), "t.json", kCatalog)));
}

TEST(TextTemplate, FillsEachPlaceholderAndLeavesOtherBracesAlone) {
  int hashed = 0;
  const DescribedResource d{"/f", 42, [&] {
                              ++hashed;
                              return std::string(64, 'a');
                            }};
  EXPECT_EQ(expand_text(R"({"p": "{path:f}", "n": {size:f}, "x": {nope:f}})", d),
            R"({"p": "/f", "n": 42, "x": {nope:f}})");
  EXPECT_EQ(hashed, 0);  // hashed only when asked for
  EXPECT_EQ(expand_text("{sha256:f}  f\n", d), std::string(64, 'a') + "  f\n");
  EXPECT_EQ(hashed, 1);
  const auto found = text_placeholders("{size:a}{sha256:b}{other:c}{size:}");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].what, "sha256");
  EXPECT_EQ(found[1].id, "b");
}

}  // namespace
}  // namespace sisyphus::model
