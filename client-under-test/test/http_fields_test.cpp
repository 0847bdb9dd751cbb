#include "sisyphus/client/http_fields.hpp"

#include <gtest/gtest.h>

namespace sisyphus::client {
namespace {

using namespace std::chrono;

// 1994-11-06T08:49:37Z, the example of RFC 9110 §5.6.7.
constexpr SysSeconds kExample{seconds{784111777}};

TEST(HttpDate, ParsesTheThreeFormatsOfRfc9110) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), kExample);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), kExample);
  EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT "), kExample);
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), SysSeconds{seconds{0}});
  EXPECT_EQ(parse_http_date("Mon, 01 Jan 2024 00:00:00 GMT"), SysSeconds{seconds{1704067200}});
  EXPECT_EQ(parse_http_date("Monday, 01-Jan-24 00:00:00 GMT"), SysSeconds{seconds{1704067200}});
  EXPECT_EQ(parse_http_date("Thu Feb 29 12:00:00 2024"), SysSeconds{seconds{1709208000}});
}

TEST(HttpDate, RejectsEverythingElse) {
  for (const char* bad : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT x",
                          "Sun 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z", "120"}) {
    EXPECT_FALSE(parse_http_date(bad).has_value()) << bad;
  }
}

TEST(HttpDate, FormatsImfFixdateAndRoundTrips) {
  EXPECT_EQ(format_http_date(kExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(SysSeconds{seconds{1709208000}}), "Thu, 29 Feb 2024 12:00:00 GMT");
  for (std::int64_t t : {0LL, 951782400LL, 1704067200LL, 4102444799LL}) {
    SysSeconds s{seconds{t}};
    EXPECT_EQ(parse_http_date(format_http_date(s)), s) << t;
  }
}

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
