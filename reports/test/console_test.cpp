#include "sisyphus/reports/console.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "sample.hpp"

namespace sisyphus::reports {
namespace {

TEST(Console, PlainTable) {
  EXPECT_EQ(
      format_console_table(testing::sample_results(), false),
      "scenario            client                             verdict       attempts  bytes sent  "
      "          wasted  duration\n"
      "drop-at-95-percent  reference                          ok                   3     1.0 MiB  "
      "             0 B    0.25 s\n"
      "etag-change         naive                              FAIL corrupt         2     4.0 KiB  "
      "4.0 KiB (100.0%)    1.50 s\n"
      "no-such-client      command: ./missing {url} {output}  FAIL error           0         0 B  "
      "             0 B    0.00 s\n"
      "1 passed, 2 failed\n");
}

TEST(Console, ColourOnlyWhenAsked) {
  const std::string plain = format_console_table(testing::sample_results(), false);
  const std::string colour = format_console_table(testing::sample_results(), true);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_NE(colour.find("\x1b[31mFAIL corrupt\x1b[0m"), std::string::npos) << colour;
  EXPECT_NE(colour.find("\x1b[32mok          \x1b[0m"), std::string::npos) << colour;
  EXPECT_NE(colour.find("\x1b[32m1\x1b[0m passed, \x1b[31m2 failed\x1b[0m\n"), std::string::npos);
}

TEST(Console, LabelsCannotInjectEscapes) {
  RunResults r;
  ScenarioResult s = testing::ok_scenario();
  s.client.label = "evil\x1b[2J\r\nlabel";
  r.scenarios = {s};
  const std::string table = format_console_table(r, false);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("evil [2J  label"), std::string::npos) << table;
}

TEST(Console, Progress) {
  EXPECT_EQ(format_progress(0, 10, 0, "first", false), "[                        ] 0/10  first");
  EXPECT_EQ(format_progress(3, 10, 1, "drop-at-95-percent", false),
            "[=======>                ] 3/10  1 failed  drop-at-95-percent");
  EXPECT_EQ(format_progress(3, 10, 1, "x", true),
            "[=======>                ] 3/10\x1b[31m  1 failed\x1b[0m  x");
  EXPECT_EQ(format_progress(10, 10, 0, "", false), "[========================] 10/10");
  EXPECT_EQ(format_progress(12, 10, 0, "", false), "[========================] 10/10");
  EXPECT_EQ(format_progress(0, 0, 0, "", false), "[========================] 0/0");
  // Long names are cut to the width: 24 + 3 + 5 ("3/10 ") ... exactly 40 columns here.
  const std::string line = format_progress(3, 10, 0, std::string(100, 'n'), false, 40);
  EXPECT_EQ(line, "[=======>                ] 3/10  nnnnnn\xE2\x80\xA6");
}

TEST(Console, OneLinePerFinishedScenario) {
  const RunResults r = testing::sample_results();
  EXPECT_EQ(format_scenario_line(r.scenarios[0], 1, 3, false),
            "[1/3] PASS drop-at-95-percent (reference): ok, 3 attempts, 0 B wasted, 0.25 s");
  EXPECT_EQ(format_scenario_line(r.scenarios[1], 2, 3, false),
            "[2/3] FAIL etag-change (naive): corrupt, 2 attempts, 4.0 KiB (100.0%) wasted, 1.50 s");
  EXPECT_EQ(format_scenario_line(r.scenarios[2], 3, 3, false),
            "[3/3] FAIL no-such-client (command: ./missing {url} {output}): error, 0 attempts, 0 B "
            "wasted, 0.00 s -- client could not start (exit 127): sh: 1: ./missing: not found");
  ScenarioResult one = r.scenarios[0];
  one.attempts = 1;
  EXPECT_EQ(format_scenario_line(one, 1, 1, true),
            "[1/1] \x1b[32mPASS\x1b[0m drop-at-95-percent (reference): ok, 1 attempt, 0 B "
            "wasted, 0.25 s");
}

TEST(Console, Failures) {
  EXPECT_EQ(
      format_failures(testing::sample_results(), false),
      "FAIL etag-change (naive): corrupt\n"
      "  verdict: expected ok, got corrupt\n"
      "  corruption: mismatch from byte 2048, 2040 bad bytes in 2 ranges: 2048-4000, "
      "4090-4095\n"
      "  replay: sisyphus run etag-change.yaml --client naive --seed 7\n"
      "FAIL no-such-client (command: ./missing {url} {output}): error\n"
      "  verdict: expected ok, got error\n"
      "  error: client could not start (exit 127): sh: 1: ./missing: not found\n"
      "  replay: sisyphus run x.yaml --client 'command: ./missing {url} {output}' --seed 1\n");
}

TEST(Console, UseColorHonoursNoColorAndTerminals) {
  // A regular file is never a terminal.
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ::unsetenv("NO_COLOR");
  EXPECT_FALSE(use_color(f));
  std::fclose(f);
  EXPECT_FALSE(use_color(nullptr));
  // A pseudo-terminal is one, unless NO_COLOR is set (to anything non-empty) or TERM=dumb.
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    GTEST_SKIP() << "no pseudo-terminals here";
  }
  std::FILE* tty = std::fopen(::ptsname(master), "w");
  ASSERT_NE(tty, nullptr);
  const char* term = std::getenv("TERM");
  const std::string saved_term = term ? term : "";
  ::setenv("TERM", "xterm", 1);
  EXPECT_TRUE(use_color(tty));
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(use_color(tty));
  ::setenv("NO_COLOR", "", 1);
  EXPECT_TRUE(use_color(tty));
  ::unsetenv("NO_COLOR");
  ::setenv("TERM", "dumb", 1);
  EXPECT_FALSE(use_color(tty));
  if (term) {
    ::setenv("TERM", saved_term.c_str(), 1);
  } else {
    ::unsetenv("TERM");
  }
  std::fclose(tty);
  ::close(master);
}

}  // namespace
}  // namespace sisyphus::reports
