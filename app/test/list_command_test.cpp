// `sisyphus list` as a user runs it: the catalogue's scenarios (or a directory's), the fault
// kinds, the client presets.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>

#include "cli_test.hpp"

namespace sisyphus::testing {
namespace {

TEST_F(CliTest, ListScenariosFaultsAndClients) {
  Output o = sisyphus({"list", "scenarios"});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_TRUE(std::regex_search(o.out, std::regex("\ndrop-at-95-then-98-percent +The article's")))
      << o.out;
  EXPECT_GE(std::count(o.out.begin(), o.out.end(), '\n'), 25);
  o = sisyphus({"list", "scenarios", SISYPHUS_TEST_DATA});
  EXPECT_EQ(o.out.substr(0, o.out.find('\n')), "clean        No fault at all.");
  o = sisyphus({"list", "faults"});
  EXPECT_EQ(o.exit_code, 0);
  for (const char* kind : {"chunked_cut", "corrupt", "drop", "latency", "no_range", "stall",
                           "status", "throttle", "wrong_range"}) {
    EXPECT_TRUE(std::regex_search(o.out, std::regex(std::string("(^|\n)") + kind + " +\\w")))
        << kind << "\n"
        << o.out;
  }
  o = sisyphus({"list", "clients"});
  EXPECT_TRUE(std::regex_search(o.out, std::regex("\ncurl +curl -fsS -C -"))) << o.out;
}

}  // namespace
}  // namespace sisyphus::testing
