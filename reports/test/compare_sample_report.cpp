// Writes the realistic sample comparison (compare_sample.hpp: 3 strategies × 200 trials,
// heavy-tailed restarts) as compare.json/md/html into DIR, for looking at the page in a
// browser (screenshot_compare.sh).
#include <cstdio>

#include "compare_sample.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  sisyphus::reports::write_compare(sisyphus::reports::testing::realistic_compare(200), argv[1]);
  return 0;
}
