#include "sisyphus/model/loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const testing::TestCatalog kCatalog;

// DESIGN.md's "Scenario file" example, verbatim.
constexpr const char* kDesignExample = R"(name: drop-at-95-percent           # required, [a-z0-9-]+
description: The link dies at 95 %, then at 98 %.
seed: 42                           # seeds every probability and jitter; reported, replayable
resource:
  path: /file                      # default /file
  size: 64MiB                      # synthetic; or  file: data/x.iso
  seed: 1                          # content seed, default 1
  etag: strong                     # strong | weak | none
  last_modified: true
  digest: false                    # true: send Repr-Digest: sha-256=:…: (RFC 9530)
server:
  ranges: true                     # false: ignore Range, 200 + whole body, no Accept-Ranges
  chunked: false                   # true: Transfer-Encoding: chunked, no Content-Length
attempts:                          # the k-th request for the resource gets entry k; later: clean
  - drop: {at: 95%, how: close}    # at: absolute offset in the resource (bytes, 4MiB, 95%)
  - drop: {after: 1MiB, how: reset}  # after: body bytes into this response
  - status: {code: 503, retry_after: 1s}
  - stall: {at: 50%, for: 30s}     # stop sending, hold the connection open, then close
  - {}                             # clean
changes:                           # the resource changes: new seed, new ETag/Last-Modified
  - before_attempt: 2              # or  at_time: 3s
faults:                            # rules for every request, narrowed by attempts:/probability:
  - latency: {first_byte: 100ms, jitter: 20ms}
  - throttle: {rate: 1MiB/s}
  - corrupt: {at: 10MiB, bytes: 1, probability: 0.1}
  - wrong_range: {shift: 1KiB}     # 206 whose body does not start where Content-Range says
client:                            # defaults; `sisyphus run --client …` overrides
  kind: reference                  # reference | naive | curl | wget | aria2c | command
  max_attempts: 10
  backoff: {strategy: full-jitter, base: 100ms, cap: 2s}
  resume: if-range                 # if-range | range | restart
  prefill: 50%                     # output already holds this much of the original
                                   # content when the client starts (a killed earlier run)
expect:                            # each failed expectation fails the scenario
  verdict: ok                      # ok | failed-clean
  max_attempts: 3
  max_wasted_bytes: 0              # bytes, size units, or % of size
  max_duration: 10s
)";

Scenario load(const std::string& text) {
  return load_string(text, "t.yaml", kCatalog);
}

