// A scenario with several resources (docs/scenarios.md "Several resources") through the
// runner: every resource `expect.verify` names is checked, the verdict is the worst of them,
// and the attempts and bytes are those of every resource the client asked for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sisyphus/proxy/server.hpp"
#include "sisyphus/runner/runner.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

using reports::Verdict;

constexpr const char* kFileAndSum = R"(name: file-and-sum
seed: 3
resources:
  - id: file
    size: 256KiB
    attempts:
      - drop: {at: 100000, how: close}
    changes:
      - before_attempt: 2
  - id: sum
    path: /file.sha256
    text: "{sha256:file}  file\n"
expect:
  verify: [file, sum]
)";

constexpr std::uint64_t kFile = 262144;
constexpr std::uint64_t kSum = 64 + 7;  // "HEX  file\n"

class SeveralResources : public ::testing::Test {
 protected:
  model::Scenario load(const std::string& yaml) {
    const auto path = dir_.path() / "s.yaml";
    std::ofstream(path) << yaml;
    return proxy::load_scenario_file(path);
  }
  RunOptions options(const std::string& client) const {
    RunOptions o;
    o.work_root = dir_.path() / "work";
    o.sisyphus_binary = SISYPHUS_TEST_BINARY;
    o.client = client;
    return o;
  }
  sisyphus::testing::TempDir dir_;
};

TEST_F(SeveralResources, TheReferenceClientFetchesEachVerifiedResourceAndBothAreChecked) {
  const auto r = run_scenario(load(kFileAndSum), options("reference"));
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("") << r.error.value_or("");
  // The file: dropped at 100000, then the whole new version (If-Range failed); the sum once,
  // describing the version served last.
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(r.bytes_sent, 100000 + kFile + kSum);
  EXPECT_EQ(r.size, kFile + kSum);
  EXPECT_EQ(r.bytes_wasted, 100000u);
  ASSERT_EQ(r.attempt_log.size(), 3u);
  EXPECT_EQ(r.attempt_log[0].path, "/file");
  EXPECT_EQ(r.attempt_log[1].path, "/file");
  EXPECT_EQ(r.attempt_log[1].attempt, 2u);
  EXPECT_EQ(r.attempt_log[2].path, "/file.sha256");
  EXPECT_EQ(r.attempt_log[2].attempt, 1u);  // attempts count per resource
}

TEST_F(SeveralResources, TheVerdictIsTheWorstResourcesAndNamesIt) {
  const auto r = run_scenario(load(kFileAndSum), options("naive"));
  // Range without If-Range splices two versions of the file; the sum is right.
  EXPECT_EQ(r.verdict, Verdict::corrupt);
  ASSERT_TRUE(r.corruption);
  EXPECT_EQ(r.corruption->resource, "file");
  EXPECT_EQ(r.attempts, 3u);
}

TEST_F(SeveralResources, ACommandGetsEveryResourceByIdAndItsChecksumChecksOut) {
  const auto s = load(R"(name: updater
resources:
  - id: manifest
    path: /latest.json
    text: '{"url": "{path:file}", "size": {size:file}, "sha256": "{sha256:file}"}'
  - id: file
    path: /app.bin
    size: 100000
  - id: sum
    path: /app.bin.sha256
    text: "{sha256:file}  app.bin\n"
expect:
  verify: [file, sum, manifest]
)");
  // An updater: the manifest, then the file and its checksum, checked with sha256sum.
  const auto r = run_scenario(
      s, options("command: curl -fsS -o {output:manifest} {url:manifest} && "
                 "curl -fsS -o {output:file} {url:file} && curl -fsS -o {output:sum} {url:sum} && "
                 "printf '%s  %s\\n' \"$(cut -c1-64 {output:sum})\" {output:file} | "
                 "sha256sum -c --quiet && grep -q '\"size\": 100000' {output:manifest}"));
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("") << r.error.value_or("");
  EXPECT_EQ(r.client_exit_code, 0);
  EXPECT_EQ(r.attempts, 3u);
  const std::uint64_t manifest =
      std::string(R"({"url": "/app.bin", "size": 100000, "sha256": ""})").size() + 64;
  EXPECT_EQ(r.bytes_sent, 100000 + 64 + 10 + manifest);
  EXPECT_EQ(r.bytes_wasted, 0u);
}

// Issue 15's example: the first attempt is redirected to a mirror that drops at 50 %.
constexpr const char* kMirror = R"(name: mirror
resources:
  - id: file
    size: 100000
    attempts:
      - redirect: /mirror/file
  - id: mirror
    path: /mirror/file
    size: 100000
    attempts:
      - drop: {at: 50%, how: close}
expect:
  verify: [file]
)";

TEST_F(SeveralResources, ARedirectToAFailingMirrorIsResumedFromTheOrigin) {
  const auto r = run_scenario(load(kMirror), options("reference"));
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("") << r.error.value_or("");
  ASSERT_EQ(r.attempt_log.size(), 3u);
  // The origin's 302, the mirror's cut 200, then the origin's 206 of the rest: nothing wasted
  // but the redirect's own short body.
  EXPECT_EQ(r.attempt_log[0].path, "/file");
  EXPECT_EQ(r.attempt_log[0].status, 302);
  EXPECT_EQ(r.attempt_log[1].path, "/file");
  EXPECT_EQ(r.attempt_log[1].status, 206);
  EXPECT_EQ(r.attempt_log[1].range, "bytes=50000-");
  EXPECT_EQ(r.attempt_log[1].bytes_sent, 50000u);
  EXPECT_EQ(r.attempt_log[2].path, "/mirror/file");
  EXPECT_EQ(r.attempt_log[2].bytes_sent, 50000u);
  // One copy of the file was needed; only the redirect's own short body was not.
  EXPECT_EQ(r.size, 100000u);
  EXPECT_GT(r.attempt_log[0].bytes_sent, 0u);
  EXPECT_EQ(r.bytes_wasted, r.attempt_log[0].bytes_sent);
}

TEST_F(SeveralResources, AnUnknownResourceInACommandIsAHarnessError) {
  const auto r =
      run_scenario(load(kFileAndSum), options("command: curl -fsS -o {output} {url:nope}"));
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.error, "placeholder '{url:nope}' names no resource of this scenario");
}

}  // namespace
}  // namespace sisyphus::runner
