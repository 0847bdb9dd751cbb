// `resources:` over loopback: each path served as its own resource, with its own attempts,
// changes and rules; a text resource filled with the SHA-256, size and path of the file it
// describes as served at that moment; any other path 404.
#include <gtest/gtest.h>

#include <string>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 100000;

constexpr const char* kUpdater = R"(name: updater
resources:
  - id: manifest
    path: /latest.json
    text: '{"url": "{path:file}", "size": {size:file}, "sha256": "{sha256:file}"}'
  - id: file
    path: /app.bin
    size: 100000
    seed: 7
    attempts:
      - drop: {at: 50%, how: close}
    changes:
      - before_attempt: 2
  - id: sum
    path: /app.bin.sha256
    text: "{sha256:file}  app.bin\n"
faults:
  - status: {code: 503, attempts: [1], resource: manifest}
)";

std::string manifest_of(std::uint64_t seed) {
  return R"({"url": "/app.bin", "size": 100000, "sha256": ")" + sha256_hex_of_content(seed, kSize) +
         "\"}";
}

TEST_F(ServerTest, EachResourceIsServedAtItsPathWithItsOwnAttemptsAndChanges) {
  start(kUpdater);
  // The rule names the manifest: its first GET is the 503, the file's are not.
  HttpResponse refused = get("/latest.json");
  EXPECT_EQ(refused.status, 503);
  HttpResponse manifest = get("/latest.json");
  EXPECT_EQ(manifest.status, 200);
  EXPECT_EQ(manifest.body, manifest_of(7));
  EXPECT_EQ(manifest.header("Content-Length"), std::to_string(manifest_of(7).size()));

  // The file's own attempts: the first GET of /app.bin is dropped at 50 %.
  HttpResponse first = get("/app.bin");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, content_bytes(7, 0, kSize / 2));
  HttpResponse sum_before = get("/app.bin.sha256");
  EXPECT_EQ(sum_before.body, sha256_hex_of_content(7, kSize) + "  app.bin\n");

  // Its change comes before its own attempt 2, and the texts describe the new version.
  HttpResponse second = get("/app.bin");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, content_bytes(8, 0, kSize));
  HttpResponse sum_after = get("/app.bin.sha256");
  EXPECT_EQ(sum_after.body, sha256_hex_of_content(8, kSize) + "  app.bin\n");
  EXPECT_NE(sum_after.header("ETag"), sum_before.header("ETag"));
  EXPECT_EQ(get("/latest.json").body, manifest_of(8));

  // A text answers ranges like any representation; an old If-Range gets the whole new text.
  HttpResponse part = get("/app.bin.sha256", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, sha256_hex_of_content(8, kSize).substr(0, 10));
  HttpResponse stale = get(
      "/app.bin.sha256", {{"Range", "bytes=10-"}, {"If-Range", sum_before.header("ETag").value()}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, sum_after.body);

  EXPECT_EQ(get("/file").status, 404);
  EXPECT_EQ(get("/app.bin.md5").status, 404);

  // Attempts are counted per path.
  const auto log = get_requests(log_with(11));
  std::vector<std::uint32_t> file_attempts;
  for (const auto& r : log) {
    if (r.path == "/app.bin") file_attempts.push_back(r.attempt);
  }
  EXPECT_EQ(file_attempts, (std::vector<std::uint32_t>{1, 2}));
}

}  // namespace
}  // namespace sisyphus::testing
