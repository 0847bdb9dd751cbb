// `resource.file`: a real file's bytes, confined to the file root; every way out of the root
// is a 404 that the log explains.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

class FileResource : public ServerTest {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "root" / "sub");
    data_ = random_bytes(10000, 1);
    write(dir_ / "root" / "sub" / "data.bin", data_);
    write(dir_ / "secret.bin", "top secret\n");
  }
  static std::string random_bytes(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng.below(256));
    return s;
  }
  static void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
  }
  // A scenario file inside the root serving `file`.
  void start_with(const std::string& file) {
    const fs::path yaml = dir_ / "root" / "scenario.yaml";
    write(yaml, fmt::format("name: file\nresource: {{file: {}}}\n", file));
    proxy::ServerOptions options;
    options.file_root = dir_ / "root";
    server_ = std::make_unique<proxy::Server>(options, proxy::load_scenario_file(yaml));
    server_->start();
  }
  void expect_refused(const std::string& why_contains) {
    HttpResponse r = get("/file");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "404 Not Found\n");
    EXPECT_EQ(r.body.find("secret"), std::string::npos);
    auto log = log_with(1);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].status, 404);
    ASSERT_TRUE(log[0].error.has_value());
    EXPECT_NE(log[0].error->find(why_contains), std::string::npos) << *log[0].error;
  }
  TempDir tmp_{"file-test"};
  const fs::path dir_ = tmp_.path();
  std::string data_;
};

TEST_F(FileResource, ServesTheFileBytesWithRanges) {
  start_with("sub/data.bin");
  HttpResponse r = get("/file");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Length"), "10000");
  EXPECT_TRUE(same_bytes(r.body, data_));
  HttpResponse part = get("/file", {{"Range", "bytes=9000-"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("Content-Range"), "bytes 9000-9999/10000");
  EXPECT_TRUE(same_bytes(part.body, data_.substr(9000)));
  EXPECT_EQ(r.header("ETag"), "\"1-2710\"");  // seed 1 (default), size 10000
}

TEST_F(FileResource, DotDotOutOfTheRootIs404) {
  start_with("../secret.bin");
  expect_refused("escapes the file root");
}

TEST_F(FileResource, AbsolutePathOutsideTheRootIs404) {
  start_with((dir_ / "secret.bin").string());
  expect_refused("escapes the file root");
}

TEST_F(FileResource, SymlinkLeadingOutOfTheRootIs404) {
  fs::create_symlink(dir_ / "secret.bin", dir_ / "root" / "link.bin");
  start_with("link.bin");
  expect_refused("escapes the file root");
}

TEST_F(FileResource, DotDotThatStaysInsideTheRootIsServed) {
  start_with("sub/../sub/data.bin");
  EXPECT_TRUE(same_bytes(get("/file").body, data_));
}

TEST_F(FileResource, AFileRemovedAfterLoadingIs404) {
  start_with("sub/data.bin");
  fs::remove(dir_ / "root" / "sub" / "data.bin");
  expect_refused("cannot open");
}

}  // namespace
}  // namespace sisyphus::testing
