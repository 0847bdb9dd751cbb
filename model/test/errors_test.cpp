// Every kind of bad scenario, with the exact error: file:line:column and what was expected.
#include <gtest/gtest.h>

#include <ostream>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using testing::kCatalog;

struct Case {
  const char* label;
  const char* yaml;
  const char* error;
};

// Stable test names in CTest: the default would print the pointers, which move with every
// build.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.label;
}

// A valid head that the cases extend; lines 1-2.
#define HEAD "name: x\nresource: {size: 1MiB}\n"

const Case kCases[] = {
    // YAML itself
    {"syntax", "name: x\nresource: {size: 1MiB\n",
     "bad.yaml:3:1: invalid YAML: end of map flow not found"},
    {"tab indentation", "name: x\nresource:\n\tsize: 1\n",
     "bad.yaml:3:6: invalid YAML: illegal map value"},
    {"empty", "",
     "bad.yaml:1:1: empty scenario: expected a mapping with at least 'name' and 'resource'"},
    {"comment only", "# nothing\n",
     "bad.yaml:1:1: empty scenario: expected a mapping with at least 'name' and 'resource'"},
    {"two documents", HEAD "---\nname: y\n",
     "bad.yaml:4:1: expected one YAML document, found 2 (one scenario per file)"},
    // yaml-cpp 0.7's LoadAll never returns on these (jbeder/yaml-cpp#1040)
    {"comma only", ",",
     "bad.yaml:1:1: invalid YAML: ',' outside a flow collection ([...] or {...})"},
    {"comma after spaces", "  ,",
     "bad.yaml:1:3: invalid YAML: ',' outside a flow collection ([...] or {...})"},
    {"comma after a flow sequence", "[1],",
     "bad.yaml:1:4: invalid YAML: ',' outside a flow collection ([...] or {...})"},
    {"comma in a second document", HEAD "---\n,\n",
     "bad.yaml:4:1: invalid YAML: ',' outside a flow collection ([...] or {...})"},
    // characters: YAML is printable Unicode, here UTF-8 (yaml-cpp passes anything through)
    {"invalid utf8", "name: x\ndescription: \"\xff\"\n",
     "bad.yaml:2:15: invalid UTF-8 (byte 0xFF): a scenario is UTF-8 text"},
    {"overlong utf8", "name: x\ndescription: \"\xc0\xaf\"\n",
     "bad.yaml:2:15: invalid UTF-8 (byte 0xC0): a scenario is UTF-8 text"},
    {"control character", "name: x\ndescription: >-\n  a\x01 b\n",
     "bad.yaml:3:4: character U+0001 is not allowed in YAML (only printable characters, tab and "
     "line breaks)"},
    {"c1 control character", "name: x\ndescription: \"\xc2\x80\"\n",
     "bad.yaml:2:15: character U+0080 is not allowed in YAML (only printable characters, tab and "
     "line breaks)"},
    {"utf8 text is accepted", HEAD "description: \"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x93\xa6\"\n",
     ""},
    {"top level scalar", "hello\n", "bad.yaml:1:1: expected a mapping, got 'hello'"},
    {"top level sequence", "- name: x\n", "bad.yaml:1:1: expected a mapping, got a sequence"},
    // top level keys
    {"unknown top key", HEAD "atempts: []\n",
     "bad.yaml:3:1: unknown key 'atempts' in scenario, did you mean 'attempts'?"},
    {"unknown top key far", HEAD "zzz: 1\n",
     "bad.yaml:3:1: unknown key 'zzz' in scenario, expected one of name, description, seed, "
     "resource, resources, server, attempts, changes, faults, client, expect"},
    {"duplicate top key", HEAD "name: y\n", "bad.yaml:3:1: duplicate key 'name' in scenario"},
    {"missing name", "resource: {size: 1}\n",
     "bad.yaml:1:1: missing required key 'name' in scenario"},
    {"null name", "name:\nresource: {size: 1}\n",
     "bad.yaml:1:1: missing required key 'name' in scenario"},
    {"bad name", "name: Drop_95\nresource: {size: 1}\n",
     "bad.yaml:1:7: invalid name 'Drop_95': expected lowercase letters, digits and '-' only"},
    {"name not a string", "name: [a]\nresource: {size: 1}\n",
     "bad.yaml:1:7: expected a string, got a sequence"},
    {"negative seed", HEAD "seed: -1\n", "bad.yaml:3:7: expected a non-negative integer, got '-1'"},
    {"description map", HEAD "description: {a: 1}\n",
     "bad.yaml:3:14: expected a string, got a mapping"},
    // resource
    {"resource missing", "name: x\n",
     "bad.yaml:1:1: missing required key 'size' in resource (or 'file' to serve a real file, "
     "or 'text' for a small text)"},
    {"resource not a map", "name: x\nresource: [1]\n",
     "bad.yaml:2:11: expected a mapping, got a sequence"},
    {"resource without size", "name: x\nresource:\n  seed: 3\n",
     "bad.yaml:3:3: missing required key 'size' in resource (or 'file' to serve a real file, "
     "or 'text' for a small text)"},
    {"resource key typo", "name: x\nresource:\n  size: 1\n  sied: 3\n",
     "bad.yaml:4:3: unknown key 'sied' in resource, did you mean 'seed'?"},
    {"resource bad unit", "name: x\nresource:\n  size: 4XiB\n",
     "bad.yaml:3:9: invalid size '4XiB': unknown unit 'XiB', expected one of B, KiB, MiB, GiB, KB, "
     "MB, GB"},
    {"resource percent", "name: x\nresource: {size: 50%}\n",
     "bad.yaml:2:18: invalid resource size '50%': expected an absolute size such as 64MiB, not a "
     "percentage"},
    {"resource size and file", "name: x\nresource: {size: 1, file: a.bin}\n",
     "bad.yaml:2:27: 'file' and 'size' are mutually exclusive: a file resource has the file's "
     "size"},
    {"resource empty file", "name: x\nresource: {file: ''}\n",
     "bad.yaml:2:18: expected a file path, got ''"},
    {"resource bad path", "name: x\nresource: {size: 1, path: file}\n",
     "bad.yaml:2:27: invalid path 'file': expected a URL path starting with '/', without spaces, "
     "'?' or '#'"},
    {"resource path with query", "name: x\nresource: {size: 1, path: '/a?b=1'}\n",
     "bad.yaml:2:27: invalid path '/a?b=1': expected a URL path starting with '/', without spaces, "
     "'?' or '#'"},
    {"resource etag", "name: x\nresource: {size: 1, etag: stron}\n",
     "bad.yaml:2:27: expected one of strong, weak, none, got 'stron'"},
    {"resource bool", "name: x\nresource: {size: 1, digest: maybe}\n",
     "bad.yaml:2:29: expected true or false, got 'maybe'"},
    {"resource huge", "name: x\nresource: {size: 99999999999GiB}\n",
     "bad.yaml:2:18: invalid size '99999999999GiB': too large (at most 18446744073709551615 "
     "bytes)"},
    // server
    {"server typo", HEAD "server: {range: false}\n",
     "bad.yaml:3:10: unknown key 'range' in server, did you mean 'ranges'?"},
    {"server bool", HEAD "server: {chunked: 1}\n",
     "bad.yaml:3:19: expected true or false, got '1'"},
    // server: overload and outages
    {"max_active zero", HEAD "server: {max_active: 0}\n",
     "bad.yaml:3:22: expected an integer from 1 to 4294967295, got 0"},
    {"max_active typo", HEAD "server: {max_activ: 3}\n",
     "bad.yaml:3:10: unknown key 'max_activ' in server, did you mean 'max_active'?"},
    {"over_capacity without max_active", HEAD "server: {over_capacity: refuse}\n",
     "bad.yaml:3:25: 'over_capacity' applies only with max_active"},
    {"over_capacity word", HEAD "server: {max_active: 2, over_capacity: refus}\n",
     "bad.yaml:3:40: expected 'refuse' or a mapping such as {status: 503, retry_after: 1s}, got "
     "'refus'"},
    {"over_capacity status", HEAD "server: {max_active: 2, over_capacity: {status: 302}}\n",
     "bad.yaml:3:49: expected an integer from 400 to 599, got 302"},
    {"over_capacity typo", HEAD "server: {max_active: 2, over_capacity: {retry_afer: 1s}}\n",
     "bad.yaml:3:41: unknown key 'retry_afer' in server.over_capacity, did you mean "
     "'retry_after'?"},
    {"outages not a list", HEAD "server: {outages: {at: 1s}}\n",
     "bad.yaml:3:19: expected a sequence of outages such as [{at: 2s, for: 3s, how: reset}], got "
     "a mapping"},
    {"outage how", HEAD "server: {outages: [{at: 1s, for: 1s, how: crash}]}\n",
     "bad.yaml:3:43: expected one of reset, refuse, 503, got 'crash'"},
    {"outage zero for", HEAD "server: {outages: [{at: 1s, for: 0s}]}\n",
     "bad.yaml:3:34: expected an outage length above zero, got '0s'"},
    {"outage negative for", HEAD "server: {outages: [{at: 1s, for: -1s}]}\n",
     "bad.yaml:3:34: invalid duration '-1s': expected a number followed by a unit (us, ms, s, "
     "m)"},
    {"outage without for", HEAD "server: {outages: [{at: 1s}]}\n",
     "bad.yaml:3:20: missing required key 'for' in outage (e.g. for: 3s)"},
    {"outage typo", HEAD "server: {outages: [{at: 1s, fro: 1s}]}\n",
     "bad.yaml:3:29: unknown key 'fro' in outage, did you mean 'for'?"},
    {"outages overlap",
     HEAD "server:\n  outages:\n    - {at: 2s, for: 3s}\n    - {at: 4s, for: 1s}\n",
     "bad.yaml:6:7: outage at 4s overlaps the outage at 2s for 3s (bad.yaml:5:7): outages must "
     "not overlap"},
    // attempts
    {"attempts map", HEAD "attempts: {drop: {}}\n",
     "bad.yaml:3:11: expected a sequence of attempts (one mapping of faults per attempt, {} for "
     "clean), got a "
     "mapping"},
    {"attempt scalar", HEAD "attempts:\n  - clean\n",
     "bad.yaml:4:5: expected a mapping of fault kinds ({} for a clean attempt), got 'clean'"},
    {"attempt unknown kind close", HEAD "attempts:\n  - dorp: {at: 1}\n",
     "bad.yaml:4:5: unknown fault kind 'dorp', did you mean 'drop'?"},
    {"attempt unknown kind far", HEAD "attempts:\n  - explode: {}\n",
     "bad.yaml:4:5: unknown fault kind 'explode', expected one of corrupt, drop, latency, stall, "
     "status, throttle, "
     "wrong_range"},
    {"attempt duplicate kind", HEAD "attempts:\n  - {drop: {at: 1}, drop: {at: 2}}\n",
     "bad.yaml:4:21: duplicate fault kind 'drop' in this attempt"},
    {"attempt fault key typo", HEAD "attempts:\n  - drop: {at: 95%, hw: close}\n",
     "bad.yaml:4:21: unknown key 'hw' in drop, did you mean 'how'?"},
    {"attempt fault bad choice", HEAD "attempts:\n  - drop:\n      at: 95%\n      how: slam\n",
     "bad.yaml:6:12: expected one of close, reset, stall, got 'slam'"},
    {"attempt fault beyond end", HEAD "attempts:\n  - {}\n  - stall: {at: 2MiB, for: 1s}\n",
     "bad.yaml:5:17: offset 2MiB is beyond the end of the resource (1048576 bytes)"},
    {"attempt fault missing key", HEAD "attempts:\n  - stall: {at: 1}\n",
     "bad.yaml:4:12: missing required key 'for' in stall"},
    {"attempt fault null params", HEAD "attempts:\n  - status:\n",
     "bad.yaml:4:5: missing required key 'code' in status"},
    {"attempt fault validator", HEAD "attempts:\n  - status: {code: 999}\n",
     "bad.yaml:4:20: expected an HTTP status from 100 to 599, got 999"},
    // changes
    {"change both", HEAD "changes:\n  - {before_attempt: 2, at_time: 1s}\n",
     "bad.yaml:4:5: expected exactly one of before_attempt, at_time, before_each_attempt"},
    {"change neither", HEAD "changes:\n  - {}\n",
     "bad.yaml:4:5: expected exactly one of before_attempt, at_time, before_each_attempt"},
    {"change typo", HEAD "changes:\n  - before_atempt: 2\n",
     "bad.yaml:4:5: unknown key 'before_atempt' in changes, did you mean 'before_attempt'?"},
    {"change zero", HEAD "changes:\n  - before_attempt: 0\n",
     "bad.yaml:4:21: expected an integer from 1 to 4294967295, got 0"},
    {"change bad time", HEAD "changes:\n  - at_time: 3\n",
     "bad.yaml:4:14: invalid duration '3': missing unit, expected one of us, ms, s, m"},
    {"changes scalar", HEAD "changes: soon\n",
     "bad.yaml:3:10: expected a sequence of changes, got 'soon'"},
    // faults
    {"rule two kinds", HEAD "faults:\n  - {latency: {first_byte: 1ms}, throttle: {rate: 1MiB/s}}\n",
     "bad.yaml:4:5: expected one fault kind per rule, such as '- latency: {first_byte: 100ms}', "
     "got 2 keys"},
    {"rule scalar", HEAD "faults:\n  - latency\n",
     "bad.yaml:4:5: expected one fault kind per rule, such as '- latency: {first_byte: 100ms}', "
     "got 'latency'"},
    {"rule unknown kind", HEAD "faults:\n  - throtle: {rate: 1MiB/s}\n",
     "bad.yaml:4:5: unknown fault kind 'throtle', did you mean 'throttle'?"},
    {"rule attempt zero", HEAD "faults:\n  - drop: {at: 1, attempts: [1, 0]}\n",
     "bad.yaml:4:33: expected an attempt number from 1 to 4294967295, got '0'"},
    {"rule attempts empty", HEAD "faults:\n  - drop: {at: 1, attempts: []}\n",
     "bad.yaml:4:29: expected at least one attempt number (omit 'attempts' for all)"},
    {"rule attempts map", HEAD "faults:\n  - drop: {at: 1, attempts: {a: 1}}\n",
     "bad.yaml:4:29: expected an attempt number or a list of them, got a mapping"},
    {"rule attempts word", HEAD "faults:\n  - drop: {at: 1, attempts: first}\n",
     "bad.yaml:4:29: expected an attempt number from 1 to 4294967295, got 'first'"},
    {"rule probability range", HEAD "faults:\n  - drop: {at: 1, probability: 1.5}\n",
     "bad.yaml:4:32: expected a probability from 0 to 1, got 1.5"},
    {"rule probability word", HEAD "faults:\n  - drop: {at: 1, probability: often}\n",
     "bad.yaml:4:32: expected a number, got 'often'"},
    {"rule fault typo", HEAD "faults:\n  - latency: {first_bite: 1ms, probability: 0.5}\n",
     "bad.yaml:4:15: unknown key 'first_bite' in latency, did you mean 'first_byte'?"},
    {"rule scalar bad rate", HEAD "faults:\n  - throttle: 1MiB\n",
     "bad.yaml:4:15: invalid rate '1MiB': expected a size per second such as 1MiB/s"},
    // client
    {"client typo", HEAD "client: {max_attempt: 3}\n",
     "bad.yaml:3:10: unknown key 'max_attempt' in client, did you mean 'max_attempts'?"},
    {"client kind", HEAD "client: {kind: curll}\n",
     "bad.yaml:3:16: expected one of reference, reference-cli, naive, curl, curl-h2, wget, aria2c, "
     "command, got 'curll'"},
    {"client command missing", HEAD "client: {kind: command}\n",
     "bad.yaml:3:16: client kind 'command' needs a 'command' template such as 'mytool {url} -o "
     "{output}'"},
    {"client command unused", HEAD "client: {kind: curl, command: 'x {url}'}\n",
     "bad.yaml:3:31: 'command' is only used with kind: command (kind is 'curl')"},
    {"client command empty", HEAD "client: {command: '  '}\n",
     "bad.yaml:3:19: expected a non-empty command template such as 'mytool {url} -o {output}'"},
    {"client placeholder typo", HEAD "client: {command: 'get {url} -o {ouptut}'}\n",
     "bad.yaml:3:19: unknown placeholder '{ouptut}' in command, did you mean '{output}'?"},
    {"client attempts zero", HEAD "client: {max_attempts: 0}\n",
     "bad.yaml:3:24: expected an integer from 1 to 4294967295, got 0"},
    {"client attempts huge", HEAD "client: {max_attempts: 4294967296}\n",
     "bad.yaml:3:24: expected an integer from 1 to 4294967295, got 4294967296"},
    {"backoff strategy", HEAD "client:\n  backoff: {strategy: jitter}\n",
     "bad.yaml:4:23: expected one of none, constant, exponential, full-jitter, equal-jitter, "
     "decorrelated-jitter, "
     "got 'jitter'"},
    {"backoff shorthand", HEAD "client:\n  backoff: fast\n",
     "bad.yaml:4:12: expected one of none, constant, exponential, full-jitter, equal-jitter, "
     "decorrelated-jitter, "
     "got 'fast'"},
    {"backoff cap below base", HEAD "client:\n  backoff: {base: 2s, cap: 1s}\n",
     "bad.yaml:4:28: backoff cap (1s) is less than base (2s)"},
    {"backoff base above default cap", HEAD "client:\n  backoff: {base: 5s}\n",
     "bad.yaml:4:19: backoff cap (2s) is less than base (5s)"},
    {"backoff typo", HEAD "client:\n  backoff: {bse: 1s}\n",
     "bad.yaml:4:13: unknown key 'bse' in client.backoff, did you mean 'base'?"},
    {"resume", HEAD "client: {resume: if_range}\n",
     "bad.yaml:3:18: expected one of if-range, range, restart, got 'if_range'"},
    {"prefill too large", HEAD "client: {prefill: 2MiB}\n",
     "bad.yaml:3:19: prefill (2MiB) is larger than the resource (1048576 bytes)"},
    {"prefill map too large", HEAD "client: {prefill: {size: 3MiB, changed: true}}\n",
     "bad.yaml:3:26: prefill (3MiB) is larger than the resource (1048576 bytes)"},
    {"prefill percent over 100", HEAD "client: {prefill: 150%}\n",
     "bad.yaml:3:19: invalid percentage '150%': expected a number from 0 to 100 followed by %"},
    {"prefill map without size", HEAD "client: {prefill: {changed: true}}\n",
     "bad.yaml:3:19: missing required key 'size' in client.prefill"},
    {"prefill map typo", HEAD "client: {prefill: {size: 1, chnged: true}}\n",
     "bad.yaml:3:29: unknown key 'chnged' in client.prefill, did you mean 'changed'?"},
    {"prefill list", HEAD "client: {prefill: [1]}\n",
     "bad.yaml:3:19: expected a mapping, got a sequence"},
    {"timeout zero", HEAD "client: {read_timeout: 0}\n",
     "bad.yaml:3:24: expected a duration greater than zero"},
    {"sha256 word", HEAD "client: {sha256: abc}\n",
     "bad.yaml:3:18: expected true or false, got 'abc'"},
    // expect
    {"expect verdict", HEAD "expect: {verdict: success}\n",
     "bad.yaml:3:19: expected one of ok, failed-clean, failed-dirty, corrupt, got 'success'"},
    {"expect min above max", HEAD "expect: {max_attempts: 2, min_attempts: 3}\n",
     "bad.yaml:3:41: min_attempts (3) is greater than max_attempts (2)"},
    {"expect wasted", HEAD "expect: {max_wasted_bytes: lots}\n",
     "bad.yaml:3:28: invalid size 'lots': expected a number followed by an optional unit (B, KiB, "
     "MiB, GiB, KB, MB, "
     "GB)"},
    {"expect duration with a space is accepted", HEAD "expect: {max_duration: 10 s}\n", ""},
    {"expect typo", HEAD "expect:\n  verdit: ok\n",
     "bad.yaml:4:3: unknown key 'verdit' in expect, did you mean 'verdict'?"},
};

