// What the loader refuses by size before it reads any YAML: a scenario is a page of text,
// and the admin API takes bodies up to the same limit.
#include <gtest/gtest.h>

#include <string>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

using testing::kCatalog;

TEST(ScenarioLimits, ATextOverOneMiBIsRefusedWithItsSize) {
  const std::string head = "name: x\nresource: {size: 1MiB}\n";
  std::string text = head + "# " + std::string(1024 * 1024 - head.size() - 3, 'x') + "\n";
  ASSERT_EQ(text.size(), 1024u * 1024u);
  EXPECT_EQ(load_string(text, "big.yaml", kCatalog).name, "x");  // exactly 1 MiB: read

  text = "\n" + text;
  try {
    load_string(text, "big.yaml", kCatalog);
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "big.yaml:1:1: scenario too large: 1048577 bytes, at most 1048576 (1 MiB)");
  }
}

}  // namespace
}  // namespace sisyphus::model
