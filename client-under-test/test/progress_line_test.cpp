// The progress line of `sisyphus get` fits the terminal: at every width it stays within
// width - 1 columns, and it gives up its parts least useful first.
#include "sisyphus/client/progress_line.hpp"

#include <gtest/gtest.h>

namespace sisyphus::client {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1024 * 1024;

// 450 MiB of 1 GiB held; 120 MiB received in the last half second.
ProgressLine measured() {
  ProgressLine line;
  line.update(Progress{2, 330 * kMiB, 1024 * kMiB, 330 * kMiB, 10s});
  line.update(Progress{2, 390 * kMiB, 1024 * kMiB, 390 * kMiB, 10500ms});
  return line;
}

const Progress kNow{2, 450 * kMiB, 1024 * kMiB, 450 * kMiB, 11s};

TEST(ProgressLine, WideTerminalShowsEverythingWithABarOfFortyCells) {
  const ProgressLine line = measured();
  EXPECT_DOUBLE_EQ(line.rate(), 120.0 * kMiB);
  EXPECT_EQ(line.format(kNow, 200),
            " 44% [#################                       ] 450.0 MiB / 1.0 GiB  120.0 MiB/s  "
            "ETA 5s  attempt 2");
}

TEST(ProgressLine, EightyColumnsShrinkTheBar) {
  const std::string s = measured().format(kNow, 80);
  EXPECT_EQ(s, " 44% [########            ] 450.0 MiB / 1.0 GiB  120.0 MiB/s  ETA 5s  attempt 2");
  EXPECT_EQ(s.size(), 79u);
}

TEST(ProgressLine, NarrowTerminalsDropAttemptEtaAndRateFirst) {
  EXPECT_EQ(measured().format(kNow, 66),
            " 44% [#######          ] 450.0 MiB / 1.0 GiB  120.0 MiB/s  ETA 5s");
  EXPECT_EQ(measured().format(kNow, 50), " 44% [#########             ] 450.0 MiB / 1.0 GiB");
  EXPECT_EQ(measured().format(kNow, 40), " 44% [#####       ] 450.0 MiB / 1.0 GiB");
  EXPECT_EQ(measured().format(kNow, 20), " 44% [#####       ]");
  EXPECT_EQ(measured().format(kNow, 10), " 44%");
  EXPECT_EQ(measured().format(kNow, 3), " 4");
  EXPECT_EQ(measured().format(kNow, 0), "");
}

TEST(ProgressLine, NeverWiderThanWidthMinusOne) {
  const ProgressLine line = measured();
  for (std::size_t w = 1; w <= 120; ++w) {
    EXPECT_LE(line.format(kNow, w).size(), w - 1) << w;
    const Progress unsized{3, 5 * kMiB, std::nullopt, 5 * kMiB, 11s};
    EXPECT_LE(line.format(unsized, w).size(), w - 1) << w;
  }
}

TEST(ProgressLine, UnknownSizeHasNoBar) {
  const Progress unsized{3, 5 * kMiB, std::nullopt, 5 * kMiB, 11s};
  EXPECT_EQ(measured().format(unsized, 80), "5.0 MiB  120.0 MiB/s  attempt 3");
  EXPECT_EQ(measured().format(unsized, 25), "5.0 MiB  120.0 MiB/s");
  EXPECT_EQ(measured().format(unsized, 5), "5.0 ");
}

}  // namespace
}  // namespace sisyphus::client
