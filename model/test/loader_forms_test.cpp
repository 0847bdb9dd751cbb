// Other ways to write the same scenario: client shorthands and JSON.
#include <gtest/gtest.h>

#include <chrono>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;
using testing::kCatalog;
using testing::load;

TEST(Loader, PrefillForms) {
  Scenario pct = load("name: p\nresource: {size: 1MiB}\nclient: {prefill: 50%}\n");
  EXPECT_EQ(pct.client.prefill, SizeSpec::percent(50));
  EXPECT_FALSE(pct.client.prefill_changed);
  Scenario bytes = load("name: p\nresource: {size: 1MiB}\nclient: {prefill: 1MiB}\n");
  EXPECT_EQ(bytes.client.prefill, SizeSpec::bytes(1024 * 1024));
  Scenario map =
      load("name: p\nresource: {size: 1MiB}\nclient: {prefill: {size: 50%, changed: true}}\n");
  EXPECT_EQ(map.client.prefill, SizeSpec::percent(50));
  EXPECT_TRUE(map.client.prefill_changed);
  Scenario unchanged = load("name: p\nresource: {size: 1MiB}\nclient: {prefill: {size: 10}}\n");
  EXPECT_EQ(unchanged.client.prefill, SizeSpec::bytes(10));
  EXPECT_FALSE(unchanged.client.prefill_changed);
}

TEST(Loader, CommandClients) {
  Scenario s = load(
      "name: cmd\nresource: {size: 1}\nclient: {kind: command, command: 'mytool {url} -o {output} "
      "-n "
      "{max_attempts} -C {workdir}'}\n");
  EXPECT_EQ(s.client.kind, "command");
  EXPECT_EQ(s.client.command, "mytool {url} -o {output} -n {max_attempts} -C {workdir}");
  // `command:` alone implies kind: command; shell braces that are not near a placeholder stay.
  Scenario implied = load(
      "name: cmd\nresource: {size: 1}\nclient: {command: \"sh -c 'echo ${HOME}; awk "
      "\\\"{print}\\\"' {url}\"}\n");
  EXPECT_EQ(implied.client.kind, "command");
  EXPECT_EQ(implied.client.command, "sh -c 'echo ${HOME}; awk \"{print}\"' {url}");
}

TEST(Loader, BackoffShorthand) {
  Scenario s = load("name: b\nresource: {size: 1}\nclient: {backoff: exponential}\n");
  EXPECT_EQ(s.client.backoff.strategy, "exponential");
  EXPECT_EQ(s.client.backoff.base, 100ms);
  EXPECT_EQ(s.client.backoff.cap, 2s);
}

TEST(Loader, JsonInput) {
  const char* json = R"({
  "name": "from-json",
  "seed": 7,
  "resource": {"size": "2MiB", "etag": "none", "digest": true},
  "attempts": [{"drop": {"at": "50%", "how": "reset"}}, {}],
  "changes": [{"at_time": "2s"}],
  "faults": [{"throttle": {"rate": "1MiB/s", "attempts": [2], "probability": 0.5}}],
  "client": {"kind": "naive", "max_attempts": 3, "prefill": {"size": "25%", "changed": false}},
  "expect": {"verdict": "corrupt", "max_wasted_bytes": 1048576}
})";
  Scenario s = load_string(json, "<admin>", kCatalog);
  EXPECT_EQ(s.name, "from-json");
  EXPECT_EQ(s.source_file, "<admin>");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.resource().size, 2u * 1024 * 1024);
  EXPECT_EQ(s.resource().etag, EtagKind::none);
  EXPECT_TRUE(s.resource().digest);
  ASSERT_EQ(s.attempts.size(), 2u);
  EXPECT_EQ(s.attempts[0].faults[0].params.size("at"), SizeSpec::percent(50));
  EXPECT_TRUE(s.attempts[1].faults.empty());
  EXPECT_EQ(s.changes[0].at_time, 2s);
  EXPECT_EQ(s.faults[0].attempts, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(s.faults[0].probability, 0.5);
  EXPECT_EQ(s.client.kind, "naive");
  EXPECT_EQ(s.client.max_attempts, 3u);
  EXPECT_EQ(s.client.prefill, SizeSpec::percent(25));
  EXPECT_EQ(s.expect.verdict, "corrupt");
  EXPECT_EQ(s.expect.max_wasted_bytes, SizeSpec::bytes(1048576));
}

TEST(Loader, JsonErrorsHavePositions) {
  try {
    load_string("{\"name\": \"x\",\n \"resource\": {\"size\": 1, \"sied\": 2}}", "<admin>",
                kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "<admin>:2:26: unknown key 'sied' in resource, did you mean 'seed'?");
  }
  try {
    load_string("{\"name\": \"x\", \"resource\": {\"size\": 1}", "<admin>", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(std::string(e.message()).rfind("invalid YAML: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace sisyphus::model
