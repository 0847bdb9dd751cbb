// proxy::original_head, which the prefill builds FILE.part.json from, against what the
// origin server really sends to a HEAD of the same scenario: every field equal (Date within
// the second or two between the two), for each way a scenario shapes the head.
#include "sisyphus/proxy/original_head.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sisyphus/core/http_date.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::proxy {
namespace {

class OriginalHeadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream data(dir_.path() / "data.bin", std::ios::binary);
    for (int i = 0; i < 300000; ++i) data.put(static_cast<char>(i * 7 % 253));
  }

  // The scenario as YAML (name first), answered both ways.
  void expect_same_as_a_head(const std::string& yaml) {
    const auto file = dir_.path() / "scenario.yaml";
    std::ofstream(file) << yaml;
    const model::Scenario scenario = load_scenario_file(file);
    SCOPED_TRACE(scenario.name);

    ServerOptions options;
    options.threads = 1;
    options.file_root = dir_.path();
    Server server(options, scenario);
    server.start();
    const sisyphus::testing::HttpResponse sent = sisyphus::testing::fetch(
        "127.0.0.1", server.port(), "HEAD", scenario.resource().path, {{"Connection", "close"}});
    server.stop();
    const RepresentationHead computed = original_head(scenario, dir_.path());

    EXPECT_EQ(sent.status, 200);
    EXPECT_EQ(computed.etag, sent.header("etag"));
    EXPECT_EQ(computed.last_modified, sent.header("last-modified"));
    EXPECT_EQ(computed.repr_digest, sent.header("repr-digest"));
    const auto length = sent.header("content-length");
    EXPECT_EQ(computed.content_length,
              length ? std::optional<std::uint64_t>(std::stoull(*length)) : std::nullopt);
    EXPECT_EQ(computed.chunked, sent.header("transfer-encoding") == "chunked");
    const auto date_sent = parse_http_date(sent.header("date").value_or(""));
    const auto date_computed = parse_http_date(computed.date);
    ASSERT_TRUE(date_sent && date_computed) << computed.date;
    EXPECT_LE(date_computed->time_since_epoch().count() - date_sent->time_since_epoch().count(), 2);
    EXPECT_GE(*date_computed, *date_sent);
  }

  sisyphus::testing::TempDir dir_;
};

TEST_F(OriginalHeadTest, StrongEtagAndLastModified) {
  expect_same_as_a_head("name: plain\nresource: {size: 8MiB}\n");
}

TEST_F(OriginalHeadTest, WeakOrNoValidators) {
  expect_same_as_a_head("name: weak\nresource: {size: 1000, etag: weak}\n");
  expect_same_as_a_head("name: none\nresource: {size: 1000, etag: none, last_modified: false}\n");
}

TEST_F(OriginalHeadTest, ReprDigestOfTheOriginalContent) {
  expect_same_as_a_head("name: digest\nresource: {size: 100000, seed: 5, digest: true}\n");
}

TEST_F(OriginalHeadTest, ChunkedServerAnnouncesNoLength) {
  expect_same_as_a_head("name: chunked\nresource: {size: 1000}\nserver: {chunked: true}\n");
}

TEST_F(OriginalHeadTest, NoRangeServerAndEmptyResource) {
  expect_same_as_a_head("name: no-ranges\nresource: {size: 1000}\nserver: {ranges: false}\n");
  expect_same_as_a_head("name: empty\nresource: {size: 0}\n");
}

TEST_F(OriginalHeadTest, FileResourceRelativeToTheScenario) {
  expect_same_as_a_head("name: file\nresource: {file: data.bin, digest: true}\n");
  expect_same_as_a_head(
      "name: file-chunked\nresource: {file: data.bin, etag: weak}\nserver: {chunked: true}\n");
}

TEST_F(OriginalHeadTest, AttemptsFaultsAndChangesDoNotApply) {
  // The server sees HEAD as no attempt: no fault, generation 0 before the first GET.
  expect_same_as_a_head(
      "name: faults\nresource: {size: 4000}\nattempts:\n  - status: {code: 503}\n"
      "faults:\n  - latency: {first_byte: 10ms}\nchanges:\n  - before_attempt: 2\n");
  const auto file = dir_.path() / "changed.yaml";
  std::ofstream(file) << "name: changed\nresource: {size: 4000, seed: 3}\n"
                         "changes:\n  - before_attempt: 1\n";
  EXPECT_EQ(original_head(load_scenario_file(file), dir_.path()).etag, "\"3-fa0\"");
}

TEST_F(OriginalHeadTest, FileOutsideTheRootIsRefused) {
  sisyphus::testing::TempDir other;
  const auto file = dir_.path() / "escape.yaml";
  std::ofstream(file) << "name: escape\nresource: {file: data.bin}\n";
  EXPECT_THROW(original_head(load_scenario_file(file), other.path()), std::runtime_error);
}

}  // namespace
}  // namespace sisyphus::proxy