#undef HEAD

TEST(ScenarioErrors, DeepNestingIsAnErrorNotACrash) {
  std::string deep =
      "name: x\nresource: {size: 1}\nattempts:\n  - drop: " + std::string(100000, '[');
  try {
    load_string(deep, "bad.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.where().line, 4);
    EXPECT_EQ(e.message(), "invalid YAML: nested too deeply");
  }
}

TEST(ScenarioErrors, AliasBombIsRefused) {
  // Nine levels of ten aliases each: 10^9 nodes once expanded, from a dozen lines.
  std::string yaml =
      "name: x\nresource: {size: 1}\nattempts:\n  - latency:\n      a: &a [1, 1, 1, 1, 1, 1, 1, 1, "
      "1, 1]\n";
  char prev = 'a';
  for (char level = 'b'; level <= 'i'; ++level) {
    yaml += fmt::format("      {0}: &{0} [", level);
    for (int i = 0; i < 10; ++i) yaml += fmt::format("{}*{}", i ? ", " : "", prev);
    yaml += "]\n";
    prev = level;
  }
  try {
    load_string(yaml, "bad.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "bad.yaml:5:7: parameters of 'latency' are too large: more than 10000 YAML nodes "
                 "(aliases expanded)");
  }
}

TEST(ScenarioErrors, AliasesWithinBudgetWork) {
  Scenario s = load_string(
      "name: x\nresource: {size: 1MiB}\nattempts:\n  - drop: &d {at: 50%, how: reset}\n  - drop: "
      "*d\n",
      "ok.yaml", kCatalog);
  ASSERT_EQ(s.attempts.size(), 2u);
  EXPECT_EQ(s.attempts[1].faults[0].params.string("how"), "reset");
}

class ErrorTest : public ::testing::TestWithParam<Case> {};

TEST_P(ErrorTest, ExactMessage) {
  const Case& c = GetParam();
  if (*c.error == '\0') {
    EXPECT_NO_THROW(load_string(c.yaml, "bad.yaml", kCatalog)) << c.label;
    return;
  }
  try {
    load_string(c.yaml, "bad.yaml", kCatalog);
    ADD_FAILURE() << c.label << ": no error, expected " << c.error;
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), c.error) << c.label;
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string out;
  for (const char* p = info.param.label; *p; ++p)
    out += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return out;
}

INSTANTIATE_TEST_SUITE_P(Scenario, ErrorTest, ::testing::ValuesIn(kCases), case_name);

TEST(ScenarioErrors, CarryTheLocation) {
  try {
    load_string("name: x\nresource:\n  size: 4XiB\n", "scenarios/x.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.where().file, "scenarios/x.yaml");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().column, 9);
    EXPECT_EQ(
        e.message(),
        "invalid size '4XiB': unknown unit 'XiB', expected one of B, KiB, MiB, GiB, KB, MB, GB");
  }
}

}  // namespace
}  // namespace sisyphus::model
