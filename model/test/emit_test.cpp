// to_yaml / to_json: every default explicit, valid JSON, and loading the output again
// gives the same scenario.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <chrono>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;

using testing::kCatalog;
using testing::load;

// Fails the test unless `text` is one valid JSON value.
boost::json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << text;
  return v;
}

constexpr const char* kRich = R"(name: rich-1
description: "Quotes \" and \\ and\nnewlines, tabs\t, unicode ✓, control \x01"
seed: 42
resource: {path: /dl/x.bin, size: 64MiB, seed: 9, etag: weak, last_modified: false, digest: true}
server: {ranges: false, chunked: true}
attempts:
  - drop: {at: 95%, how: close}
  - {latency: {first_byte: 10ms}, drop: {after: 1MiB, how: reset}}
  - status: {code: 503, retry_after: 1s}
  - {}
  - throttle: 1MiB/s
changes:
  - before_attempt: 2
  - at_time: 1500ms
faults:
  - latency: {first_byte: 100ms, jitter: 20ms}
  - corrupt: {at: 10MiB, bytes: 1, probability: 0.1, attempts: [1, 3]}
  - wrong_range: {shift: -1KiB, attempts: 2}
  - status: {code: "429", probability: 0.333333}
client:
  kind: command
  command: "my-get --url {url} -o '{output}' --tries {max_attempts}"
  max_attempts: 7
  backoff: {strategy: equal-jitter, base: 250us, cap: 1m}
  resume: range
  prefill: {size: 12.5%, changed: true}
  sha256: true
  read_timeout: 5s
  connect_timeout: 200ms
expect:
  verdict: failed-dirty
  max_attempts: 7
  min_attempts: 2
  max_wasted_bytes: 1.5MiB
  max_duration: 90s
)";

// server.max_active, over_capacity and outages survive YAML text, JSON and a reload (what
// the admin API's PUT and GET do), in both forms of over_capacity.
TEST(Emit, OverloadAndOutagesRoundTrip) {
  for (const char* answer : {"{status: 429, retry_after: 1500ms}", "refuse"}) {
    SCOPED_TRACE(answer);
    Scenario s = load(fmt::format(
        "name: herd\nresource: {{size: 1000}}\nserver: {{max_active: 3, over_capacity: {}, "
        "outages: [{{at: 5s, for: 1s, how: 503}}, {{at: 2s, for: 3s}}]}}\n",
        answer));
    const std::string json = to_json(s);
    for (const Scenario& back :
         {load_string(json, "<admin>", kCatalog), load(YAML::Dump(to_yaml(s)))}) {
      EXPECT_TRUE(equivalent(s, back));
      EXPECT_EQ(back.server.max_active, 3u);
      EXPECT_EQ(back.server.over_capacity.refuse, std::string(answer) == "refuse");
      ASSERT_EQ(back.server.outages.size(), 2u);
      EXPECT_EQ(back.server.outages[0].at, 2s);  // in order of `at`
      EXPECT_EQ(back.server.outages[0].length, 3s);
      EXPECT_EQ(back.server.outages[0].how, OutageHow::reset);
      EXPECT_EQ(back.server.outages[1].at, 5s);
      EXPECT_EQ(back.server.outages[1].how, OutageHow::unavailable);
    }
    const auto o = parse_json(json).as_object().at("server").as_object();
    EXPECT_EQ(o.at("outages").at(1).at("how").as_string(), "503");
    if (s.server.over_capacity.refuse) {
      EXPECT_EQ(o.at("over_capacity").as_string(), "refuse");
    } else {
      EXPECT_EQ(s.server.over_capacity.status, 429);
      EXPECT_EQ(s.server.over_capacity.retry_after, 1500ms);
      EXPECT_EQ(o.at("over_capacity").at("retry_after").as_string(), "1500ms");
    }
  }
}

TEST(Emit, MinimalScenarioAsJson) {
  Scenario s = load("name: minimal\nresource: {size: 1000}\n");
  EXPECT_EQ(to_json(s), R"({
  "name": "minimal",
  "description": "",
  "seed": 0,
  "resource": {
    "path": "/file",
    "size": "1000B",
    "seed": 1,
    "file": null,
    "etag": "strong",
    "last_modified": true,
    "digest": false
  },
  "server": {
    "ranges": true,
    "chunked": false,
    "tls": false,
    "max_active": null,
    "over_capacity": null,
    "outages": []
  },
  "attempts": [],
  "changes": [],
  "faults": [],
  "client": {
    "kind": "reference",
    "command": null,
    "max_attempts": 10,
    "backoff": {
      "strategy": "full-jitter",
      "base": "100ms",
      "cap": "2s"
    },
    "resume": "if-range",
    "prefill": null,
    "sha256": false,
    "read_timeout": null,
    "connect_timeout": null
  },
  "expect": {
    "verdict": null,
    "max_attempts": null,
    "min_attempts": null,
    "max_wasted_bytes": null,
    "max_duration": null
  }
}
)");
}