TEST(Loader, DesignExample) {
  Scenario s = load(kDesignExample);
  EXPECT_EQ(s.name, "drop-at-95-percent");
  EXPECT_EQ(s.description, "The link dies at 95 %, then at 98 %.");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.source_file, "t.yaml");

  EXPECT_EQ(s.resource.path, "/file");
  EXPECT_EQ(s.resource.size, 64u * 1024 * 1024);
  EXPECT_EQ(s.resource.seed, 1u);
  EXPECT_FALSE(s.resource.is_file());
  EXPECT_EQ(s.resource.etag, EtagKind::strong);
  EXPECT_TRUE(s.resource.last_modified);
  EXPECT_FALSE(s.resource.digest);
  EXPECT_TRUE(s.server.ranges);
  EXPECT_FALSE(s.server.chunked);

  ASSERT_EQ(s.attempts.size(), 5u);
  ASSERT_EQ(s.attempts[0].faults.size(), 1u);
  EXPECT_EQ(s.attempts[0].faults[0].kind, "drop");
  EXPECT_EQ(s.attempts[0].faults[0].params.size("at"), SizeSpec::percent(95));
  EXPECT_EQ(s.attempts[0].faults[0].params.string("how"), "close");
  EXPECT_EQ(s.attempts[0].where.line, 15);
  EXPECT_EQ(s.attempts[0].where.column, 5);
  EXPECT_EQ(s.attempts[1].faults[0].params.size("after"), SizeSpec::bytes(1024 * 1024));
  EXPECT_EQ(s.attempts[1].faults[0].params.string("how"), "reset");
  EXPECT_EQ(s.attempts[2].faults[0].kind, "status");
  EXPECT_EQ(s.attempts[2].faults[0].params.unsigned_integer("code"), 503u);
  EXPECT_EQ(s.attempts[2].faults[0].params.duration("retry_after"), 1s);
  EXPECT_EQ(s.attempts[3].faults[0].kind, "stall");
  EXPECT_EQ(s.attempts[3].faults[0].params.duration("for"), 30s);
  EXPECT_TRUE(s.attempts[4].faults.empty());
  EXPECT_EQ(s.attempts[4].where.line, 19);

  ASSERT_EQ(s.changes.size(), 1u);
  EXPECT_EQ(s.changes[0].before_attempt, 2u);
  EXPECT_EQ(s.changes[0].at_time, std::nullopt);
  EXPECT_EQ(s.changes[0].where.line, 21);

  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].fault.kind, "latency");
  EXPECT_EQ(s.faults[0].fault.params.duration("first_byte"), 100ms);
  EXPECT_EQ(s.faults[0].fault.params.duration("jitter"), 20ms);
  EXPECT_TRUE(s.faults[0].attempts.empty());
  EXPECT_EQ(s.faults[0].probability, 1.0);
  EXPECT_EQ(s.faults[1].fault.kind, "throttle");
  EXPECT_EQ(s.faults[1].fault.params.rate("rate"), 1024u * 1024u);
  EXPECT_EQ(s.faults[2].fault.kind, "corrupt");
  EXPECT_EQ(s.faults[2].probability, 0.1);
  EXPECT_EQ(s.faults[2].fault.params.keys(), (std::vector<std::string>{"at", "bytes"}));
  EXPECT_EQ(s.faults[2].where.line, 25);
  EXPECT_EQ(s.faults[3].fault.kind, "wrong_range");
  EXPECT_EQ(s.faults[3].fault.params.signed_size("shift"), 1024);

  EXPECT_EQ(s.client.kind, "reference");
  EXPECT_EQ(s.client.command, "");
  EXPECT_EQ(s.client.max_attempts, 10u);
  EXPECT_EQ(s.client.backoff.strategy, "full-jitter");
  EXPECT_EQ(s.client.backoff.base, 100ms);
  EXPECT_EQ(s.client.backoff.cap, 2s);
  EXPECT_EQ(s.client.resume, "if-range");
  EXPECT_EQ(s.client.prefill, SizeSpec::percent(50));
  EXPECT_FALSE(s.client.prefill_changed);

  EXPECT_EQ(s.expect.verdict, "ok");
  EXPECT_EQ(s.expect.max_attempts, 3u);
  EXPECT_EQ(s.expect.min_attempts, std::nullopt);
  EXPECT_EQ(s.expect.max_wasted_bytes, SizeSpec::bytes(0));
  EXPECT_EQ(s.expect.max_duration, 10s);
}

TEST(Loader, EveryDefault) {
  Scenario s = load("name: minimal\nresource: {size: 1000}\n");
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.seed, 0u);
  EXPECT_EQ(s.resource.path, "/file");
  EXPECT_EQ(s.resource.size, 1000u);
  EXPECT_EQ(s.resource.seed, 1u);
  EXPECT_EQ(s.resource.file, std::nullopt);
  EXPECT_EQ(s.resource.resolved_file, "");
  EXPECT_EQ(s.resource.etag, EtagKind::strong);
  EXPECT_TRUE(s.resource.last_modified);
  EXPECT_FALSE(s.resource.digest);
  EXPECT_TRUE(s.server.ranges);
  EXPECT_FALSE(s.server.chunked);
  EXPECT_TRUE(s.attempts.empty());
  EXPECT_TRUE(s.changes.empty());
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.client.kind, "reference");
  EXPECT_EQ(s.client.command, "");
  EXPECT_EQ(s.client.max_attempts, 10u);
  EXPECT_EQ(s.client.backoff.strategy, "full-jitter");
  EXPECT_EQ(s.client.backoff.base, 100ms);
  EXPECT_EQ(s.client.backoff.cap, 2s);
  EXPECT_EQ(s.client.resume, "if-range");
  EXPECT_EQ(s.client.prefill, std::nullopt);
  EXPECT_FALSE(s.client.prefill_changed);
  EXPECT_FALSE(s.client.sha256);
  EXPECT_EQ(s.client.read_timeout, std::nullopt);
  EXPECT_EQ(s.client.connect_timeout, std::nullopt);
  EXPECT_EQ(s.expect.verdict, std::nullopt);
  EXPECT_EQ(s.expect.max_attempts, std::nullopt);
  EXPECT_EQ(s.expect.min_attempts, std::nullopt);
  EXPECT_EQ(s.expect.max_wasted_bytes, std::nullopt);
  EXPECT_EQ(s.expect.max_duration, std::nullopt);
}

