// `--record-body DIR` when the bytes cannot stand for the resource: the upstream never sent
// them all, or they are above the limit. The scenario falls back to synthetic bytes and says
// why; DIR is left empty. (The bytes replayed exactly: RecordClient.WithRecordBody*.)
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

// The scenario recorded from the GETs `ranges` (one per request, "" for none) of a 4 KiB
// origin through a proxy keeping bodies under dir/bodies with `limit`.
std::string record(const TempDir& dir, const std::vector<std::string>& ranges,
                   std::uint64_t limit) {
  proxy::Server origin({}, scenario_from("name: o\nresource: {size: 4KiB}\n"));
  origin.start();
  proxy::ServerOptions options;
  options.upstream = origin.base_url();
  options.record = dir.path() / "r.yaml";
  options.record_body = dir.path() / "bodies";
  options.record_body_limit = limit;
  proxy::Server relay(std::move(options),
                      proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
  relay.start();
  for (const auto& range : ranges) {
    Headers h;
    if (!range.empty()) h.emplace_back("Range", range);
    EXPECT_EQ(fetch("127.0.0.1", relay.port(), "GET", "/file", h).status,
              range.empty() ? 200 : 206);
  }
  relay.stop();
  EXPECT_EQ(relay.record_error(), "");
  // The scenario loads, synthetic, and DIR holds nothing (no partial file left).
  EXPECT_EQ(proxy::load_scenario_file(dir.path() / "r.yaml").resource().size, 4096u);
  EXPECT_TRUE(fs::is_empty(dir.path() / "bodies"));
  return read_file(dir.path() / "r.yaml");
}

TEST(RecordBody, BytesNeverSentFallBackToSyntheticAndSayWhichWereMissing) {
  TempDir dir;
  const std::string yaml = record(dir, {"bytes=0-999", "bytes=2000-2999"}, 1 << 20);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find(fmt::format("# --record-body {} kept no bytes of /file: the upstream sent "
                                  "2000 of its 4096 bytes (never bytes 1000-1999, 3000-4095).\n"
                                  "# The bytes are synthetic (seed 1), of the same size.\n",
                                  (dir.path() / "bodies").string())),
            std::string::npos);
  EXPECT_NE(yaml.find("resource: {path: /file, size: 4096}\n"), std::string::npos);
}

TEST(RecordBody, ARepresentationAboveTheLimitIsNotKept) {
  TempDir dir;
  const std::string yaml = record(dir, {""}, 1000);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find(fmt::format("# --record-body {} kept no bytes of /file: its 4096 bytes are "
                                  "above --record-body-limit 1000B (0 kept already).\n",
                                  (dir.path() / "bodies").string())),
            std::string::npos);
  EXPECT_NE(yaml.find("resource: {path: /file, size: 4096}\n"), std::string::npos);
}

TEST(RecordBody, ADirectoryThatCannotBeMadeFailsAtOnce) {
  TempDir dir;
  write_file(dir.path() / "plain", "x");
  proxy::ServerOptions options;
  options.upstream = "http://127.0.0.1:9";
  options.record_body = dir.path() / "plain" / "bodies";
  try {
    proxy::Server relay(std::move(options),
                        proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()),
              fmt::format("--record-body {}: cannot write there: Not a directory",
                          (dir.path() / "plain" / "bodies").string()));
  }
}

}  // namespace
}  // namespace sisyphus::testing