TEST(Emit, JsonRoundTripOfTheRichScenario) {
  Scenario s = load(kRich);
  std::string json = to_json(s);
  boost::json::value v = parse_json(json);
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("description").as_string(),
            "Quotes \" and \\ and\nnewlines, tabs\t, unicode ✓, control \x01");
  EXPECT_EQ(o.at("seed").as_int64(), 42);
  EXPECT_EQ(o.at("resource").at("size").as_string(), "64MiB");
  EXPECT_EQ(o.at("resource").at("digest").as_bool(), true);
  EXPECT_EQ(o.at("attempts").as_array().size(), 5u);
  EXPECT_EQ(o.at("attempts").at(0).at("drop").at("at").as_string(), "95%");
  EXPECT_EQ(o.at("attempts").at(2).at("status").at("code").as_int64(), 503);
  EXPECT_EQ(o.at("attempts").at(3).as_object().size(), 0u);
  EXPECT_EQ(o.at("attempts").at(4).at("throttle").as_string(), "1MiB/s");
  EXPECT_EQ(o.at("faults").at(1).at("corrupt").at("probability").as_double(), 0.1);
  EXPECT_EQ(o.at("faults").at(1).at("corrupt").at("attempts").at(1).as_int64(), 3);
  // Fault parameters are text to the loader: quoting in the source does not matter.
  EXPECT_EQ(o.at("faults").at(3).at("status").at("code").as_int64(), 429);
  EXPECT_EQ(o.at("client").at("prefill").at("size").as_string(), "12.5%");

  Scenario back = load_string(json, "<admin>", kCatalog);
  EXPECT_TRUE(equivalent(s, back));
  EXPECT_EQ(to_json(back), json);
  EXPECT_EQ(back.description, s.description);
  EXPECT_EQ(back.seed, 42u);
  EXPECT_EQ(back.resource().path, "/dl/x.bin");
  EXPECT_EQ(back.resource().size, 64u << 20);
  EXPECT_EQ(back.resource().seed, 9u);
  EXPECT_EQ(back.resource().etag, EtagKind::weak);
  EXPECT_FALSE(back.resource().last_modified);
  EXPECT_TRUE(back.resource().digest);
  EXPECT_FALSE(back.server.ranges);
  EXPECT_TRUE(back.server.chunked);
  ASSERT_EQ(back.attempts.size(), 5u);
  EXPECT_EQ(back.attempts[1].faults[0].kind, "latency");
  EXPECT_EQ(back.attempts[1].faults[1].params.string("how"), "reset");
  EXPECT_TRUE(back.attempts[3].faults.empty());
  EXPECT_EQ(back.attempts[4].faults[0].params.scalar(), "1MiB/s");
  ASSERT_EQ(back.changes.size(), 2u);
  EXPECT_EQ(back.changes[0].before_attempt, 2u);
  EXPECT_EQ(back.changes[1].at_time, 1500ms);
  ASSERT_EQ(back.faults.size(), 4u);
  EXPECT_EQ(back.faults[1].attempts, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(back.faults[1].probability, 0.1);
  EXPECT_EQ(back.faults[1].fault.params.keys(), (std::vector<std::string>{"at", "bytes"}));
  EXPECT_EQ(back.faults[2].attempts, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(back.faults[2].fault.params.signed_size("shift"), -1024);
  EXPECT_EQ(back.faults[3].probability, 0.333333);
  EXPECT_EQ(back.client.kind, "command");
  EXPECT_EQ(back.client.command, "my-get --url {url} -o '{output}' --tries {max_attempts}");
  EXPECT_EQ(back.client.max_attempts, 7u);
  EXPECT_EQ(back.client.backoff.strategy, "equal-jitter");
  EXPECT_EQ(back.client.backoff.base, 250us);
  EXPECT_EQ(back.client.backoff.cap, 60s);
  EXPECT_EQ(back.client.resume, "range");
  EXPECT_EQ(back.client.prefill, SizeSpec::percent(12.5));
  EXPECT_TRUE(back.client.prefill_changed);
  EXPECT_TRUE(back.client.sha256);
  EXPECT_EQ(back.client.read_timeout, 5s);
  EXPECT_EQ(back.client.connect_timeout, 200ms);
  EXPECT_EQ(back.expect.verdict, "failed-dirty");
  EXPECT_EQ(back.expect.max_attempts, 7u);
  EXPECT_EQ(back.expect.min_attempts, 2u);
  EXPECT_EQ(back.expect.max_wasted_bytes, SizeSpec::bytes(1536 * 1024));
  EXPECT_EQ(back.expect.max_duration, 90s);
}

TEST(Emit, YamlRoundTrip) {
  Scenario s = load(kRich);
  std::string yaml = YAML::Dump(to_yaml(s));
  Scenario back = load_string(yaml, "t.yaml", kCatalog);
  EXPECT_TRUE(equivalent(s, back)) << yaml;
  EXPECT_EQ(to_json(back), to_json(s));
}

TEST(Emit, StringsThatLookLikeOtherTypesStayStrings) {
  Scenario s = load("name: '42'\ndescription: 'true'\nresource: {size: 1}\n");
  std::string json = to_json(s);
  boost::json::value v = parse_json(json);
  EXPECT_EQ(v.at("name").as_string(), "42");
  EXPECT_EQ(v.at("description").as_string(), "true");
  Scenario back = load_string(json, "<admin>", kCatalog);
  EXPECT_EQ(back.name, "42");
  EXPECT_EQ(back.description, "true");
}

TEST(Emit, ShorthandsAreWrittenInFull) {
  Scenario s = load(
      "name: short\nresource: {size: 1MiB}\nclient: {backoff: none, prefill: {size: 1KiB}, "
      "command: 'x {url}'}\n");
  boost::json::value v = parse_json(to_json(s));
  EXPECT_EQ(v.at("client").at("kind").as_string(), "command");
  EXPECT_EQ(v.at("client").at("backoff").at("strategy").as_string(), "none");
  EXPECT_EQ(v.at("client").at("backoff").at("base").as_string(), "100ms");
  // An unchanged prefill is written in its short form.
  EXPECT_EQ(v.at("client").at("prefill").as_string(), "1KiB");
  EXPECT_TRUE(equivalent(s, load_string(to_json(s), "<admin>", kCatalog)));
}

TEST(Emit, FileResourceIsWrittenAsTheFile) {
  // A file resource is written as the file (its size comes from the file when loaded).
  Scenario s;
  s.name = "file-res";
  s.resource().file = "/proc/self/nonexistent";
  s.resource().size = 5;
  boost::json::value v = parse_json(to_json(s));
  EXPECT_TRUE(v.at("resource").at("size").is_null());
  EXPECT_EQ(v.at("resource").at("file").as_string(), "/proc/self/nonexistent");
}

TEST(Emit, ProgrammaticScenario) {
  // A scenario built in code (no positions anywhere) emits and reloads like a loaded one.
  Scenario s;
  s.name = "built";
  s.resource().size = 4096;
  s.attempts.push_back(AttemptEntry{
      {FaultSpec{"drop", FaultParams::mapping("drop", {},
                                              {{"at", "2KiB", {}, {}}, {"how", "reset", {}, {}}})}},
      {}});
  s.faults.push_back(FaultRule{FaultSpec{"latency", FaultParams()}, {2}, 0.5, {}, {}, {}});
  s.changes.push_back(Change{std::nullopt, 3s, {}});
  s.expect.max_wasted_bytes = SizeSpec::percent(10);
  Scenario back = load_string(to_json(s), "<admin>", kCatalog);
  EXPECT_TRUE(equivalent(s, back)) << to_json(s);
  ASSERT_EQ(back.faults.size(), 1u);
  EXPECT_EQ(back.faults[0].attempts, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(back.faults[0].probability, 0.5);
  EXPECT_TRUE(back.faults[0].fault.params.is_null());
  EXPECT_EQ(back.changes[0].at_time, 3s);
}

TEST(Emit, EquivalentSeesEveryField) {
  Scenario a = load(kRich);
  Scenario b = load(kRich);
  EXPECT_TRUE(equivalent(a, b));
  b.client.prefill_changed = false;
  EXPECT_FALSE(equivalent(a, b));
  b = load(kRich);
  b.faults[1].probability = 0.2;
  EXPECT_FALSE(equivalent(a, b));
  b = load(kRich);
  b.resource().last_modified = true;
  EXPECT_FALSE(equivalent(a, b));
  // Positions and the source file do not count.
  b = load_string(kRich, "other.yaml", kCatalog);
  EXPECT_TRUE(equivalent(a, b));
}

TEST(Emit, EmittedTreeIsACopy) {
  Scenario s = load(kRich);
  YAML::Node tree = to_yaml(s);
  tree["attempts"][0]["drop"]["how"] = "reset";
  EXPECT_EQ(s.attempts[0].faults[0].params.string("how"), "close");
}

}  // namespace
}  // namespace sisyphus::model
