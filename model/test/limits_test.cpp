// What the loader refuses before it reads any YAML: a text over the size of a page of
// YAML (the admin API takes bodies up to the same limit), and bytes YAML does not allow.
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

TEST(ScenarioLimits, ANulByteIsRefusedWhereItStands) {
  // yaml-cpp turns a NUL in a block scalar into a lone 0xA0 byte, invalid UTF-8 in to_json().
  const std::string text =
      std::string("name: a\ndescription: >-\n  a") + '\0' + "_b\nresource: {size: 1}\n";
  try {
    load_string(text, "nul.yaml", kCatalog);
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "nul.yaml:3:4: character U+0000 is not allowed in YAML (only printable "
                 "characters, tab and line breaks)");
  }
}

}  // namespace
}  // namespace sisyphus::model
