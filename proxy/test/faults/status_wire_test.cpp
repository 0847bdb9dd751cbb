// status over loopback: the replacement status, its text body and the exact Retry-After.
#include <gtest/gtest.h>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

const std::string kScenario = scenario_yaml("statuses", "size: 5000, seed: 2", R"(attempts:
  - status: {code: 503, retry_after: 1s}
  - status: {code: 429, retry_after: 2500ms}
  - status: {code: 503, retry_after: "Wed, 21 Oct 2026 07:28:00 GMT"}
  - status: {code: 500}
  - {}
)");

TEST_F(ServerTest, StatusReplacesTheResponseWithExactRetryAfter) {
  start(std::string(kScenario));
  HttpResponse r1 = get("/file");
  EXPECT_EQ(r1.status, 503);
  EXPECT_EQ(r1.reason, "Service Unavailable");
  EXPECT_EQ(r1.header_count("Retry-After"), 1u);
  EXPECT_EQ(r1.header("Retry-After"), "1");
  EXPECT_EQ(r1.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r1.body, "503 Service Unavailable\n");
  EXPECT_EQ(r1.end, End::complete);

  HttpResponse r2 = get("/file");
  EXPECT_EQ(r2.status, 429);
  EXPECT_EQ(r2.header("Retry-After"), "3");  // whole seconds, rounded up
  EXPECT_EQ(r2.body, "429 Too Many Requests\n");

  HttpResponse r3 = get("/file");
  EXPECT_EQ(r3.status, 503);
  EXPECT_EQ(r3.header("Retry-After"), "Wed, 21 Oct 2026 07:28:00 GMT");

  HttpResponse r4 = get("/file");
  EXPECT_EQ(r4.status, 500);
  EXPECT_EQ(r4.header_count("Retry-After"), 0u);
  EXPECT_EQ(r4.body, "500 Internal Server Error\n");

  HttpResponse r5 = get("/file");
  EXPECT_EQ(r5.status, 200);
  EXPECT_EQ(r5.header_count("Retry-After"), 0u);
  EXPECT_EQ(r5.body, content_bytes(2, 0, 5000));

  const auto log = by_attempt(log_with(5));
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].status, 503);
  EXPECT_EQ(log[0].fault, "status");
  EXPECT_EQ(log[1].status, 429);
  EXPECT_EQ(log[4].status, 200);
  EXPECT_EQ(log[4].fault, std::nullopt);
}

TEST_F(ServerTest, StatusKeepsTheConnectionAlive) {
  start(std::string(kScenario));
  RawClient c = connect();
  c.send(request("GET", "/file"));
  EXPECT_EQ(c.read_response().status, 503);
  c.send(request("GET", "/file"));
  EXPECT_EQ(c.read_response().status, 429);
}

}  // namespace
}  // namespace sisyphus::testing
