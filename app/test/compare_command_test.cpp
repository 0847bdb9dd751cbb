// `sisyphus compare` as a user runs it: the built binary as a subprocess, exit codes, the
// reports on disk, a line per finished strategy when stderr is not a terminal, the built-in
// matrices, shards joined by `report merge`.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <string>

#include "cli_test.hpp"

namespace sisyphus::testing {
namespace {

namespace json = boost::json;

// Two strategies on a link that cuts every first response at 50 %: restart sends 1.5 x the
// file, resume exactly the file.
constexpr const char* kMatrix = R"(name: small
seed: 3
trials: 4
scenario:
  name: half-then-clean
  resource: {size: 64KiB}
  attempts:
    - drop: {at: 50%, how: close}
  client: {backoff: {strategy: none}}
strategies:
  - {name: restart, client: {resume: restart}}
  - {name: resume, client: {resume: if-range}}
)";

// Everything but wall-clock readings, which a replay does not reproduce.
void strip_times(json::value& v) {
  if (v.is_object()) {
    for (const char* key : {"started_at", "duration_s"}) v.as_object().erase(key);
    for (auto& [k, child] : v.as_object()) strip_times(child);
  } else if (v.is_array()) {
    for (auto& child : v.as_array()) strip_times(child);
  }
}

json::object compare_json(const std::string& dir) {
  return json::parse(read_file(std::filesystem::path(dir) / "compare.json")).as_object();
}

const json::object& cell(const json::object& doc, std::size_t i) {
  return doc.at("matrices").as_array().at(0).at("cells").as_array().at(i).as_object();
}

TEST_F(CliTest, CompareWritesItsReportsAndALinePerStrategy) {
  std::ofstream(path("m.yaml")) << kMatrix;
  const Output o = sisyphus({"compare", path("m.yaml"), "--out", path("out")});
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  // stderr is a pipe here, as in CI: one line per finished strategy, no progress bar.
  EXPECT_TRUE(std::regex_search(o.err, std::regex("small: restart: 4 trials, 4 ok, 0 corrupt, mean "
                                                  "2.00 attempts")))
      << o.err;
  EXPECT_TRUE(std::regex_search(o.err, std::regex("small: resume: 4 trials, 4 ok, 0 corrupt, mean "
                                                  "2.00 attempts")))
      << o.err;
  EXPECT_EQ(o.err.find('\r'), std::string::npos);
  for (const char* f : {"compare.json", "compare.md", "compare.html"}) {
    EXPECT_TRUE(std::filesystem::exists(path("out") + "/" + f)) << f;
  }
  const json::object doc = compare_json(path("out"));
  EXPECT_EQ(doc.at("schema"), 1);
  const json::object& restart = cell(doc, 0);
  const json::object& resume = cell(doc, 1);
  EXPECT_EQ(restart.at("strategy"), "restart");
  const auto number = [](const json::object& c, const char* metric, const char* stat) {
    return c.at(metric).at(stat).to_number<double>();
  };
  EXPECT_EQ(number(restart, "bytes_sent", "max"), 98304);  // 32 KiB cut + 64 KiB whole
  EXPECT_EQ(number(restart, "bytes_wasted", "mean"), 32768);
  EXPECT_EQ(number(resume, "bytes_sent", "max"), 65536);
  EXPECT_EQ(number(resume, "bytes_wasted", "max"), 0);
  EXPECT_EQ(resume.at("verdicts").at("ok"), 4);
  EXPECT_EQ(resume.at("requests"), 8);
  // The table on stdout is compare.md.
  EXPECT_NE(o.out.find(read_file(path("out") + "/compare.md")), std::string::npos) << o.out;
}

TEST_F(CliTest, CompareExitsOneNamingTheBoundThatFailed) {
  std::ofstream(path("m.yaml")) << kMatrix << "expect:\n  restart: {max_wasted_bytes: 0}\n";
  const Output o = sisyphus({"compare", path("m.yaml"), "--out", path("out")});
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("**FAIL** restart: max\\_wasted\\_bytes: expected at most 0, got 32KiB"),
            std::string::npos)
      << o.out;
}

TEST_F(CliTest, MalformedMatrixExitsTwoNamingFileLineColumn) {
  std::ofstream(path("bad.yaml"))
      << "name: bad\ntrials: 3\nscenario: {name: s, resource: {size: "
         "1KiB}}\nstrategies:\n  - {name: x, client: {resmue: range}}\n";
  Output o = sisyphus({"compare", path("bad.yaml"), "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(std::regex_search(o.err, std::regex(path("bad.yaml") + ":5:\\d+: .*resmue.*resume")))
      << o.err;
  EXPECT_NE(o.err.find("nothing was run"), std::string::npos) << o.err;
  EXPECT_FALSE(std::filesystem::exists(path("out")));

  std::ofstream(path("m.yaml")) << kMatrix;
  o = sisyphus({"compare", path("m.yaml"), "--trial", "4", "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("--trial 4 is not a trial of small (0 to 3)"), std::string::npos) << o.err;
  o = sisyphus({"compare", path("m.yaml"), "--filter", "nope*", "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("no strategy matches --filter nope*"), std::string::npos) << o.err;
}

TEST_F(CliTest, CompareShardsJoinedByReportMergeEqualOneRun) {
  std::ofstream(path("m.yaml")) << kMatrix;
  ASSERT_EQ(sisyphus({"compare", path("m.yaml"), "--out", path("whole")}).exit_code, 0);
  ASSERT_EQ(sisyphus({"compare", path("m.yaml"), "--shard", "1/2", "--out", path("s1")}).exit_code,
            0);
  ASSERT_EQ(sisyphus({"compare", path("m.yaml"), "--shard", "2/2", "--out", path("s2")}).exit_code,
            0);
  const Output m = sisyphus({"report", "merge", path("s1"), path("s2"), "--out", path("merged")});
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  json::object whole = compare_json(path("whole"));
  json::object merged = compare_json(path("merged"));
  json::value a = whole, b = merged;
  strip_times(a);
  strip_times(b);
  EXPECT_EQ(b, a);
}

TEST_F(CliTest, TheBuiltInMatricesRunWithNoArguments) {
  // One trial each and a tenth of the time, to keep the suite short; every built-in
  // matrix loads, runs and writes its section.
  const Output o =
      sisyphus({"compare", "--trials", "1", "--time-scale", "0.1", "--out", path("out")});
  EXPECT_TRUE(o.exit_code == 0 || o.exit_code == 1) << o.out << o.err;
  const json::object doc = compare_json(path("out"));
  std::vector<std::string> names;
  for (const auto& m : doc.at("matrices").as_array())
    names.push_back(json::value_to<std::string>(m.at("name")));
  EXPECT_EQ(names, (std::vector<std::string>{"careless-resume-republished", "herd-after-outage",
                                             "herd-overload", "mobile-link",
                                             "restart-vs-resume"}));
  const Output l = sisyphus({"list", "matrices"});
  EXPECT_EQ(l.exit_code, 0);
  EXPECT_TRUE(std::regex_search(l.out, std::regex("restart-vs-resume +12 strategies x 40 trials:")))
      << l.out;
  EXPECT_TRUE(
      std::regex_search(l.out, std::regex("herd-overload +4 strategies x 1 trials x 500 clients:")))
      << l.out;
}

}  // namespace
}  // namespace sisyphus::testing
