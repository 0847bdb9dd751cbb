#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "sample.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/json.hpp"
#include "sisyphus/reports/report.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::reports {
namespace {

std::string merge_error(std::vector<RunResults> shards) {
  try {
    merge(std::move(shards));
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}

// A run of five scenarios and its split into two shards, as `--shard 1/2` and `2/2` would
// produce them: same seed, version and client, different start times.
struct Split {
  RunResults whole, first, second;
};

Split split() {
  Split s;
  s.whole = testing::sample_results();
  auto extra = testing::ok_scenario();
  extra.name = "a-first-scenario";
  s.whole.scenarios.push_back(extra);
  auto other_client = testing::ok_scenario();
  other_client.client = {"reference", "reference restart"};
  s.whole.scenarios.push_back(other_client);
  sort_scenarios(s.whole);
  s.first = s.whole;
  s.second = s.whole;
  s.first.scenarios.clear();
  s.second.scenarios.clear();
  for (std::size_t i = 0; i < s.whole.scenarios.size(); ++i) {
    (i % 2 == 0 ? s.first : s.second).scenarios.push_back(s.whole.scenarios[i]);
  }
  std::reverse(s.second.scenarios.begin(), s.second.scenarios.end());
  s.second.started_at = "2026-01-02T03:04:09Z";
  return s;
}

TEST(Merge, TwoShardsEqualTheWholeInEitherOrder) {
  const auto s = split();
  ASSERT_EQ(s.whole.scenarios.size(), 5u);
  ASSERT_EQ(s.first.scenarios.size(), 3u);
  EXPECT_EQ(merge({s.first, s.second}), s.whole);
  EXPECT_EQ(merge({s.second, s.first}), s.whole);
  EXPECT_EQ(merge({s.whole}), s.whole);
  // And through results.json, as `sisyphus report merge` does it.
  EXPECT_EQ(to_json(merge({from_json(to_json(s.second)), from_json(to_json(s.first))})),
            to_json(s.whole));
}

TEST(Merge, OrdersByNameThenClientLabel) {
  const auto merged = merge({split().second, split().first});
  std::vector<std::string> order;
  for (const auto& sc : merged.scenarios) order.push_back(sc.name + "/" + sc.client.label);
  EXPECT_EQ(order,
            (std::vector<std::string>{"a-first-scenario/reference", "drop-at-95-percent/reference",
                                      "drop-at-95-percent/reference restart", "etag-change/naive",
                                      "no-such-client/command: ./missing {url} {output}"}));
}

TEST(Merge, SeedKeptOnlyWhenAllAgree) {
  auto s = split();
  EXPECT_EQ(merge({s.first, s.second}).seed, std::optional<std::uint64_t>(42));
  s.second.seed = 43;
  EXPECT_EQ(merge({s.first, s.second}).seed, std::nullopt);
  s.second.seed.reset();
  EXPECT_EQ(merge({s.first, s.second}).seed, std::nullopt);
  EXPECT_EQ(merge({s.second, s.first}).seed, std::nullopt);
  s.first.seed.reset();
  EXPECT_EQ(merge({s.first, s.second}).seed, std::nullopt);
}

TEST(Merge, EarliestStartAndClientLabels) {
  auto s = split();
  s.first.started_at = "";
  EXPECT_EQ(merge({s.first, s.second}).started_at, "2026-01-02T03:04:09Z");
  s.first.started_at = "2026-01-01T00:00:00Z";
  EXPECT_EQ(merge({s.second, s.first}).started_at, "2026-01-01T00:00:00Z");
  s.first.client = "naive";
  s.second.client = "curl";
  EXPECT_EQ(merge({s.first, s.second}).client, "curl, naive");
  EXPECT_EQ(merge({s.second, s.first}).client, "curl, naive");
}

TEST(Merge, DuplicateScenarioIsAnError) {
  const auto s = split();
  EXPECT_EQ(merge_error({s.first, s.first}),
            "scenario \"a-first-scenario\" with client \"reference\" appears in more than one "
            "shard");
  // The same scenario with another client label is not a duplicate.
  auto other = s.first;
  for (auto& sc : other.scenarios) sc.client.label = "curl";
  EXPECT_EQ(merge({s.first, other}).scenarios.size(), 6u);
}

TEST(Merge, BadInputs) {
  EXPECT_EQ(merge_error({}), "nothing to merge: no results given");
  auto s = split();
  s.second.sisyphus_version = "0.2.0";
  EXPECT_EQ(merge_error({s.first, s.second}), "cannot merge results of sisyphus 0.1.0 and 0.2.0");
  s = split();
  s.second.schema = 2;
  EXPECT_EQ(merge_error({s.first, s.second}),
            "cannot merge schema 2 results; this sisyphus writes schema 1");
}

TEST(WriteAll, WritesTheFourFilesAndResultsReadBack) {
  const sisyphus::testing::TempDir tmp("write-all");
  const auto dir = tmp.path() / "nested" / "report";
  write_all(testing::sample_results(), dir);
  for (const char* f : {"results.json", "junit.xml", "summary.md", "report.html"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / f)) << f;
    EXPECT_GT(std::filesystem::file_size(dir / f), 100u) << f;
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            4);  // no temporary files left behind
  EXPECT_EQ(read_results(dir), testing::sample_results());
}

TEST(WriteAll, UnwritableDirectoryNamesThePath) {
  const sisyphus::testing::TempDir tmp("write-all-bad");
  std::ofstream(tmp.path() / "file") << "x";
  try {
    write_all(testing::sample_results(), tmp.path() / "file" / "sub");
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind(
            (tmp.path() / "file" / "sub").string() + ": cannot create the report directory: ", 0),
        0u)
        << e.what();
  }
}

}  // namespace
}  // namespace sisyphus::reports
