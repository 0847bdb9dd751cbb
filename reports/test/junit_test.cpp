#include "sisyphus/reports/junit.hpp"

#include <gtest/gtest.h>

#include "sample.hpp"
#include "sisyphus/testing/python.hpp"

namespace sisyphus::reports {
namespace {

// Parses the XML with python3's xml.etree (an independent, strict parser) and prints the
// suite counts and, per testcase, its attributes and failure/error message and text.
constexpr const char* kSummarise = R"py(
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1
s = suites[0]
print("suites", root.get("tests"), root.get("failures"), root.get("errors"), root.get("time"))
print("suite", s.get("name"), s.get("tests"), s.get("failures"), s.get("errors"), s.get("time"))
for p in s.find("properties"):
    print("property", repr(p.get("name")), repr(p.get("value")))
for c in s.findall("testcase"):
    print("case", repr(c.get("classname")), repr(c.get("name")), c.get("time"))
    for kind in ("failure", "error"):
        for f in c.findall(kind):
            print(" ", kind, repr(f.get("type")), repr(f.get("message")))
            print("  text", repr(f.text))
    print("  out-lines", len(c.find("system-out").text.splitlines()))
)py";

std::string summarise(const std::string& xml, const std::string& name) {
  const auto r = sisyphus::testing::python_on(kSummarise, xml, name);
  EXPECT_EQ(r.exit_code, 0) << r.out << "\n" << xml;
  return r.out;
}

TEST(Junit, ParsesWithCountsMessagesAndReplay) {
  EXPECT_EQ(
      summarise(to_junit(testing::sample_results()), "junit-sample"),
      "suites 3 1 1 1.750\n"
      "suite sisyphus 3 1 1 1.750\n"
      "property 'seed' '42'\n"
      "property 'client' 'reference'\n"
      "property 'sisyphus_version' '0.1.0'\n"
      "case 'sisyphus.reference' 'drop-at-95-percent' 0.250\n"
      "  out-lines 6\n"
      "case 'sisyphus.naive' 'etag-change' 1.500\n"
      "  failure 'corrupt' 'verdict: expected ok, got corrupt'\n"
      "  text 'The resource changes between attempts <v1> & \"v2\".\\n"
      "etag-change with client naive: corrupt\\n"
      "verdict: expected ok, got corrupt\\n"
      "corruption: mismatch from byte 2048, 2040 bad bytes in 2 ranges: 2048-4000, 4090-4095\\n"
      "replay: sisyphus run etag-change.yaml --client naive --seed 7\\n'\n"
      "  out-lines 7\n"
      "case 'sisyphus.command-missing-url-output' 'no-such-client' 0.000\n"
      "  error 'harness' 'client could not start (exit 127): sh: 1: ./missing: not found; verdict: "
      "expected "
      "ok, got error'\n"
      "  text \"no-such-client with client command: ./missing {url} {output}: error\\n"
      "verdict: expected ok, got error\\n"
      "error: client could not start (exit 127): sh: 1: ./missing: not found\\n"
      "replay: sisyphus run x.yaml --client 'command: ./missing {url} {output}' --seed 1\\n\"\n"
      "  out-lines 5\n");
}

TEST(Junit, EscapesQuotesMarkupAmpersandsAndControlCharacters) {
  ScenarioResult s = testing::corrupt_scenario();
  s.name = "q\"uo<te>&amp;'";
  s.client = {"command", "sh -c \"x < y && z\"\t\x01"};
  s.expectations = {{"max_duration", "<1s", "2s & \"more\"\nline\x1b[31m", false}};
  s.client_output =
      std::string("bell\x07 nul", 9) + std::string(1, '\0') + "bad utf8 \xff\xfe ok ]]>";
  const std::string xml = to_junit(testing::results_of({s}, "a\"b<c>&'d", "0.1.0"));
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_EQ(xml.find(std::string(1, '\0')), std::string::npos);
  EXPECT_EQ(
      summarise(xml, "junit-escape"),
      "suites 1 1 0 1.500\n"
      "suite sisyphus 1 1 0 1.500\n"
      "property 'seed' 'null'\n"
      "property 'client' 'a\"b<c>&\\'d'\n"
      "property 'sisyphus_version' '0.1.0'\n"
      "case 'sisyphus.sh-c-x-y-z' 'q\"uo<te>&amp;\\'' 1.500\n"
      "  failure 'corrupt' 'max_duration: expected at most <1s, got 2s & "
      "\"more\"\\nline\\\\x1b[31m'\n"
      "  text 'The resource changes between attempts <v1> & \"v2\".\\n"
      "q\"uo<te>&amp;\\' with client sh -c \"x < y && z\"\\t\\\\x01: corrupt\\n"
      "max_duration: expected at most <1s, got 2s & \"more\"\\n"
      "line\\\\x1b[31m\\n"
      "corruption: mismatch from byte 2048, 2040 bad bytes in 2 ranges: 2048-4000, 4090-4095\\n"
      "replay: sisyphus run etag-change.yaml --client naive --seed 7\\n'\n"
      "  out-lines 7\n");
  // Invalid UTF-8 became U+FFFD, the NUL a visible escape.
  EXPECT_NE(xml.find("bell\\x07 nul\\x00bad utf8 \xEF\xBF\xBD\xEF\xBF\xBD ok ]]&gt;"),
            std::string::npos);
}

TEST(Junit, AllPassingHasNoFailureElements) {
  RunResults r;
  r.scenarios = {testing::ok_scenario()};
  const std::string xml = to_junit(r);
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  EXPECT_EQ(xml.find("<error"), std::string::npos);
  EXPECT_NE(xml.find("<testsuites name=\"sisyphus\" tests=\"1\" failures=\"0\" errors=\"0\" "
                     "time=\"0.250\">"),
            std::string::npos);
  EXPECT_EQ(xml.find("timestamp="), std::string::npos);  // started_at unknown
}

TEST(Junit, EmptyRunIsAValidEmptySuite) {
  RunResults r;
  r.started_at = "2026-01-02T03:04:05Z";
  EXPECT_EQ(summarise(to_junit(r), "junit-empty"),
            "suites 0 0 0 0.000\n"
            "suite sisyphus 0 0 0 0.000\n"
            "property 'seed' 'null'\n"
            "property 'client' ''\n"
            "property 'sisyphus_version' ''\n");
}

}  // namespace
}  // namespace sisyphus::reports