TEST(Loader, NullSectionsAreDefaults) {
  Scenario s = load(
      "name: nulls\nresource: {size: 1KiB}\nserver:\nattempts:\nchanges: ~\nfaults: []\nclient: "
      "{}\nexpect:\n");
  EXPECT_TRUE(s.server.ranges);
  EXPECT_TRUE(s.attempts.empty());
  EXPECT_TRUE(s.changes.empty());
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.client.kind, "reference");
}

TEST(Loader, EveryKeySet) {
  Scenario s = load(R"(
name: all-keys-9
description: "every key"
seed: 18446744073709551615
resource: {path: /a/b.bin, size: 10MB, seed: 7, etag: weak, last_modified: false, digest: true}
server: {ranges: false, chunked: true}
changes:
  - at_time: 1500ms
  - before_attempt: 3
client:
  kind: curl
  max_attempts: 4
  backoff: {strategy: decorrelated-jitter, base: 250us, cap: 1m}
  resume: restart
  prefill: {size: 1MiB, changed: true}
  sha256: true
  read_timeout: 5s
  connect_timeout: 200ms
expect:
  verdict: failed-clean
  max_attempts: 4
  min_attempts: 2
  max_wasted_bytes: 12.5%
  max_duration: 2s
)");
  EXPECT_EQ(s.description, "every key");
  EXPECT_EQ(s.seed, 18446744073709551615ULL);
  EXPECT_EQ(s.resource.path, "/a/b.bin");
  EXPECT_EQ(s.resource.size, 10'000'000u);
  EXPECT_EQ(s.resource.seed, 7u);
  EXPECT_EQ(s.resource.etag, EtagKind::weak);
  EXPECT_FALSE(s.resource.last_modified);
  EXPECT_TRUE(s.resource.digest);
  EXPECT_FALSE(s.server.ranges);
  EXPECT_TRUE(s.server.chunked);
  ASSERT_EQ(s.changes.size(), 2u);
  EXPECT_EQ(s.changes[0].at_time, 1500ms);
  EXPECT_EQ(s.changes[0].before_attempt, std::nullopt);
  EXPECT_EQ(s.changes[1].before_attempt, 3u);
  EXPECT_EQ(s.client.kind, "curl");
  EXPECT_EQ(s.client.max_attempts, 4u);
  EXPECT_EQ(s.client.backoff.strategy, "decorrelated-jitter");
  EXPECT_EQ(s.client.backoff.base, 250us);
  EXPECT_EQ(s.client.backoff.cap, 60s);
  EXPECT_EQ(s.client.resume, "restart");
  EXPECT_EQ(s.client.prefill, SizeSpec::bytes(1024 * 1024));
  EXPECT_TRUE(s.client.prefill_changed);
  EXPECT_TRUE(s.client.sha256);
  EXPECT_EQ(s.client.read_timeout, 5s);
  EXPECT_EQ(s.client.connect_timeout, 200ms);
  EXPECT_EQ(s.expect.verdict, "failed-clean");
  EXPECT_EQ(s.expect.max_attempts, 4u);
  EXPECT_EQ(s.expect.min_attempts, 2u);
  EXPECT_EQ(s.expect.max_wasted_bytes, SizeSpec::percent(12.5));
  EXPECT_EQ(s.expect.max_duration, 2s);
}

TEST(Loader, PercentSizesResolveAgainstTheResource) {
  Scenario s = load(
      "name: pct\nresource: {size: 1000}\nattempts:\n  - drop: {at: 99.9%}\n  - stall: {at: 100%, "
      "for: 1s}\n"
      "expect: {max_wasted_bytes: 25%}\n");
  EXPECT_EQ(s.attempts[0].faults[0].params.size("at").resolve(s.resource.size), 999u);
  EXPECT_EQ(s.attempts[1].faults[0].params.size("at").resolve(s.resource.size), 1000u);
  EXPECT_EQ(s.expect.max_wasted_bytes->resolve(s.resource.size), 250u);
}

