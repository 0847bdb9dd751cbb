// HTTP-date (RFC 9110 §5.6.7): the three forms a recipient accepts, and IMF-fixdate out.
#include "sisyphus/core/http_date.hpp"

#include <gtest/gtest.h>

namespace sisyphus {
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

TEST(HttpDate, EveryDateItParsesFormatsBack) {
  // A leap second rolls into the next minute; in the last minute of 9999 that is year
  // 10000, which an HTTP-date cannot write (found by fuzz/http_date).
  EXPECT_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:60 GMT").has_value());
  const auto last = parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(format_http_date(*last), "Fri, 31 Dec 9999 23:59:59 GMT");
  const auto leap = parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT");
  ASSERT_TRUE(leap.has_value());
  EXPECT_EQ(format_http_date(*leap), "Sun, 01 Jan 2017 00:00:00 GMT");
}

TEST(HttpDate, TheDayNameIsNotCheckedAgainstTheDate) {
  // 1994-11-06 was a Sunday; the date decides, as in curl and nginx.
  EXPECT_EQ(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT"), kExample);
  EXPECT_EQ(parse_http_date("Friday, 06-Nov-94 08:49:37 GMT"), kExample);
  EXPECT_FALSE(parse_http_date("Xyz, 06 Nov 1994 08:49:37 GMT").has_value());
}

TEST(HttpDate, FormatsImfFixdateAndRoundTrips) {
  EXPECT_EQ(format_http_date(kExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(SysSeconds{seconds{1709208000}}), "Thu, 29 Feb 2024 12:00:00 GMT");
  for (std::int64_t t : {0LL, 951782400LL, 1704067200LL, 4102444799LL}) {
    SysSeconds s{seconds{t}};
    EXPECT_EQ(parse_http_date(format_http_date(s)), s) << t;
  }
}

TEST(HttpDate, UnixNowIsTheSystemClockInWholeSeconds) {
  const auto before = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  const std::int64_t now = unix_now();
  const auto after = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

}  // namespace
}  // namespace sisyphus
