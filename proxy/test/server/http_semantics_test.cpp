// RFC 9110 behaviour of the origin server, over real loopback sockets, with exact statuses,
// header values and body bytes.
#include <gtest/gtest.h>

#include <thread>

#include "server_fixture.hpp"
#include "sisyphus/core/sha256.hpp"

namespace sisyphus::test {
namespace {

constexpr std::uint64_t kSize = 100000;
const std::string kScenario = R"(
name: semantics
resource: {path: /file, size: 100000, seed: 7}
)";

class HttpSemantics : public ServerTest {
 protected:
  void SetUp() override { start(kScenario); }
};

TEST_F(HttpSemantics, FullGetReturnsTheSyntheticContentWithAllHeaders) {
  HttpResponse r = get("/file");
  ASSERT_EQ(r.end, End::complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.header("Content-Length"), "100000");
  EXPECT_EQ(r.header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.header("ETag"), "\"7-186a0\"");
  EXPECT_EQ(r.header("Last-Modified"), "Mon, 01 Jan 2024 00:00:00 GMT");
  EXPECT_EQ(r.header("Server"), "sisyphus");
  EXPECT_TRUE(r.header("Date").has_value());
  EXPECT_FALSE(r.header("Repr-Digest").has_value());
  EXPECT_EQ(r.body, content_bytes(7, 0, kSize));
}

}  // namespace
}  // namespace sisyphus::test
