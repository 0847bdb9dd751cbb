// Matrix files (docs/matrix.md): what they load into, and every error with its exact
// file:line:column and message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/model/matrix.hpp"
#include "sisyphus/testing/temp_dir.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::kCatalog;

Matrix load(const std::string& text) {
  return load_matrix_string(text, "m.yaml", kCatalog);
}

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

// A matrix whose scenario is inline; lines 1-4.
#define HEAD "name: m\nscenario:\n  name: s\n  resource: {size: 1MiB}\n"
#define ONE_STRATEGY "strategies: [{name: a}]\n"

TEST(MatrixTest, DefaultsAndStrategiesAsWritten) {
  Matrix m = load(HEAD
                  "strategies:\n  - {name: restart, client: {resume: restart}}\n"
                  "  - name: plain\n");
  EXPECT_EQ(m.name, "m");
  EXPECT_EQ(m.description, "");
  EXPECT_EQ(m.seed, 0u);
  EXPECT_EQ(m.trials, 100u);
  EXPECT_EQ(m.source_file, "m.yaml");
  EXPECT_EQ(m.scenario.name, "s");
  EXPECT_EQ(m.scenario.source_file, "m.yaml");
  EXPECT_EQ(m.scenario.resource().size, 1024u * 1024);
  ASSERT_EQ(m.strategies.size(), 2u);
  EXPECT_EQ(m.strategies[0].name, "restart");
  EXPECT_EQ(m.strategies[0].client.resume, "restart");
  EXPECT_EQ(m.strategies[0].where.line, 6);
  EXPECT_EQ(m.strategies[0].where.column, 5);
  EXPECT_EQ(m.strategies[1].name, "plain");
  EXPECT_EQ(m.strategies[1].where.line, 7);
  // No client keys: the scenario's client as it is.
  EXPECT_EQ(m.strategies[1].client.resume, "if-range");
  EXPECT_EQ(m.strategies[1].client.kind, "reference");
  EXPECT_TRUE(m.expect.empty());
}

TEST(MatrixTest, TopLevelKeys) {
  Matrix m = load(HEAD
                  "description: restart or resume\nseed: 7\ntrials: 1000000\n"
                  "strategies: [{name: a}]\n");
  EXPECT_EQ(m.description, "restart or resume");
  EXPECT_EQ(m.seed, 7u);
  EXPECT_EQ(m.trials, 1000000u);
}

TEST(MatrixTest, AOneClientMatrixIsNoHerd) {
  Matrix m = load(HEAD ONE_STRATEGY);
  EXPECT_FALSE(m.herd);
  EXPECT_EQ(m.strategies[0].clients, 1u);
  EXPECT_EQ(m.start_spread, Duration{0});
}

TEST(MatrixTest, HerdClientsAndStartSpread) {
  Matrix m = load(HEAD
                  "clients: 500\nstart_spread: 1500ms\n"
                  "strategies: [{name: a}, {name: b, client: {backoff: {strategy: none}}}]\n");
  EXPECT_TRUE(m.herd);
  EXPECT_EQ(m.start_spread, 1500ms);
  ASSERT_EQ(m.strategies.size(), 2u);
  EXPECT_EQ(m.strategies[0].clients, 500u);
  EXPECT_EQ(m.strategies[1].clients, 500u);
}

TEST(MatrixTest, ClientsAsAnAxis) {
  Matrix m = load(HEAD "axes:\n  clients: [1, 100]\n  backoff.strategy: [none, full-jitter]\n");
  EXPECT_TRUE(m.herd);
  ASSERT_EQ(m.strategies.size(), 4u);
  EXPECT_EQ(m.strategies[0].name, "clients=1 backoff.strategy=none");
  EXPECT_EQ(m.strategies[0].clients, 1u);
  EXPECT_EQ(m.strategies[3].name, "clients=100 backoff.strategy=full-jitter");
  EXPECT_EQ(m.strategies[3].clients, 100u);
  EXPECT_EQ(m.strategies[3].client.backoff.strategy, "full-jitter");
}

