// Loading inputs, --filter and --shard.
#include "sisyphus/runner/selection.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

std::vector<model::Scenario> named(std::initializer_list<const char*> names) {
  std::vector<model::Scenario> v;
  for (const char* n : names) {
    model::Scenario s;
    s.name = n;
    v.push_back(s);
  }
  return v;
}

std::vector<std::string> names_of(const std::vector<model::Scenario>& v) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(s.name);
  return out;
}

TEST(Shard, Parse) {
  const Shard s = Shard::parse("2/3");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 3u);
  for (const char* bad : {"0/2", "3/2", "1/0", "1", "a/2", "1/2x", "/2", "1/", "-1/2"}) {
    try {
      Shard::parse(bad);
      ADD_FAILURE() << bad;
    } catch (const ParseError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("bad shard '") + bad + "': expected I/N such as 1/4 (1 <= I <= N)");
    }
  }
}

TEST(Shard, DeterministicSplitByName) {
  const auto all = named({"e", "c", "a", "d", "b"});
  EXPECT_EQ(names_of(shard_scenarios(all, Shard::parse("1/2"))),
            (std::vector<std::string>{"a", "c", "e"}));
  EXPECT_EQ(names_of(shard_scenarios(all, Shard::parse("2/2"))),
            (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(names_of(shard_scenarios(all, Shard::parse("3/3"))), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(shard_scenarios(named({"a"}), Shard::parse("2/2")).empty());
}

TEST(Filter, GlobsMatchNames) {
  const auto all = named({"drop-close", "drop-reset", "stall", "etag-change"});
  EXPECT_EQ(names_of(filter_scenarios(all, {"drop-*"})),
            (std::vector<std::string>{"drop-close", "drop-reset"}));
  EXPECT_EQ(names_of(filter_scenarios(all, {"stall", "*change"})),
            (std::vector<std::string>{"stall", "etag-change"}));
  EXPECT_EQ(names_of(filter_scenarios(all, {})).size(), 4u);
  EXPECT_TRUE(filter_scenarios(all, {"nothing*"}).empty());
}

TEST(Load, CollectsEveryErrorAndSortsByName) {
  sisyphus::testing::TempDir dir;
  const auto write = [&](const char* file, const char* text) {
    std::ofstream(dir.path() / file) << text;
  };
  write("b.yaml", "name: zeta\nresource: {size: 1KiB}\n");
  write("a.yaml", "name: alpha\nresource: {size: 1KiB}\n");
  Loaded ok = load_scenarios({dir.path()});
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_EQ(names_of(ok.scenarios), (std::vector<std::string>{"alpha", "zeta"}));

  write("c.yaml", "name: alpha\nresource: {size: 1KiB}\n");
  write("d.yaml", "name: delta\nresource: {size: 1KiB}\nattempts:\n  - drop: {at: 5 parsecs}\n");
  Loaded bad = load_scenarios({dir.path(), dir.path() / "missing.yaml"});
  ASSERT_EQ(bad.errors.size(), 3u);
  EXPECT_EQ(bad.errors[0], (dir.path() / "missing.yaml").string() + ": no such file or directory");
  EXPECT_EQ(bad.errors[1], (dir.path() / "c.yaml").string() +
                               ": scenario name 'alpha' is already used by " +
                               (dir.path() / "a.yaml").string());
  EXPECT_EQ(bad.errors[2].rfind((dir.path() / "d.yaml").string() + ":4:", 0), 0u) << bad.errors[2];
}

TEST(Load, TheCatalogueLoads) {
  const Loaded catalogue = load_scenarios({});
  EXPECT_TRUE(catalogue.errors.empty());
  EXPECT_GE(catalogue.scenarios.size(), 25u);
  for (const auto& s : catalogue.scenarios) {
    EXPECT_FALSE(s.description.empty()) << s.name;
    EXPECT_TRUE(s.expect.max_duration) << s.name << ": every catalogue scenario bounds its time";
  }
}

}  // namespace
}  // namespace sisyphus::runner
