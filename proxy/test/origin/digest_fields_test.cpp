// RFC 9530 on the origin: Content-Digest of each response's own bytes beside Repr-Digest,
// and the Want-Repr-Digest / Want-Content-Digest preferences, over real loopback sockets.
#include "origin/digest_fields.hpp"

#include <gtest/gtest.h>

#include "sisyphus/core/sha256.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 300000;
constexpr std::uint64_t kSeed = 11;

std::string sha_field(std::string_view bytes) {
  return "sha-256=:" + to_base64(Sha256::of(bytes)) + ":";
}

class DigestFields : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<proxy::Server>(proxy::ServerOptions{}, scenario_from(R"(
name: digest-fields
resource: {size: 300000, seed: 11, digest: true}
)"));
    server_->start();
  }
  HttpResponse get(const Headers& headers = {}, std::string_view method = "GET") {
    return fetch("127.0.0.1", server_->port(), method, "/file", headers);
  }
  const std::string content_ = content_bytes(kSeed, 0, kSize);
  std::unique_ptr<proxy::Server> server_;
};

TEST_F(DigestFields, A206CarriesTheDigestOfItsOwnBytesAndOfTheWholeRepresentation) {
  HttpResponse r = get({{"Range", "bytes=1000-20999"}});
  ASSERT_EQ(r.status, 206);
  ASSERT_EQ(r.body.size(), 20000u);
  EXPECT_EQ(r.header("Content-Digest"), sha_field(std::string_view(content_).substr(1000, 20000)));
  EXPECT_EQ(r.header("Repr-Digest"), sha_field(content_));
}

TEST_F(DigestFields, A200CarriesTheSameValueInBothFields) {
  HttpResponse r = get();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Digest"), sha_field(content_));
  EXPECT_EQ(r.header("Repr-Digest"), sha_field(content_));
  // HEAD: the fields a GET would carry.
  HttpResponse h = get({}, "HEAD");
  EXPECT_EQ(h.header("Content-Digest"), sha_field(content_));
}

TEST_F(DigestFields, MultipartContentDigestCoversTheWholeMultipartBody) {
  HttpResponse r = get({{"Range", "bytes=0-9,100-199"}});
  ASSERT_EQ(r.status, 206);
  ASSERT_TRUE(r.header("Content-Type")->starts_with("multipart/byteranges"));
  EXPECT_EQ(r.header("Content-Digest"), sha_field(r.body));
  EXPECT_EQ(r.header("Repr-Digest"), sha_field(content_));
}

TEST_F(DigestFields, WantFieldsChooseWhichDigestsAreSent) {
  // Only Content-Digest wanted (Repr-Digest: sha-256 not acceptable).
  HttpResponse a = get({{"Range", "bytes=0-99"},
                        {"Want-Repr-Digest", "sha-256=0"},
                        {"Want-Content-Digest", "sha-512=3, sha-256=1"}});
  EXPECT_FALSE(a.header("Repr-Digest").has_value());
  EXPECT_EQ(a.header("Content-Digest"), sha_field(std::string_view(content_).substr(0, 100)));
  // Only algorithms the server lacks: that field is left out, the other one stays.
  HttpResponse b = get({{"Want-Content-Digest", "sha-512=10, md5=1"}});
  EXPECT_EQ(b.status, 200);
  EXPECT_FALSE(b.header("Content-Digest").has_value());
  EXPECT_EQ(b.header("Repr-Digest"), sha_field(content_));
  // A field that is not a Dictionary of weights is ignored, as if absent.
  HttpResponse c = get({{"Want-Repr-Digest", "sha-256"}, {"Want-Content-Digest", "sha-256=11"}});
  EXPECT_EQ(c.header("Repr-Digest"), sha_field(content_));
  EXPECT_EQ(c.header("Content-Digest"), sha_field(content_));
}

TEST(DigestFieldsOff, AResourceWithoutDigestSendsNoneEvenWhenAsked) {
  proxy::Server s({}, scenario_from("name: no-digest\nresource: {size: 1000, seed: 3}\n"));
  s.start();
  HttpResponse r = fetch("127.0.0.1", s.port(), "GET", "/file",
                         {{"Want-Repr-Digest", "sha-256=5"}, {"Want-Content-Digest", "sha-256=5"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.header("Repr-Digest").has_value());
  EXPECT_FALSE(r.header("Content-Digest").has_value());
}

TEST(DigestFieldsParse, WantPreferences) {
  using proxy::sends_digest_field;
  EXPECT_TRUE(sends_digest_field(std::nullopt));
  EXPECT_TRUE(sends_digest_field("sha-256=1"));
  EXPECT_TRUE(sends_digest_field("sha-512=10, sha-256=10;x=1"));
  EXPECT_FALSE(sends_digest_field("sha-256=0"));
  EXPECT_FALSE(sends_digest_field("sha-512=3"));
  EXPECT_FALSE(sends_digest_field("sha-256=4, sha-256=0"));  // the last duplicate wins
  EXPECT_TRUE(sends_digest_field("sha-256"));                // no Dictionary of weights: ignored
  EXPECT_TRUE(sends_digest_field("sha-256=-1"));
  EXPECT_TRUE(sends_digest_field("SHA-256=0"));  // keys are lowercase: not a Dictionary
}

TEST(DigestFieldsParse, LiesAreWellFormedOrVisiblyMalformed) {
  const Sha256::Digest d = Sha256::of(std::string_view("abc"));
  const std::string truth = proxy::digest_field(d);
  const std::string other = proxy::digest_field(d, proxy::DigestLie::other);
  EXPECT_NE(other, truth);
  Sha256::Digest parsed;
  ASSERT_TRUE(parse_sha256_base64(std::string_view(other).substr(9, other.size() - 10), parsed));
  EXPECT_EQ(parsed[31], d[31] ^ 0x01);
  const std::string bad = proxy::digest_field(d, proxy::DigestLie::malformed);
  EXPECT_FALSE(parse_sha256_base64(std::string_view(bad).substr(9, bad.size() - 10), parsed));
}

}  // namespace
}  // namespace sisyphus::testing