TEST(MatrixTest, StrategyKeysApplyOnTopOfTheScenarioClient) {
  Matrix m = load(
      "name: m\n"
      "scenario:\n"
      "  name: s\n"
      "  resource: {size: 1MiB}\n"
      "  client:\n"
      "    max_attempts: 5\n"
      "    resume: range\n"
      "    backoff: {strategy: exponential, base: 200ms, cap: 5s}\n"
      "    sha256: true\n"
      "    read_timeout: 3s\n"
      "    prefill: {size: 50%, changed: true}\n"
      "strategies:\n"
      "  - {name: slow-base, client: {backoff: {base: 1s}}}\n"
      "  - {name: restart, client: {resume: restart, sha256: false, prefill: 10%}}\n"
      "  - {name: short, client: {backoff: none, connect_timeout: 1s}}\n");
  ASSERT_EQ(m.strategies.size(), 3u);
  const ClientOptions& slow = m.strategies[0].client;
  EXPECT_EQ(slow.backoff.strategy, "exponential");
  EXPECT_EQ(slow.backoff.base, 1s);
  EXPECT_EQ(slow.backoff.cap, 5s);
  EXPECT_EQ(slow.max_attempts, 5u);
  EXPECT_EQ(slow.resume, "range");
  EXPECT_TRUE(slow.sha256);
  EXPECT_EQ(slow.read_timeout, 3s);
  EXPECT_EQ(slow.prefill, SizeSpec::percent(50));
  EXPECT_TRUE(slow.prefill_changed);
  const ClientOptions& restart = m.strategies[1].client;
  EXPECT_EQ(restart.resume, "restart");
  EXPECT_FALSE(restart.sha256);
  // A prefill is replaced whole: a plain size is `changed: false`.
  EXPECT_EQ(restart.prefill, SizeSpec::percent(10));
  EXPECT_FALSE(restart.prefill_changed);
  EXPECT_EQ(restart.backoff.base, 200ms);
  const ClientOptions& shorter = m.strategies[2].client;
  EXPECT_EQ(shorter.backoff.strategy, "none");
  EXPECT_EQ(shorter.backoff.base, 200ms);
  EXPECT_EQ(shorter.connect_timeout, 1s);
  EXPECT_EQ(shorter.read_timeout, 3s);
  // The scenario itself keeps its own client.
  EXPECT_EQ(m.scenario.client.backoff.base, 200ms);
  EXPECT_EQ(m.scenario.client.resume, "range");
}

TEST(MatrixTest, KindAndCommandOverlay) {
  Matrix m = load(
      "name: m\nscenario:\n  name: s\n  resource: {size: 1MiB}\n"
      "  client: {command: 'tool {url} -o {output}'}\n"
      "strategies:\n"
      "  - {name: same-tool, client: {max_attempts: 2}}\n"
      "  - {name: other-tool, client: {command: 'other {url} {output}'}}\n"
      "  - {name: reference, client: {kind: reference}}\n");
  EXPECT_EQ(m.strategies[0].client.kind, "command");
  EXPECT_EQ(m.strategies[0].client.command, "tool {url} -o {output}");
  EXPECT_EQ(m.strategies[0].client.max_attempts, 2u);
  EXPECT_EQ(m.strategies[1].client.command, "other {url} {output}");
  EXPECT_EQ(m.strategies[2].client.kind, "reference");
  EXPECT_EQ(m.strategies[2].client.command, "");
}

TEST(MatrixTest, AxesExpandToTheProductFirstAxisSlowest) {
  Matrix m = load(HEAD
                  "axes:\n"
                  "  resume: [restart, range, if-range]\n"
                  "  backoff.strategy: [none, exponential, full-jitter, decorrelated-jitter]\n");
  ASSERT_EQ(m.strategies.size(), 12u);
  const char* resumes[] = {"restart", "range", "if-range"};
  const char* backoffs[] = {"none", "exponential", "full-jitter", "decorrelated-jitter"};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      const Strategy& s = m.strategies[i * 4 + j];
      EXPECT_EQ(s.name, std::string("resume=") + resumes[i] + " backoff.strategy=" + backoffs[j]);
      EXPECT_EQ(s.client.resume, resumes[i]);
      EXPECT_EQ(s.client.backoff.strategy, backoffs[j]);
      EXPECT_EQ(s.client.backoff.base, 100ms);  // the scenario's (default) value
      EXPECT_EQ(s.where.line, 5);               // the `axes:` key
      EXPECT_EQ(s.where.column, 1);
    }
  }
}

TEST(MatrixTest, AxesOfNestedAndScalarKeys) {
  Matrix m = load(HEAD
                  "axes:\n"
                  "  max_attempts: [1, 1000]\n"
                  "  backoff.base: [1s]\n"
                  "  backoff.cap: [10s]\n"
                  "  sha256: [true]\n");
  ASSERT_EQ(m.strategies.size(), 2u);
  EXPECT_EQ(m.strategies[0].name, "max_attempts=1 backoff.base=1s backoff.cap=10s sha256=true");
  EXPECT_EQ(m.strategies[1].name, "max_attempts=1000 backoff.base=1s backoff.cap=10s sha256=true");
  EXPECT_EQ(m.strategies[1].client.max_attempts, 1000u);
  EXPECT_EQ(m.strategies[1].client.backoff.base, 1s);
  EXPECT_EQ(m.strategies[1].client.backoff.cap, 10s);
  EXPECT_TRUE(m.strategies[1].client.sha256);
}

// base 5s against the scenario's cap of 2s would fail alone; the combination sets cap 10s.
TEST(MatrixTest, AxesAreCheckedAsACombination) {
  Matrix m = load(HEAD "axes:\n  backoff.base: [5s]\n  backoff.cap: [10s, 20s]\n");
  ASSERT_EQ(m.strategies.size(), 2u);
  EXPECT_EQ(m.strategies[0].client.backoff.base, 5s);
  EXPECT_EQ(m.strategies[1].client.backoff.cap, 20s);
}

