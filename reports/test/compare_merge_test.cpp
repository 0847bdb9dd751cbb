#include <gtest/gtest.h>

#include <algorithm>

#include "compare_sample.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

using testing::merge_error;

TEST(CompareMerge, ShardsMergeIntoTheWholeRunInAnyOrder) {
  const CompareResults whole = testing::realistic_compare(200);
  for (std::uint32_t n : {1u, 2u, 3u, 7u}) {
    auto shards = testing::split_into_shards(whole, n);
    std::size_t trials = 0;
    for (const auto& s : shards) trials += s.matrices[0].cells[0].trials.size();
    ASSERT_EQ(trials, 200u) << n;
    // The earliest start is shard 1's (its 03:04:06 is after the whole run's 03:04:05).
    CompareResults want = whole;
    want.started_at = "2026-01-02T03:04:06Z";
    EXPECT_EQ(merge(shards), want) << n;
    std::reverse(shards.begin(), shards.end());
    EXPECT_EQ(merge(shards), want) << n;
    std::rotate(shards.begin(), shards.begin() + n / 2, shards.end());
    EXPECT_EQ(merge(shards), want) << n;
    // And through compare.json, as `sisyphus report merge` reads them.
    std::vector<CompareResults> read;
    for (const auto& s : shards) read.push_back(from_compare_json(to_compare_json(s)));
    EXPECT_EQ(to_compare_json(merge(read)), to_compare_json(want)) << n;
  }
}

TEST(CompareMerge, AWholeRunAloneIsItself) {
  const CompareResults whole = testing::small_compare();
  EXPECT_EQ(merge({whole}), whole);
}

TEST(CompareMerge, MissingDuplicateAndForeignShardsAreRefused) {
  const auto shards = testing::split_into_shards(testing::small_compare(), 3);
  EXPECT_EQ(merge_error({}), "nothing to merge: no compare results given");
  EXPECT_EQ(merge_error({shards[0], shards[2]}), "missing shard 2/3");
  EXPECT_EQ(merge_error({shards[1]}), "missing shard 1/3, 3/3");
  EXPECT_EQ(merge_error({shards[0], shards[1], shards[2], shards[1]}), "shard 2/3 is given twice");
  EXPECT_EQ(merge_error({shards[0], testing::small_compare()}),
            "cannot merge a whole run (shard null) with other results");
  auto other_count = testing::split_into_shards(testing::small_compare(), 2);
  EXPECT_EQ(merge_error({shards[0], shards[1], shards[2], other_count[0]}),
            "cannot merge shards of 3 and of 2");
  // A trial in the shard the rule does not give it to: a different --shard rule, or a file
  // edited by hand.
  auto moved = shards;
  moved[0].matrices[0].cells[1].trials.push_back(
      testing::small_compare().matrices[0].cells[1].trials[1]);
  EXPECT_EQ(merge_error(moved),
            "shard 1/3: matrix \"small\", strategy \"resume\": trial 1 is not in this shard");
  // A repeat inside one shard.
  auto twice = shards;
  twice[0].matrices[0].cells[0].trials.push_back(twice[0].matrices[0].cells[0].trials[0]);
  EXPECT_EQ(merge_error(twice), "matrix \"small\", strategy \"restart\": trial 0 is present twice");
}

TEST(CompareMerge, ShardsOfDifferentComparisonsAreRefused) {
  const auto base = testing::split_into_shards(testing::small_compare(), 2);
  const auto with = [&](auto edit) {
    auto s = base;
    edit(s[1]);
    return merge_error(s);
  };
  EXPECT_EQ(with([](CompareResults& r) { r.matrices[0].seed = 8; }),
            "shard 2/2: matrix \"small\": the shards differ in seed");
  EXPECT_EQ(with([](CompareResults& r) { r.matrices[0].trials = 40; }),
            "shard 2/2: matrix \"small\": the shards differ in trials");
  EXPECT_EQ(with([](CompareResults& r) { r.matrices[0].bounds.pop_back(); }),
            "shard 2/2: matrix \"small\": the shards differ in bounds");
  EXPECT_EQ(with([](CompareResults& r) { r.matrices[0].cells[1].strategy = "range"; }),
            "shard 2/2: matrix \"small\": the shards differ in strategies");
  EXPECT_EQ(with([](CompareResults& r) { r.matrices[0].cells[0].replay += " --jobs 2"; }),
            "shard 2/2: matrix \"small\": the shards differ in strategy \"restart\"");
  EXPECT_EQ(with([](CompareResults& r) { r.matrices[0].name = "other"; }),
            "shard 2/2: matrix 1 is \"other\", expected \"small\"");
  EXPECT_EQ(with([](CompareResults& r) { r.matrices.push_back(r.matrices[0]); }),
            "shard 1/2 and shard 2/2 hold different matrices (1 and 2)");
  EXPECT_EQ(with([](CompareResults& r) { r.sisyphus_version = "0.2.0"; }),
            "cannot merge results of sisyphus 0.1.0 and 0.2.0");
  EXPECT_EQ(with([](CompareResults& r) { r.time_scale = 0.5; }),
            "cannot merge runs with time scales 1 and 0.5");
  EXPECT_EQ(with([](CompareResults& r) { r.schema = 2; }),
            "cannot merge compare schema 2; this sisyphus writes 1");
}

}  // namespace
}  // namespace sisyphus::reports