TEST(Loader, FaultValidationSeesTheResource) {
  // The resource comes after the attempts in the file: faults are validated last.
  EXPECT_NO_THROW(load("name: order\nattempts:\n  - drop: {at: 2KiB}\nresource: {size: 4KiB}\n"));
  try {
    load("name: order\nattempts:\n  - drop: {at: 8KiB}\nresource: {size: 4KiB}\n");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "t.yaml:3:16: offset 8KiB is beyond the end of the resource (4096 bytes)");
  }
}

TEST(Loader, SeveralFaultsInOneAttempt) {
  Scenario s = load(
      "name: multi\nresource: {size: 1MiB}\nattempts:\n  - {latency: {first_byte: 10ms}, drop: "
      "{after: 100}}\n"
      "  - ~\n");
  ASSERT_EQ(s.attempts.size(), 2u);
  ASSERT_EQ(s.attempts[0].faults.size(), 2u);
  EXPECT_EQ(s.attempts[0].faults[0].kind, "latency");
  EXPECT_EQ(s.attempts[0].faults[1].kind, "drop");
  EXPECT_EQ(s.attempts[0].faults[1].params.section(), "drop");
  EXPECT_TRUE(s.attempts[1].faults.empty());
}

TEST(Loader, ScalarFaultParameters) {
  Scenario s = load("name: scalar\nresource: {size: 1MiB}\nfaults:\n  - throttle: 512KiB/s\n");
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_TRUE(s.faults[0].fault.params.is_scalar());
  EXPECT_EQ(s.faults[0].fault.params.scalar(), "512KiB/s");
}

TEST(Loader, FaultRuleNarrowing) {
  Scenario s = load(R"(name: narrowing
resource: {size: 1MiB}
faults:
  - drop: {at: 10%, attempts: [1, 3], probability: 0.25}
  - status: {code: 503, attempts: 2}
  - latency: {first_byte: 1ms, probability: 0}
  - corrupt: {at: 1, probability: 1}
)");
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].attempts, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(s.faults[0].probability, 0.25);
  // The narrowing keys are not the fault's: the kind's key table (at, after, how) passed them.
  EXPECT_EQ(s.faults[0].fault.params.keys(), (std::vector<std::string>{"at"}));
  EXPECT_FALSE(s.faults[0].fault.params.has("attempts"));
  EXPECT_FALSE(s.faults[0].fault.params.has("probability"));
  // The positions of what remains are kept.
  EXPECT_EQ(s.faults[0].fault.params.location("at").line, 4);
  EXPECT_EQ(s.faults[0].fault.params.location("at").column, 16);
  EXPECT_EQ(s.faults[0].fault.params.location().column, 11);
  EXPECT_EQ(s.faults[1].attempts, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(s.faults[1].probability, 1.0);
  EXPECT_EQ(s.faults[2].attempts, std::vector<std::uint32_t>{});
  EXPECT_EQ(s.faults[2].probability, 0.0);
}

TEST(Loader, NarrowingKeysOfASharedMappingStayWithEachRule) {
  // Both rules are the same YAML node (an alias); taking the narrowing keys out for the
  // first rule must not take them from the second.
  Scenario s = load(R"(name: alias
resource: {size: 1MiB}
faults:
  - drop: &d {at: 10%, attempts: [2], probability: 0.5}
  - drop: *d
)");
  ASSERT_EQ(s.faults.size(), 2u);
  for (const auto& rule : s.faults) {
    EXPECT_EQ(rule.attempts, (std::vector<std::uint32_t>{2}));
    EXPECT_EQ(rule.probability, 0.5);
    EXPECT_EQ(rule.fault.params.keys(), (std::vector<std::string>{"at"}));
  }
}

TEST(Loader, FaultWithOnlyNarrowingKeysReportsAtItsMapping) {
  try {
    load("name: n\nresource: {size: 1MiB}\nfaults:\n  - stall: {attempts: 1, for: 1s}\n");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "t.yaml:4:12: missing required key 'at' in stall");
  }
}