TEST(MatrixTest, AxesValuesOverlayTheScenarioClient) {
  Matrix m = load(
      "name: m\nscenario:\n  name: s\n  resource: {size: 1MiB}\n"
      "  client: {max_attempts: 50, backoff: {strategy: constant, base: 10ms, cap: 10ms}}\n"
      "axes:\n  resume: [range]\n");
  ASSERT_EQ(m.strategies.size(), 1u);
  EXPECT_EQ(m.strategies[0].name, "resume=range");
  EXPECT_EQ(m.strategies[0].client.max_attempts, 50u);
  EXPECT_EQ(m.strategies[0].client.backoff.strategy, "constant");
}

TEST(MatrixTest, MaximumProductOfAxes) {
  std::string ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
  Matrix m = load(HEAD "axes:\n  max_attempts: " + ten + "\n  read_timeout: [1s, 2s, 3s, 4s, 5s, " +
                  "6s, 7s, 8s, 9s, 10s]\n  connect_timeout: [1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s, " +
                  "9s, 10s]\n");
  ASSERT_EQ(m.strategies.size(), 1000u);
  EXPECT_EQ(m.strategies[999].name, "max_attempts=10 read_timeout=10s connect_timeout=10s");
  EXPECT_EQ(m.strategies[123].name, "max_attempts=2 read_timeout=3s connect_timeout=4s");
}

TEST(MatrixTest, AtMostAThousandStrategies) {
  std::string list = HEAD "strategies:\n";
  for (int i = 0; i < 1000; ++i) list += "  - name: s" + std::to_string(i) + "\n";
  EXPECT_EQ(load(list).strategies.size(), 1000u);
  EXPECT_EQ(error_of(list + "  - name: one-more\n"),
            "m.yaml:1006:11: too many strategies: at most 1000");
}

TEST(MatrixTest, ExpectBounds) {
  Matrix m = load(HEAD
                  "strategies: [{name: restart}, {name: resume}]\n"
                  "expect:\n"
                  "  resume: {ok_rate: 1.0, p95_wasted_bytes: 0, max_bytes_sent: 10%}\n"
                  "  all:\n"
                  "    corrupt_rate: 0\n"
                  "    p99_duration: 1500ms\n"
                  "    mean_attempts: 2.5\n"
                  "    p50_bytes_sent: 2MiB\n"
                  "    max_attempts: ~\n");
  ASSERT_EQ(m.expect.size(), 7u);
  const MatrixBound& ok = m.expect[0];
  EXPECT_EQ(ok.strategy, "resume");
  EXPECT_EQ(ok.key, *parse_bound_key("ok_rate"));
  EXPECT_EQ(ok.limit, 1.0);
  EXPECT_EQ(ok.written, "1.0");
  EXPECT_EQ(ok.where.file, "m.yaml");
  EXPECT_EQ(ok.where.line, 7);
  EXPECT_EQ(ok.where.column, 21);
  EXPECT_EQ(m.expect[1].key, *parse_bound_key("p95_wasted_bytes"));
  EXPECT_EQ(m.expect[1].limit, 0);
  // 10% of 1 MiB, rounded down as sizes are.
  EXPECT_EQ(m.expect[2].key, *parse_bound_key("max_bytes_sent"));
  EXPECT_EQ(m.expect[2].limit, 104857);
  EXPECT_EQ(m.expect[2].written, "10%");
  EXPECT_EQ(m.expect[3].strategy, "all");
  EXPECT_EQ(m.expect[3].key, *parse_bound_key("corrupt_rate"));
  EXPECT_EQ(m.expect[3].where.line, 9);
  EXPECT_EQ(m.expect[4].limit, 1.5);  // seconds
  EXPECT_EQ(m.expect[4].written, "1500ms");
  EXPECT_EQ(m.expect[5].limit, 2.5);
  EXPECT_EQ(m.expect[6].limit, 2.0 * 1024 * 1024);
  EXPECT_EQ(m.expect[6].written, "2MiB");
}

TEST(MatrixTest, ExpectNamesAnAxesStrategy) {
  Matrix m = load(HEAD
                  "axes: {resume: [range, if-range], backoff: [none]}\n"
                  "expect:\n  'resume=range backoff=none': {ok_rate: 0.5}\n");
  ASSERT_EQ(m.expect.size(), 1u);
  EXPECT_EQ(m.expect[0].strategy, "resume=range backoff=none");
  EXPECT_EQ(m.expect[0].limit, 0.5);
}

