// wrong_range and no_range over loopback.
#include <gtest/gtest.h>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 100000;

TEST_F(ServerTest, WrongRangeBodyStartsAtFirstPlusShift) {
  start(scenario_yaml("wrong-range", "size: 100000, seed: 12", R"(attempts:
  - wrong_range: {shift: 1KiB}
  - wrong_range: {shift: -1KiB}
  - wrong_range: {shift: 1KiB}
  - wrong_range: {shift: 1KiB}
)"));
  const Headers range{{"Range", "bytes=10000-19999"}};
  HttpResponse ahead = get("/file", range);
  EXPECT_EQ(ahead.status, 206);
  EXPECT_EQ(ahead.header("Content-Range"), "bytes 10000-19999/100000");  // the lie
  EXPECT_EQ(ahead.header("Content-Length"), "10000");
  EXPECT_EQ(ahead.body, content_bytes(12, 11024, 10000));

  HttpResponse behind = get("/file", range);
  EXPECT_EQ(behind.header("Content-Range"), "bytes 10000-19999/100000");
  EXPECT_EQ(behind.body, content_bytes(12, 8976, 10000));

  // Clamped so the slice stays inside the resource: near the end it moves only as far as it can.
  HttpResponse tail = get("/file", {{"Range", "bytes=99000-99899"}});
  EXPECT_EQ(tail.header("Content-Range"), "bytes 99000-99899/100000");
  EXPECT_EQ(tail.body, content_bytes(12, 99100, 900));

  // A 200 has no Content-Range to contradict: the body is correct.
  HttpResponse full = get("/file");
  EXPECT_EQ(full.status, 200);
  EXPECT_EQ(full.body, content_bytes(12, 0, kSize));
}

TEST_F(ServerTest, NoRangeAnswersTheWholeBodyWithoutAcceptRanges) {
  start(scenario_yaml("no-range", "size: 100000, seed: 13", R"(attempts:
  - no_range: {}
  - {}
)"));
  const Headers range{{"Range", "bytes=50000-"}};
  HttpResponse ignored = get("/file", range);
  EXPECT_EQ(ignored.status, 200);
  EXPECT_EQ(ignored.header_count("Accept-Ranges"), 0u);
  EXPECT_EQ(ignored.header_count("Content-Range"), 0u);
  EXPECT_EQ(ignored.header("Content-Length"), "100000");
  EXPECT_EQ(ignored.body, content_bytes(13, 0, kSize));

  HttpResponse honoured = get("/file", range);  // attempt 2 is clean
  EXPECT_EQ(honoured.status, 206);
  EXPECT_EQ(honoured.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(honoured.body, content_bytes(13, 50000, 50000));

  const auto log = by_attempt(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "no_range");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].bytes_sent, kSize);
}

}  // namespace
}  // namespace sisyphus::testing
