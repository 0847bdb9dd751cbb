// A GoogleTest suite of a user's project: the downloader under test against an in-process
// fault server, asserting what the server saw.
#include "sisyphus/client/download.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sisyphus/testing/fault_server.hpp"

namespace {

// What the user's code would be: here, sisyphus's reference client.
sisyphus::client::Result my_download(const std::string& url, const std::filesystem::path& out) {
  sisyphus::client::Options options;
  options.url = url;
  options.output = out;
  options.backoff.base = std::chrono::milliseconds(1);
  return sisyphus::client::download(options);
}

std::filesystem::path output(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("sisyphus-example-" + name);
  std::filesystem::remove(path);
  return path;
}

TEST(FaultServerExample, ResumesACutDownloadWithIfRange) {
  sisyphus::testing::FaultServer server(R"(
    name: drop-once
    resource: {size: 256KiB, seed: 7}
    attempts:
      - drop: {at: 100000}
  )");
  const auto out = output("resume");
  const auto result = my_download(server.url(), out);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(std::filesystem::file_size(out), 256u * 1024);

  const auto log = server.wait_for_log(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].bytes_sent, 100000u);  // the cut is exact
  EXPECT_EQ(log[1].status, 206);
  ASSERT_TRUE(log[1].range.has_value());
  EXPECT_EQ(*log[1].range, "bytes=100000-");
  EXPECT_TRUE(log[1].if_range.has_value());
  EXPECT_EQ(log[1].bytes_sent, 256u * 1024 - 100000);
  std::filesystem::remove(out);
}

TEST(FaultServerExample, GivesUpCleanlyOnA404) {
  sisyphus::testing::FaultServer server(R"(
    name: gone
    resource: {size: 1KiB}
    faults:
      - status: {code: 404}
  )");
  const auto out = output("gone");
  const auto result = my_download(server.url(), out);
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(server.stats().requests, 1u);
}

TEST(FaultServerExample, ABadScenarioSaysWhereAndWhat) {
  try {
    sisyphus::testing::FaultServer server(
        "name: bad\nresource: {size: 1KiB}\nfaults:\n  - drop: {att: 5}\n");
    FAIL() << "a scenario with an unknown key was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(":4:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("att"), std::string::npos) << e.what();
  }
}

}  // namespace