// Common random numbers: every strategy's trial t has this seed; it must not change between
// versions (a published replay command names it).
TEST(MatrixTest, TrialSeedIsStableAndDistinctPerTrial) {
  EXPECT_EQ(trial_seed(7, 0), derive_seed(7, "trial:0"));
  EXPECT_EQ(trial_seed(7, 41), derive_seed(7, "trial:41"));
  EXPECT_EQ(trial_seed(0, 0), 12811327347807130538u);
  EXPECT_EQ(trial_seed(7, 41), 675478630942244763u);
  std::set<std::uint64_t> seen;
  for (std::uint32_t t = 0; t < 10'000; ++t) seen.insert(trial_seed(7, t));
  EXPECT_EQ(seen.size(), 10'000u);
  EXPECT_NE(trial_seed(7, 3), trial_seed(8, 3));
  EXPECT_NE(trial_seed(7, 3), 7u);
}

TEST(MatrixTest, TooLarge) {
  const std::string head = HEAD "strategies: [{name: a}]\n";
  std::string ok = head + "# " + std::string(1024 * 1024 - head.size() - 3, 'x') + "\n";
  ASSERT_EQ(ok.size(), 1024u * 1024);
  EXPECT_EQ(load(ok).strategies.size(), 1u);
  EXPECT_EQ(error_of(ok + " "),
            "m.yaml:1:1: matrix too large: 1048577 bytes, at most 1048576 (1 MiB)");
}

// The client keys of a strategy are read by the scenario's own rules: the same message for
// the same mistake, at the strategy's position.
TEST(MatrixTest, StrategyClientErrorsAreTheScenarioClientErrors) {
  const char* clients[] = {
      "{resum: range}",
      "{kind: curll}",
      "{kind: curl, command: 'x {url}'}",
      "{command: 'tool {url} {ouptut}'}",
      "{kind: command}",
      "{backoff: {base: 5s}}",
      "{backoff: {strategi: none}}",
      "{backoff: fast}",
      "{prefill: 2MiB}",
      "{prefill: {changed: true}}",
      "{max_attempts: 0}",
      "{read_timeout: 0}",
      "{sha256: maybe}",
  };
  for (const char* client : clients) {
    SCOPED_TRACE(client);
    std::string scenario_error;
    try {
      testing::load(std::string("name: s\nresource: {size: 1MiB}\nclient: ") + client + "\n");
    } catch (const ScenarioError& e) {
      scenario_error = e.message();
    }
    ASSERT_NE(scenario_error, "");
    std::string matrix_error;
    try {
      load(HEAD "strategies:\n  - {name: a, client: " + std::string(client) + "}\n");
    } catch (const ScenarioError& e) {
      matrix_error = e.message();
      EXPECT_EQ(e.where().line, 6);
    }
    EXPECT_EQ(matrix_error, scenario_error);
  }
}

struct Case {
  const char* label;
  std::string yaml;
  const char* error;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.label;
}

class MatrixErrorTest : public ::testing::TestWithParam<Case> {};

TEST_P(MatrixErrorTest, NamesFileLineColumnAndWhatWasExpected) {
  EXPECT_EQ(error_of(GetParam().yaml), GetParam().error);
}

#define ONE "strategies: [{name: a}]\n"

const Case kCases[] = {
    // the file
    {"empty", "",
     "m.yaml:1:1: empty matrix: expected a mapping with at least 'name', 'scenario' and "
     "'strategies' or 'axes'"},
    {"two documents", HEAD ONE "---\nname: y\n",
     "m.yaml:7:1: expected one YAML document, found 2 (one matrix per file)"},
    {"syntax", "name: m\nscenario: {name: s\n",
     "m.yaml:3:1: invalid YAML: end of map flow not found"},
    {"invalid utf8", "name: m\ndescription: \"\xff\"\n",
     "m.yaml:2:15: invalid UTF-8 (byte 0xFF): a matrix is UTF-8 text"},
    {"control character", "name: m\ndescription: \"a\x01\"\n",
     "m.yaml:2:16: character U+0001 is not allowed in YAML (only printable characters, tab and "
     "line breaks)"},
    {"top level sequence", "- name: m\n", "m.yaml:1:1: expected a mapping, got a sequence"},
    // top level
    {"unknown top key", HEAD "stratgies: []\n",
     "m.yaml:5:1: unknown key 'stratgies' in matrix, did you mean 'strategies'?"},
    {"unknown top key far", HEAD ONE "zzz: 1\n",
     "m.yaml:6:1: unknown key 'zzz' in matrix, expected one of name, description, seed, trials, "
     "scenario, clients, start_spread, strategies, axes, expect"},
    {"duplicate top key", HEAD ONE "name: n\n", "m.yaml:6:1: duplicate key 'name' in matrix"},
    {"missing name", "scenario: {name: s, resource: {size: 1}}\n" ONE,
     "m.yaml:1:1: missing required key 'name' in matrix"},
    {"bad name", "name: Compare_1\n",
     "m.yaml:1:7: invalid name 'Compare_1': expected lowercase letters, digits and '-' only"},
    {"bad seed", HEAD ONE "seed: -1\n", "m.yaml:6:7: expected a non-negative integer, got '-1'"},
    {"zero trials", HEAD ONE "trials: 0\n",
     "m.yaml:6:9: expected an integer from 1 to 1000000, got 0"},
    {"too many trials", HEAD ONE "trials: 1000001\n",
     "m.yaml:6:9: expected an integer from 1 to 1000000, got 1000001"},
    {"trials not a number", HEAD ONE "trials: many\n",
     "m.yaml:6:9: expected a non-negative integer, got 'many'"},
    // scenario
    {"missing scenario", "name: m\n" ONE,
     "m.yaml:1:1: missing required key 'scenario' in matrix: expected a scenario file (relative "
     "to the matrix) or an inline scenario mapping"},
    {"scenario a sequence", "name: m\nscenario: [a]\n" ONE,
     "m.yaml:2:11: expected a scenario file (relative to the matrix) or an inline scenario "
     "mapping, got a sequence"},
    {"scenario file not found", "name: m\nscenario: nope.yaml\n" ONE,
     "m.yaml:2:11: scenario file not found: 'nope.yaml' (looked for nope.yaml)"},
    {"inline scenario unknown key", HEAD "  atempts: []\n" ONE,
     "m.yaml:5:3: unknown key 'atempts' in scenario, did you mean 'attempts'?"},
    {"inline scenario missing resource", "name: m\nscenario: {name: s}\n" ONE,
     "m.yaml:2:11: missing required key 'size' in resource (or 'file' to serve a real file, "
     "or 'text' for a small text)"},
    {"inline scenario fault", HEAD "  attempts: [{drop: {at: 2MiB}}]\n" ONE,
     "m.yaml:5:26: offset 2MiB is beyond the end of the resource (1048576 bytes)"},
    {"inline scenario fault kind", HEAD "  faults: [{dorp: {at: 1}}]\n" ONE,
     "m.yaml:5:13: unknown fault kind 'dorp', did you mean 'drop'?"},
    // strategies or axes
    {"neither", HEAD,
     "m.yaml:1:1: missing 'strategies' or 'axes' in matrix: expected a list of strategies "
     "({name, client}) or a mapping of client keys to lists of values"},
    {"both", HEAD ONE "axes: {resume: [range]}\n",
     "m.yaml:6:7: 'strategies' and 'axes' are mutually exclusive: list the strategies, or give "
     "the client keys whose combinations are the strategies"},
    // strategies
    {"strategies a mapping", HEAD "strategies: {a: 1}\n",
     "m.yaml:5:13: expected a non-empty list of strategies ({name, client}), got a mapping"},
    {"strategies empty", HEAD "strategies: []\n",
     "m.yaml:5:13: expected a non-empty list of strategies ({name, client}), got an empty list"},
    {"strategy a scalar", HEAD "strategies: [restart]\n",
     "m.yaml:5:14: expected a mapping, got 'restart'"},
    {"strategy unknown key", HEAD "strategies: [{name: a, clinet: {}}]\n",
     "m.yaml:5:24: unknown key 'clinet' in strategies, did you mean 'client'?"},
    {"strategy without name", HEAD "strategies: [{client: {}}]\n",
     "m.yaml:5:14: missing required key 'name' in strategies"},
    {"strategy bad name", HEAD "strategies: [{name: Restart}]\n",
     "m.yaml:5:21: invalid strategy name 'Restart': expected lowercase letters, digits, '-', '_', "
     "'.' and '=', starting with a letter or digit"},
    {"strategy name with a space", HEAD "strategies: [{name: 'a b'}]\n",
     "m.yaml:5:21: invalid strategy name 'a b': expected lowercase letters, digits, '-', '_', "
     "'.' and '=', starting with a letter or digit"},
    {"strategy named all", HEAD "strategies: [{name: all}]\n",
     "m.yaml:5:21: 'all' cannot name a strategy: in expect: it means every strategy"},
    {"duplicate strategy", HEAD "strategies:\n  - {name: a}\n  - {name: b}\n  - {name: a}\n",
     "m.yaml:8:12: duplicate strategy name 'a' (first at 6:5)"},
    {"strategy client not a mapping", HEAD "strategies: [{name: a, client: curl}]\n",
     "m.yaml:5:32: expected a mapping, got 'curl'"},
    {"strategy client unknown key", HEAD "strategies:\n  - name: a\n    client: {resum: range}\n",
     "m.yaml:7:14: unknown key 'resum' in client, did you mean 'resume'?"},
    {"strategy client backoff",
     HEAD "strategies:\n  - name: a\n    client:\n      backoff:\n"
          "        base: 5s\n",
     "m.yaml:9:15: backoff cap (2s) is less than base (5s)"},
    {"strategy client prefill", HEAD "strategies:\n  - {name: a, client: {prefill: 2MiB}}\n",
     "m.yaml:6:33: prefill (2MiB) is larger than the resource (1048576 bytes)"},
    // axes
    {"axes a list", HEAD "axes: [resume]\n",
     "m.yaml:5:7: expected a mapping of client keys to lists of values (`resume: [range, "
     "if-range]`), got a sequence"},
    {"axes empty", HEAD "axes: {}\n",
     "m.yaml:5:7: expected a mapping of client keys to lists of values (`resume: [range, "
     "if-range]`), got an empty mapping"},
    {"axis unknown key", HEAD "axes:\n  resum: [range]\n",
     "m.yaml:6:3: unknown key 'resum' in client, did you mean 'resume'?"},
    {"axis unknown key far", HEAD "axes:\n  zzz: [1]\n",
     "m.yaml:6:3: unknown key 'zzz' in client, expected one of kind, command, max_attempts, "
     "backoff, resume, prefill, sha256, read_timeout, connect_timeout"},
    {"axis unknown nested key", HEAD "axes:\n  resume: [range]\n  backoff.strategi: [none]\n",
     "m.yaml:7:3: unknown key 'strategi' in client.backoff, did you mean 'strategy'?"},
    {"axis below a scalar key", HEAD "axes:\n  resume.x: [1]\n",
     "m.yaml:6:3: client key 'resume' takes one value and has no keys of its own (axis "
     "'resume.x')"},
    {"axis too deep", HEAD "axes:\n  backoff.base.x: [1]\n",
     "m.yaml:6:3: client key 'backoff.base' takes one value and has no keys of its own (axis "
     "'backoff.base.x')"},
    {"duplicate axis", HEAD "axes:\n  resume: [range]\n  resume: [restart]\n",
     "m.yaml:7:3: duplicate axis 'resume'"},
    {"overlapping axes", HEAD "axes:\n  backoff.base: [1s]\n  backoff: [none]\n",
     "m.yaml:7:3: axis 'backoff' sets what axis 'backoff.base' sets"},
    {"axis values a scalar", HEAD "axes:\n  resume: range\n",
     "m.yaml:6:11: expected a non-empty list of values for axis 'resume', got 'range'"},
    {"axis values empty", HEAD "axes:\n  resume: []\n",
     "m.yaml:6:11: expected a non-empty list of values for axis 'resume', got an empty list"},
    {"axis value a mapping", HEAD "axes:\n  backoff: [{strategy: none}]\n",
     "m.yaml:6:13: expected a single value for axis 'backoff', got a mapping"},
    {"axis value null", HEAD "axes:\n  resume: [~]\n",
     "m.yaml:6:3: expected a single value for axis 'resume', got nothing"},
    {"axis value two lines", HEAD "axes:\n  command: [\"a {url}\\nb\"]\n",
     "m.yaml:6:13: expected a one-line value for axis 'command'"},
    {"axis duplicate value", HEAD "axes:\n  resume: [range, restart, range]\n",
     "m.yaml:6:28: duplicate value 'range' in axis 'resume'"},
    {"axis bad value", HEAD "axes:\n  kind: [reference]\n  resume: [range, rang]\n",
     "m.yaml:7:19: expected one of if-range, range, restart, got 'rang'"},
    {"axis combination", HEAD "axes:\n  backoff.base: [1s, 5s]\n  backoff.cap: [3s]\n",
     "m.yaml:7:17: backoff cap (3s) is less than base (5s)"},
    {"axis prefill without size", HEAD "axes:\n  prefill.changed: [true]\n",
     "m.yaml:5:1: missing required key 'size' in client.prefill"},
    {"too many strategies",
     HEAD "axes:\n  max_attempts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n"
          "  read_timeout: [1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s, 9s, 10s]\n"
          "  connect_timeout: [1s, 2s, 3s, 4s, 5s, 6s, 7s, 8s, 9s, 10s]\n",
     "m.yaml:5:1: axes make more than 1000 strategies (the product of the lengths of their "
     "lists)"},
    // expect
    {"expect a list", HEAD ONE "expect: [a]\n", "m.yaml:6:9: expected a mapping, got a sequence"},
    {"expect unknown strategy close",
     HEAD "strategies: [{name: resume}, {name: restart}]\n"
          "expect:\n  resum: {ok_rate: 1}\n",
     "m.yaml:7:3: no strategy named 'resum' in expect, did you mean 'resume'?"},
    {"expect unknown strategy far",
     HEAD "strategies: [{name: resume}, {name: restart}]\n"
          "expect:\n  curl: {ok_rate: 1}\n",
     "m.yaml:7:3: no strategy named 'curl' in expect: expected 'all' or one of resume, restart"},
    {"expect unknown axes strategy",
     HEAD "axes: {max_attempts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "
          "11, 12, 13, 14]}\nexpect:\n  zzz: {}\n",
     "m.yaml:7:3: no strategy named 'zzz' in expect: expected 'all' or one of max_attempts=1, "
     "max_attempts=2, max_attempts=3, max_attempts=4, max_attempts=5, max_attempts=6, "
     "max_attempts=7, max_attempts=8, max_attempts=9, max_attempts=10, max_attempts=11, "
     "max_attempts=12, and 2 more"},
    {"expect duplicate strategy", HEAD ONE "expect:\n  a: {}\n  a: {}\n",
     "m.yaml:8:3: duplicate key 'a' in expect"},
    {"expect bounds a scalar", HEAD ONE "expect:\n  a: fast\n",
     "m.yaml:7:6: expected a mapping, got 'fast'"},
    {"expect unknown bound", HEAD ONE "expect:\n  a: {p95_wated_bytes: 0}\n",
     "m.yaml:7:7: unknown key 'p95_wated_bytes' in expect.a, did you mean 'p95_wasted_bytes'?"},
    {"expect unknown bound far", HEAD ONE "expect:\n  all: {speed: 1}\n",
     "m.yaml:7:9: unknown key 'speed' in expect.all, expected one of ok_rate, corrupt_rate, "
     "mean_attempts, mean_bytes_sent, mean_wasted_bytes, mean_duration, p50_attempts, "
     "p50_bytes_sent, p50_wasted_bytes, p50_duration, p95_attempts, p95_bytes_sent, "
     "p95_wasted_bytes, p95_duration, p99_attempts, p99_bytes_sent, p99_wasted_bytes, "
     "p99_duration, max_attempts, max_bytes_sent, max_wasted_bytes, max_duration"},
    {"expect rate above one", HEAD ONE "expect:\n  a: {ok_rate: 1.5}\n",
     "m.yaml:7:16: expected a fraction of the trials from 0 to 1, got 1.5"},
    {"expect rate a percentage", HEAD ONE "expect:\n  a: {corrupt_rate: 1%}\n",
     "m.yaml:7:21: expected a number, got '1%'"},
    {"expect negative attempts", HEAD ONE "expect:\n  a: {mean_attempts: -1}\n",
     "m.yaml:7:22: expected a non-negative number of attempts, got -1"},
    {"expect attempts not a number", HEAD ONE "expect:\n  a: {p99_attempts: [1]}\n",
     "m.yaml:7:21: expected a number, got a sequence"},
    {"expect bad size", HEAD ONE "expect:\n  a: {p95_wasted_bytes: 2MB/s}\n",
     "m.yaml:7:25: invalid size '2MB/s': unknown unit 'MB/s', expected one of B, KiB, "
     "MiB, GiB, KB, MB, GB"},
    // herds
    {"no clients", HEAD "clients: 0\n" ONE,
     "m.yaml:5:10: expected an integer from 1 to 100000, got 0"},
    {"too many clients", HEAD "clients: 100001\n" ONE,
     "m.yaml:5:10: expected an integer from 1 to 100000, got 100001"},
    {"clients axis value", HEAD "axes:\n  clients: [10, many]\n",
     "m.yaml:6:17: expected a number of clients from 1 to 100000 in axis 'clients', got many"},
    {"clients twice", HEAD "clients: 10\naxes:\n  clients: [1, 2]\n",
     "m.yaml:7:3: the 'clients' axis and the matrix's 'clients:' both set the herd size: give "
     "one"},
    {"start spread without a herd", HEAD "start_spread: 1s\n" ONE,
     "m.yaml:5:15: start_spread is for herds: give 'clients: N' (or a 'clients' axis)"},
    {"herd of curl", HEAD "clients: 10\nstrategies: [{name: a}, {name: c, client: {kind: curl}}]\n",
     "m.yaml:6:25: strategy 'c' uses the curl client: a herd (clients: N) runs in-process "
     "reference clients only"},
    {"herd with a prefill",
     HEAD "clients: 10\nstrategies:\n  - {name: p, client: {prefill: 10%}}\n",
     "m.yaml:7:5: strategy 'p' has a prefill: a herd's clients start with nothing"},
    {"expect bad duration", HEAD ONE "expect:\n  a: {max_duration: fast}\n",
     "m.yaml:7:21: invalid duration 'fast': expected a number followed by a unit (us, "
     "ms, s, m)"},
};

INSTANTIATE_TEST_SUITE_P(Matrix, MatrixErrorTest, ::testing::ValuesIn(kCases));

class MatrixFileTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "links" / "data"); }
  void write(const fs::path& rel, const std::string& text) {
    std::ofstream out(dir_ / rel, std::ios::binary);
    out << text;
  }
  std::string error_of_file(const fs::path& file) {
    try {
      load_matrix_file(file, kCatalog);
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  }
  const sisyphus::testing::TempDir tmp_{"matrix"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(MatrixFileTest, ScenarioFileRelativeToTheMatrix) {
  write("links/data/blob.bin", std::string(3000, 'x'));
  write("links/flaky.yaml",
        "name: flaky\nresource: {file: data/blob.bin}\nclient: {max_attempts: 3}\n");
  write("m.yaml",
        "name: m\nscenario: links/flaky.yaml\nstrategies: [{name: a}]\n"
        "expect: {a: {max_bytes_sent: 50%}}\n");
  Matrix m = load_matrix_file(dir_ / "m.yaml", kCatalog);
  EXPECT_EQ(m.source_file, (dir_ / "m.yaml").string());
  EXPECT_EQ(m.scenario.name, "flaky");
  EXPECT_EQ(m.scenario.source_file, (dir_ / "links/flaky.yaml").string());
  // The scenario's own file resource is relative to the scenario.
  EXPECT_EQ(m.scenario.resource().resolved_file, (dir_ / "links/data/blob.bin").string());
  EXPECT_EQ(m.scenario.resource().size, 3000u);
  EXPECT_EQ(m.strategies[0].client.max_attempts, 3u);
  ASSERT_EQ(m.expect.size(), 1u);
  EXPECT_EQ(m.expect[0].limit, 1500);
}

TEST_F(MatrixFileTest, AbsoluteScenarioFile) {
  write("links/flaky.yaml", "name: flaky\nresource: {size: 10}\n");
  write("m.yaml", "name: m\nscenario: '" + (dir_ / "links/flaky.yaml").string() +
                      "'\nstrategies: [{name: a}]\n");
  EXPECT_EQ(load_matrix_file(dir_ / "m.yaml", kCatalog).scenario.resource().size, 10u);
}

TEST_F(MatrixFileTest, InlineScenarioFileResourceIsRelativeToTheMatrix) {
  write("links/data/blob.bin", "abcd");
  write("links/m.yaml",
        "name: m\nscenario: {name: s, resource: {file: data/blob.bin}}\nstrategies: [{name: a}]\n");
  Matrix m = load_matrix_file(dir_ / "links/m.yaml", kCatalog);
  EXPECT_EQ(m.scenario.resource().resolved_file, (dir_ / "links/data/blob.bin").string());
  EXPECT_EQ(m.scenario.source_file, (dir_ / "links/m.yaml").string());
}

TEST_F(MatrixFileTest, ErrorInTheScenarioFileNamesThatFile) {
  write("links/flaky.yaml", "name: flaky\nresource: {size: 1MiB}\nzzz: 1\n");
  write("m.yaml", "name: m\nscenario: links/flaky.yaml\nstrategies: [{name: a}]\n");
  EXPECT_EQ(error_of_file(dir_ / "m.yaml"),
            (dir_ / "links/flaky.yaml").string() +
                ":3:1: unknown key 'zzz' in scenario, expected one of name, description, seed, "
                "resource, resources, server, attempts, changes, faults, client, expect");
}

// The strategy is checked against the scenario it overlays: its prefill against the
// scenario file's resource, its error at the matrix's position.
TEST_F(MatrixFileTest, StrategyErrorAgainstTheScenarioFile) {
  write("links/flaky.yaml", "name: flaky\nresource: {size: 100}\n");
  write("m.yaml",
        "name: m\nscenario: links/flaky.yaml\nstrategies:\n"
        "  - {name: a, client: {prefill: 101}}\n");
  EXPECT_EQ(
      error_of_file(dir_ / "m.yaml"),
      (dir_ / "m.yaml").string() + ":4:33: prefill (101B) is larger than the resource (100 bytes)");
}

TEST_F(MatrixFileTest, ScenarioFileNotFoundOrADirectory) {
  write("m.yaml", "name: m\nscenario: links/nope.yaml\nstrategies: [{name: a}]\n");
  EXPECT_EQ(error_of_file(dir_ / "m.yaml"),
            (dir_ / "m.yaml").string() + ":2:11: scenario file not found: 'links/nope.yaml' " +
                "(looked for " + (dir_ / "links/nope.yaml").string() + ")");
  write("m.yaml", "name: m\nscenario: links\nstrategies: [{name: a}]\n");
  EXPECT_EQ(error_of_file(dir_ / "m.yaml"),
            (dir_ / "m.yaml").string() + ":2:11: not a regular file: 'links'");
  write("m.yaml", "name: m\nscenario: ''\nstrategies: [{name: a}]\n");
  EXPECT_EQ(error_of_file(dir_ / "m.yaml"),
            (dir_ / "m.yaml").string() + ":2:11: expected a scenario file path, got ''");
}

TEST_F(MatrixFileTest, MatrixFileMissingOrADirectory) {
  EXPECT_EQ(error_of_file(dir_ / "none.yaml"),
            (dir_ / "none.yaml").string() + ": cannot open: No such file or directory");
  EXPECT_EQ(error_of_file(dir_ / "links"),
            (dir_ / "links").string() + ": cannot open: is a directory");
}

}  // namespace
}  // namespace sisyphus::model
