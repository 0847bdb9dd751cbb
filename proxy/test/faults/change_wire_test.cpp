// Resource change (`changes:`) over loopback: after a change the content seed, ETag and
// Last-Modified are new, and an If-Range with the old validator gets the new full body (200).
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kSize = 100000;  // 0x186a0

TEST_F(ServerTest, IfRangeAfterAChangeReturnsTheNewFullBody) {
  start(scenario_yaml("change", "size: 100000, seed: 20", R"(attempts:
  - drop: {at: 50%, how: close}
changes:
  - before_attempt: 2
)"));
  HttpResponse first = get("/file");
  EXPECT_EQ(first.end, End::fin);
  EXPECT_EQ(first.body, content_bytes(20, 0, 50000));
  const std::string old_etag = first.header("ETag").value_or("");
  EXPECT_EQ(old_etag, "\"14-186a0\"");
  EXPECT_EQ(first.header("Last-Modified"), "Mon, 01 Jan 2024 00:00:00 GMT");

  // The careful resume: Range from what it holds, If-Range with the old ETag.
  HttpResponse resumed = get("/file", {{"Range", "bytes=50000-"}, {"If-Range", old_etag}});
  EXPECT_EQ(resumed.status, 200);
  EXPECT_EQ(resumed.header_count("Content-Range"), 0u);
  EXPECT_EQ(resumed.header("ETag"), "\"15-186a0\"");
  EXPECT_EQ(resumed.header("Last-Modified"), "Mon, 01 Jan 2024 01:00:00 GMT");
  EXPECT_EQ(resumed.body, content_bytes(21, 0, kSize));
  EXPECT_NE(resumed.body.substr(0, 50000), first.body);

  // With the old Last-Modified date as the validator: the same 200.
  HttpResponse by_date =
      get("/file", {{"Range", "bytes=50000-"}, {"If-Range", "Mon, 01 Jan 2024 00:00:00 GMT"}});
  EXPECT_EQ(by_date.status, 200);
  EXPECT_EQ(by_date.body, content_bytes(21, 0, kSize));

  // With the new ETag the range is honoured, from the new content.
  HttpResponse current = get("/file", {{"Range", "bytes=50000-"}, {"If-Range", "\"15-186a0\""}});
  EXPECT_EQ(current.status, 206);
  EXPECT_EQ(current.body, content_bytes(21, 50000, 50000));

  // The naive resume (Range without If-Range) gets a 206 of the new content: a splice.
  HttpResponse naive = get("/file", {{"Range", "bytes=50000-"}});
  EXPECT_EQ(naive.status, 206);
  EXPECT_EQ(naive.body, content_bytes(21, 50000, 50000));

  const auto log = by_attempt(log_with(5));
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].content_seed, 20u);
  for (std::size_t i = 1; i < 5; ++i) EXPECT_EQ(log[i].content_seed, 21u);
}

TEST_F(ServerTest, TimedChangeFollowsTheTimeScale) {
  proxy::ServerOptions options;
  options.time_scale = TimeScale(0.1);  // 2 s -> 200 ms
  start(scenario_yaml("timed-change", "size: 1000, seed: 30", R"(changes:
  - at_time: 2s
  - at_time: 1h
)"),
        options);
  HttpResponse before = head("/file");
  EXPECT_EQ(before.header("ETag"), "\"1e-3e8\"");
  std::this_thread::sleep_for(300ms);
  HttpResponse after = get("/file");
  EXPECT_EQ(after.header("ETag"), "\"1f-3e8\"");
  EXPECT_EQ(after.body, content_bytes(31, 0, 1000));
  HttpResponse after_head = head("/file");
  EXPECT_EQ(after_head.header("ETag"), "\"1f-3e8\"");
}

}  // namespace
}  // namespace sisyphus::testing