TEST(Loader, AssigningAScenarioLeavesItsCopiesAlone) {
  // Fault parameters are values: replacing a scenario's must not edit a copy's.
  Scenario first = load("name: a\nresource: {size: 1MiB}\nattempts:\n  - drop: {at: 10%}\n");
  Scenario copy = first;
  Scenario second =
      load("name: b\nresource: {size: 1MiB}\nattempts:\n  - drop: {after: 5, how: reset}\n");
  first.attempts[0] = second.attempts[0];  // element-wise: assigns the parameters themselves
  EXPECT_EQ(copy.attempts[0].faults[0].params.keys(), (std::vector<std::string>{"at"}));
  EXPECT_EQ(first.attempts[0].faults[0].params.keys(), (std::vector<std::string>{"after", "how"}));
  first = second;
  EXPECT_EQ(copy.attempts[0].faults[0].params.keys(), (std::vector<std::string>{"at"}));
  EXPECT_EQ(first.name, "b");
}

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
  EXPECT_EQ(s.resource.size, 2u * 1024 * 1024);
  EXPECT_EQ(s.resource.etag, EtagKind::none);
  EXPECT_TRUE(s.resource.digest);
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

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sisyphus-model-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& rel, const std::string& text) {
    std::ofstream out(dir_ / rel, std::ios::binary);
    out << text;
  }
  fs::path dir_;
};

TEST_F(FileTest, LoadFileAndFileResourceRelativeToTheScenario) {
  write("data/blob.bin", std::string(12345, 'x'));
  write("s.yaml",
        "name: real-file\nresource:\n  file: data/blob.bin\n  path: /blob\nattempts:\n  - drop: "
        "{at: 50%}\n");
  Scenario s = load_file(dir_ / "s.yaml", kCatalog);
  EXPECT_EQ(s.source_file, (dir_ / "s.yaml").string());
  ASSERT_TRUE(s.resource.is_file());
  EXPECT_EQ(*s.resource.file, "data/blob.bin");
  EXPECT_EQ(s.resource.resolved_file, (dir_ / "data/blob.bin").string());
  EXPECT_EQ(s.resource.size, 12345u);
  EXPECT_EQ(s.resource.path, "/blob");
}

TEST_F(FileTest, AbsoluteFileResource) {
  write("data/abs.bin", "abc");
  std::string abs = (dir_ / "data/abs.bin").string();
  Scenario s =
      load_string("name: abs\nresource: {file: '" + abs + "'}\n", "elsewhere/x.yaml", kCatalog);
  EXPECT_EQ(*s.resource.file, abs);
  EXPECT_EQ(s.resource.resolved_file, abs);
  EXPECT_EQ(s.resource.size, 3u);
}

TEST_F(FileTest, MissingFileResource) {
  write("s.yaml", "name: gone\nresource:\n  file: data/nope.bin\n");
  try {
    load_file(dir_ / "s.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "s.yaml").string() +
                                         ":3:9: file not found: 'data/nope.bin' (looked for " +
                                         (dir_ / "data/nope.bin").string() + ")");
  }
  write("d.yaml", "name: dir\nresource:\n  file: data\n");
  try {
    load_file(dir_ / "d.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir_ / "d.yaml").string() + ":3:9: not a regular file: 'data'");
  }
}

TEST_F(FileTest, UnreadableScenarioFile) {
  try {
    load_file(dir_ / "absent.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir_ / "absent.yaml").string() + ": cannot open: No such file or directory");
    EXPECT_EQ(e.where().line, 0);
  }
  try {
    load_file(dir_ / "data", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "data").string() + ": cannot open: is a directory");
  }
}

TEST_F(FileTest, ScenarioFilesSortedYamlAndYmlOnly) {
  write("b.yml", "");
  write("a.yaml", "");
  write("c.yaml", "");
  write("notes.txt", "");
  write("data/nested.yaml", "");
  fs::create_directories(dir_ / "dir.yaml");
  std::vector<fs::path> files = scenario_files(dir_);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0], dir_ / "a.yaml");
  EXPECT_EQ(files[1], dir_ / "b.yml");
  EXPECT_EQ(files[2], dir_ / "c.yaml");
  EXPECT_THROW(scenario_files(dir_ / "nope"), ScenarioError);
}

}  // namespace
}  // namespace sisyphus::model
