// The zero-copy body path (docs/server.md "Holding a herd"): synthetic content written once
// per version into a memfd (SyntheticFiles) and file resources, both sent with sendfile(2)
// when no fault touches their bytes. The bytes, the cuts and the accounting are those of the
// copying path; a corruption still goes through a piece and is still flipped.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "origin/synthetic_files.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;
using proxy::SyntheticFiles;

constexpr std::uint64_t kSeed = 7;
constexpr std::uint64_t kSize = 300'000;

std::string read_source(const proxy::ContentSource& source, std::uint64_t offset, std::size_t n) {
  std::string out(n, '\0');
  source.read(offset, std::as_writable_bytes(std::span(out)));
  return out;
}

TEST(SyntheticFiles, AVersionIsWrittenOnceIntoAFileWithTheContentsBytes) {
  SyntheticFiles files;
  const auto source = files.get(kSeed, kSize);
  ASSERT_GE(source->file_descriptor(), 0);
  EXPECT_TRUE(same_bytes(read_source(*source, 0, kSize), content_bytes(kSeed, 0, kSize)));
  EXPECT_EQ(files.get(kSeed, kSize), source);      // shared by every response of it
  EXPECT_NE(files.get(kSeed + 1, kSize), source);  // another version
  EXPECT_NE(files.get(kSeed, kSize - 1), source);  // another size
}

TEST(SyntheticFiles, KeepsAtMostAFewVersionsTheLeastRecentlyUsedGoesFirst) {
  SyntheticFiles files;
  const auto first = files.get(1, 1000);
  const auto second = files.get(2, 1000);
  for (std::uint64_t seed = 3; seed <= SyntheticFiles::kVersions; ++seed) files.get(seed, 1000);
  EXPECT_EQ(files.get(1, 1000), first);  // used again: now the most recent
  files.get(100, 1000);                  // one too many: the least recently used (2) goes
  EXPECT_EQ(files.get(1, 1000), first);
  EXPECT_NE(files.get(2, 1000), second);
}

TEST(SyntheticFiles, AVersionLargerThanTheBoundIsGeneratedPerRead) {
  SyntheticFiles files;
  const auto source = files.get(kSeed, SyntheticFiles::kMaxSize + 1);
  EXPECT_EQ(source->file_descriptor(), -1);
  EXPECT_TRUE(same_bytes(read_source(*source, SyntheticFiles::kMaxSize - 10, 11),
                         content_bytes(kSeed, SyntheticFiles::kMaxSize - 10, 11)));
}

std::string synthetic(const std::string& faults) {
  return fmt::format("name: zc\nresource: {{size: {}, seed: {}}}\nfaults:\n{}", kSize, kSeed,
                     faults);
}

class ZeroCopyBody : public ServerTest {
 protected:
  // A file resource of kSize bytes (the synthetic content of seed 99) with `faults`.
  void start_file(const std::string& faults) {
    fs::create_directories(tmp_.path() / "root");
    file_bytes_ = content_bytes(99, 0, kSize);
    std::ofstream(tmp_.path() / "root" / "data.bin", std::ios::binary) << file_bytes_;
    const fs::path yaml = tmp_.path() / "root" / "scenario.yaml";
    std::ofstream(yaml) << "name: zc-file\nresource: {file: data.bin}\nfaults:\n" << faults;
    proxy::ServerOptions options;
    options.file_root = tmp_.path() / "root";
    server_ = std::make_unique<proxy::Server>(options, proxy::load_scenario_file(yaml));
    server_->start();
  }
  TempDir tmp_{"zero-copy-test"};
  std::string file_bytes_;
};

TEST_F(ZeroCopyBody, AThrottledSyntheticBodyIsWholeAndCountedExactly) {
  start(synthetic("  - throttle: {rate: 2MiB/s}\n"));
  HttpResponse r = get("/file");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.end, End::complete);
  EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 0, kSize)));
  auto log = log_with(1);
  EXPECT_EQ(log[0].bytes_written, kSize);
  EXPECT_EQ(log[0].bytes_sent, kSize);
}

TEST_F(ZeroCopyBody, AThrottledRangeOfASyntheticBodyIsCutExactly) {
  start(synthetic("  - throttle: {rate: 2MiB/s}\n  - drop: {at: 123457, how: close}\n"));
  HttpResponse r = get("/file", {{"Range", "bytes=1000-"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.end, End::fin);
  EXPECT_TRUE(same_bytes(r.body, content_bytes(kSeed, 1000, 123457 - 1000)));
  auto log = log_with(1);
  EXPECT_EQ(log[0].bytes_written, 123457u - 1000u);
  EXPECT_EQ(log[0].bytes_sent, 123457u - 1000u);
  EXPECT_EQ(log[0].fault, "throttle,drop");
}

TEST_F(ZeroCopyBody, APlainFileBodyAndAThrottledCutOneAreTheFilesBytes) {
  start_file(
      "  - drop: {at: 200001, how: reset, attempts: 2}\n"
      "  - throttle: {rate: 2MiB/s, attempts: 2}\n");
  HttpResponse whole = get("/file");
  HttpResponse cut = get("/file");
  EXPECT_EQ(whole.end, End::complete);
  EXPECT_TRUE(same_bytes(whole.body, file_bytes_));
  EXPECT_EQ(cut.end, End::rst);
  EXPECT_TRUE(same_bytes(cut.body, file_bytes_.substr(0, 200001)));
  auto log = log_with(2);
  EXPECT_EQ(log[0].bytes_written, kSize);
  EXPECT_EQ(log[1].bytes_written, 200001u);
  EXPECT_EQ(log[1].bytes_sent, 200001u);
}

TEST_F(ZeroCopyBody, ACorruptedBodyIsStillCorruptedAtItsOffsets) {
  start(synthetic("  - corrupt: {at: 150000, bytes: 3}\n  - throttle: {rate: 2MiB/s}\n"));
  HttpResponse r = get("/file");
  const std::string clean = content_bytes(kSeed, 0, kSize);
  ASSERT_EQ(r.body.size(), kSize);
  std::vector<std::size_t> differ;
  for (std::size_t i = 0; i < kSize; ++i) {
    if (r.body[i] != clean[i]) differ.push_back(i);
  }
  EXPECT_EQ(differ, (std::vector<std::size_t>{150000, 150001, 150002}));
}

}  // namespace
}  // namespace sisyphus::testing
