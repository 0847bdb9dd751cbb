// `sisyphus report merge` over compare shards: the built binary joins shard directories
// written by write_compare, as `sisyphus compare --shard I/N --out DIR` leaves them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli_test.hpp"
#include "compare_sample.hpp"
#include "sisyphus/reports/compare.hpp"
#include "sisyphus/reports/report.hpp"

namespace sisyphus::testing {
namespace {

using reports::CompareResults;

class ReportCompareTest : public CliTest {
 protected:
  // Writes the shards of `whole` into s1..sN and returns their paths.
  std::vector<std::string> write_shards(const CompareResults& whole, std::uint32_t n) {
    std::vector<std::string> dirs;
    const auto shards = reports::testing::split_into_shards(whole, n);
    for (std::uint32_t i = 0; i < n; ++i) {
      dirs.push_back(path(fmt::format("s{}", i + 1)));
      reports::write_compare(shards[i], dirs.back());
    }
    return dirs;
  }

  Output merge(std::vector<std::string> args) {
    args.insert(args.begin(), {"report", "merge"});
    return sisyphus(args);
  }
};

TEST_F(ReportCompareTest, MergedShardsEqualTheWholeRunAndFailingBoundsExit1) {
  CompareResults whole = reports::testing::realistic_compare(60);
  auto dirs = write_shards(whole, 3);
  dirs.push_back("--out");
  dirs.push_back(path("merged"));
  const Output o = merge(dirs);
  // The sample's bounds fail (range corrupts, if-range wastes at p95).
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_EQ(o.out, "merged 180 trials of 1 matrices from 3 shards into " + path("merged") +
                       ": FAILED (see compare.md)\n");
  whole.started_at = "2026-01-02T03:04:06Z";  // shard 1's start, the earliest
  EXPECT_EQ(read_file(path("merged") + "/compare.json"), reports::to_compare_json(whole));
  EXPECT_EQ(read_file(path("merged") + "/compare.md"), reports::to_compare_markdown(whole));
  EXPECT_EQ(read_file(path("merged") + "/compare.html"), reports::to_compare_html(whole));
}

TEST_F(ReportCompareTest, PassingComparisonExits0) {
  CompareResults whole = reports::testing::small_compare();
  whole.matrices[0].bounds = {reports::testing::bound("resume", "p95_wasted_bytes", 0, "0")};
  auto dirs = write_shards(whole, 2);
  // A compare.json file names its shard as well as its directory does.
  const Output o = merge({dirs[0] + "/compare.json", dirs[1], "--out", path("m")});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(reports::read_compare(path("m")).matrices, whole.matrices);
}

TEST_F(ReportCompareTest, MissingShardOrMixedInputsExit2) {
  const auto dirs = write_shards(reports::testing::small_compare(), 3);
  Output o = merge({dirs[0], dirs[2], "--out", path("m")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "sisyphus report merge: missing shard 2/3\n");
  EXPECT_FALSE(std::filesystem::exists(path("m")));

  reports::write_all(reports::RunResults{}, path("run"));
  o = merge({dirs[0], path("run"), "--out", path("m")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err,
            "sisyphus report merge: cannot merge compare results (compare.json) with run results "
            "(results.json)\n");

  write_file(std::filesystem::path(dirs[1]) / "compare.json", "{\"schema\": 2}");
  o = merge({dirs[0], dirs[1], dirs[2], "--out", path("m")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "sisyphus report merge: " + dirs[1] +
                       "/compare.json: schema: this sisyphus reads compare schema 1, the file "
                       "has 2\n");
}

}  // namespace
}  // namespace sisyphus::testing
