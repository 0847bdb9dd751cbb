// Scenario files: load_file, file resources relative to the scenario, scenario_files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sisyphus/model/loader.hpp"
#include "test_catalog.hpp"

namespace sisyphus::model {
namespace {

namespace fs = std::filesystem;
using testing::kCatalog;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sisyphus-model-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& rel, const std::string& text) {
    std::ofstream out(dir_ / rel, std::ios::binary);
    out << text;
  }
  fs::path dir_;
};

TEST_F(FileTest, LoadFileAndFileResourceRelativeToTheScenario) {
  write("data/blob.bin", std::string(12345, 'x'));
  write("s.yaml",
        "name: real-file\nresource:\n  file: data/blob.bin\n  path: /blob\nattempts:\n  - drop: "
        "{at: 50%}\n");
  Scenario s = load_file(dir_ / "s.yaml", kCatalog);
  EXPECT_EQ(s.source_file, (dir_ / "s.yaml").string());
  ASSERT_TRUE(s.resource().is_file());
  EXPECT_EQ(*s.resource().file, "data/blob.bin");
  EXPECT_EQ(s.resource().resolved_file, (dir_ / "data/blob.bin").string());
  EXPECT_EQ(s.resource().size, 12345u);
  EXPECT_EQ(s.resource().path, "/blob");
}

TEST_F(FileTest, AbsoluteFileResource) {
  write("data/abs.bin", "abc");
  std::string abs = (dir_ / "data/abs.bin").string();
  Scenario s =
      load_string("name: abs\nresource: {file: '" + abs + "'}\n", "elsewhere/x.yaml", kCatalog);
  EXPECT_EQ(*s.resource().file, abs);
  EXPECT_EQ(s.resource().resolved_file, abs);
  EXPECT_EQ(s.resource().size, 3u);
}

TEST_F(FileTest, MissingFileResource) {
  write("s.yaml", "name: gone\nresource:\n  file: data/nope.bin\n");
  try {
    load_file(dir_ / "s.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "s.yaml").string() +
                                         ":3:9: file not found: 'data/nope.bin' (looked for " +
                                         (dir_ / "data/nope.bin").string() + ")");
  }
  write("d.yaml", "name: dir\nresource:\n  file: data\n");
  try {
    load_file(dir_ / "d.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir_ / "d.yaml").string() + ":3:9: not a regular file: 'data'");
  }
}

TEST_F(FileTest, UnreadableScenarioFile) {
  try {
    load_file(dir_ / "absent.yaml", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir_ / "absent.yaml").string() + ": cannot open: No such file or directory");
    EXPECT_EQ(e.where().line, 0);
  }
  try {
    load_file(dir_ / "data", kCatalog);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "data").string() + ": cannot open: is a directory");
  }
}

TEST_F(FileTest, ScenarioFilesSortedYamlAndYmlOnly) {
  write("b.yml", "");
  write("a.yaml", "");
  write("c.yaml", "");
  write("notes.txt", "");
  write("data/nested.yaml", "");
  fs::create_directories(dir_ / "dir.yaml");
  std::vector<fs::path> files = scenario_files(dir_);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0], dir_ / "a.yaml");
  EXPECT_EQ(files[1], dir_ / "b.yml");
  EXPECT_EQ(files[2], dir_ / "c.yaml");
  EXPECT_THROW(scenario_files(dir_ / "nope"), ScenarioError);
}

}  // namespace
}  // namespace sisyphus::model
