#include "sisyphus/client/http_fields.hpp"

#include <gtest/gtest.h>

namespace sisyphus::client {
namespace {

using namespace std::chrono;

TEST(RetryAfter, DelaySecondsAndDates) {
  const SysSeconds now{seconds{1704067200}};
  EXPECT_EQ(parse_retry_after("0", now), Duration{0});
  EXPECT_EQ(parse_retry_after("1", now), seconds(1));
  EXPECT_EQ(parse_retry_after(" 120 ", now), seconds(120));
  EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2024 00:00:05 GMT", now), seconds(5));
  EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2024 01:00:00 GMT", now), hours(1));
  // A date already past means "now".
  EXPECT_EQ(parse_retry_after("Sun, 31 Dec 2023 23:59:00 GMT", now), Duration{0});
  // Absurd delays saturate instead of overflowing; the backoff cap bounds them anyway.
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), seconds(1'000'000'000));
}

TEST(RetryAfter, InvalidValues) {
  const SysSeconds now{seconds{0}};
  for (const char* bad : {"", "-1", "1.5", "10s", "soon", "5 5"}) {
    EXPECT_FALSE(parse_retry_after(bad, now).has_value()) << bad;
  }
}

TEST(LastModified, StrongOnlyWithADateAtLeastOneSecondLater) {
  const char* lm = "Mon, 01 Jan 2024 00:00:00 GMT";
  EXPECT_TRUE(last_modified_is_strong(lm, "Mon, 01 Jan 2024 00:00:01 GMT"));
  EXPECT_TRUE(last_modified_is_strong(lm, "Tue, 25 Nov 2025 03:00:00 GMT"));
  EXPECT_FALSE(last_modified_is_strong(lm, "Mon, 01 Jan 2024 00:00:00 GMT"));
  EXPECT_FALSE(last_modified_is_strong(lm, "Sun, 31 Dec 2023 23:00:00 GMT"));
  EXPECT_FALSE(last_modified_is_strong(lm, std::nullopt));
  EXPECT_FALSE(last_modified_is_strong(std::nullopt, "Mon, 01 Jan 2024 00:00:01 GMT"));
  EXPECT_FALSE(last_modified_is_strong("garbage", "Mon, 01 Jan 2024 00:00:01 GMT"));
}

TEST(Etag, WeakAndValid) {
  EXPECT_FALSE(is_weak_etag("\"abc\""));
  EXPECT_TRUE(is_weak_etag("W/\"abc\""));
  EXPECT_TRUE(is_valid_etag("\"abc\""));
  EXPECT_TRUE(is_valid_etag("W/\"1-2\""));
  EXPECT_TRUE(is_valid_etag("\"\""));
  EXPECT_FALSE(is_valid_etag("abc"));
  EXPECT_FALSE(is_valid_etag("\"a\"b\""));
  EXPECT_FALSE(is_valid_etag("w/\"abc\""));
  EXPECT_FALSE(is_valid_etag("\"a b\""));
  EXPECT_FALSE(is_valid_etag("\""));
}

TEST(ReprDigest, FindsTheSha256Member) {
  // SHA-256 of the empty string.
  const auto empty = Sha256::of(std::string_view{});
  const std::string b64 = to_base64(empty);
  EXPECT_EQ(b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(parse_repr_digest_sha256("sha-256=:" + b64 + ":"), empty);
  EXPECT_EQ(parse_repr_digest_sha256("sha-512=:AAAA:, sha-256=:" + b64 + ":"), empty);
  EXPECT_EQ(parse_repr_digest_sha256(" sha-256=:" + b64 + ":;param=1 "), empty);
  EXPECT_FALSE(parse_repr_digest_sha256("sha-512=:AAAA:").has_value());
  EXPECT_FALSE(parse_repr_digest_sha256("sha-256=" + b64).has_value());
  EXPECT_FALSE(parse_repr_digest_sha256("sha-256=:AAAA:").has_value());
  EXPECT_FALSE(parse_repr_digest_sha256("").has_value());
}

}  // namespace
}  // namespace sisyphus::client
