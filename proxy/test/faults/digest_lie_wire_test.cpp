// lying_repr_digest and wrong_content_digest over loopback: the exact field values, the
// untouched body and validators, and the log.
#include <gtest/gtest.h>

#include "sisyphus/core/sha256.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

std::string sha_field(std::string_view bytes) {
  return "sha-256=:" + to_base64(Sha256::of(bytes)) + ":";
}

// The true field with the last bit of its digest flipped: what `value: other` sends.
std::string flipped_field(std::string_view bytes) {
  Sha256::Digest d = Sha256::of(bytes);
  d.back() ^= 0x01;
  return "sha-256=:" + to_base64(d) + ":";
}

TEST_F(ServerTest, LyingReprDigestChangesTheDigestButNotTheEtagOrTheBytes) {
  start(scenario_yaml("lying", "size: 40000, seed: 9, digest: true", R"(attempts:
  - drop: {at: 20000}
  - lying_repr_digest: {}
  - lying_repr_digest: {value: malformed}
  - {}
)"));
  const std::string content = content_bytes(9, 0, 40000);
  HttpResponse r1 = get("/file");
  EXPECT_EQ(r1.body.size(), 20000u);
  EXPECT_EQ(r1.header("Repr-Digest"), sha_field(content));
  const Headers resume{{"Range", "bytes=20000-"}, {"If-Range", *r1.header("ETag")}};
  HttpResponse r2 = get("/file", resume);
  EXPECT_EQ(r2.status, 206);
  EXPECT_EQ(r2.header("ETag"), r1.header("ETag"));
  EXPECT_EQ(r2.header("Last-Modified"), r1.header("Last-Modified"));
  EXPECT_EQ(r2.body, content.substr(20000));
  EXPECT_EQ(r2.header("Repr-Digest"), flipped_field(content));
  EXPECT_EQ(r2.header("Content-Digest"), sha_field(content.substr(20000)));  // still true
  HttpResponse r3 = get("/file", resume);
  // 31 bytes of the digest: "sha-256=:" + 44 base64 characters ending in '=' + ":".
  EXPECT_EQ(
      r3.header("Repr-Digest"),
      "sha-256=:" + to_base64(std::span(Sha256::of(std::string_view(content)).data(), 31)) + ":");
  EXPECT_EQ(r3.body, content.substr(20000));
  HttpResponse r4 = get("/file", resume);
  EXPECT_EQ(r4.header("Repr-Digest"), sha_field(content));

  const auto log = by_attempt(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[1].fault, "lying_repr_digest");
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(log[3].fault, std::nullopt);
}

TEST_F(ServerTest, WrongContentDigestDisagreesWithTheIntactPart) {
  start(scenario_yaml("wrong-content", "size: 40000, seed: 4, digest: true", R"(attempts:
  - wrong_content_digest: {}
  - status: {code: 503}
  - {wrong_content_digest: {}, status: {code: 503}}
  - {}
)"));
  const std::string content = content_bytes(4, 0, 40000);
  HttpResponse r1 = get("/file", {{"Range", "bytes=100-1099"}});
  EXPECT_EQ(r1.status, 206);
  EXPECT_EQ(r1.body, content.substr(100, 1000));
  EXPECT_EQ(r1.header("Content-Digest"), flipped_field(content.substr(100, 1000)));
  EXPECT_EQ(r1.header("Repr-Digest"), sha_field(content));
  // A status fault's text is no representation: no digest field, lie or not.
  EXPECT_EQ(get("/file").header_count("Content-Digest"), 0u);
  EXPECT_EQ(get("/file").header_count("Content-Digest"), 0u);
  HttpResponse r4 = get("/file", {{"Range", "bytes=100-1099"}});
  EXPECT_EQ(r4.header("Content-Digest"), sha_field(content.substr(100, 1000)));
}

TEST_F(ServerTest, DigestLiesAreSentEvenWithoutDigestOrWhenNotWanted) {
  start(scenario_yaml("forced", "size: 3000, seed: 5", R"(attempts:
  - wrong_content_digest: {}
  - lying_repr_digest: {}
  - {}
)"));
  const std::string content = content_bytes(5, 0, 3000);
  const Headers not_wanted{{"Want-Content-Digest", "sha-256=0"}, {"Want-Repr-Digest", "md5=1"}};
  HttpResponse r1 = get("/file", not_wanted);
  EXPECT_EQ(r1.header("Content-Digest"), flipped_field(content));
  EXPECT_EQ(r1.header_count("Repr-Digest"), 0u);
  HttpResponse r2 = get("/file", not_wanted);
  EXPECT_EQ(r2.header("Repr-Digest"), flipped_field(content));
  EXPECT_EQ(r2.header_count("Content-Digest"), 0u);
  HttpResponse r3 = get("/file");
  EXPECT_EQ(r3.header_count("Repr-Digest"), 0u);
  EXPECT_EQ(r3.header_count("Content-Digest"), 0u);
}

}  // namespace
}  // namespace sisyphus::testing
