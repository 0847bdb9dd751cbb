// Executing fault plans on the bodies the semantics tests cover: cuts, corruptions and
// range shifts inside multipart bodies (resource offsets within parts, response offsets
// counting the framing), cuts outside the body, a reset while the client reads slowly.
// The per-kind wire tests (exact cuts at 1,000 offsets, throttle, latency, stall) live in
// proxy/test/faults/.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <thread>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSeed = 21;
const std::string kTwoParts = "bytes=0-99,1000-1999";

std::string scenario(const std::string& attempts) {
  return "name: plan\nseed: 4\nresource: {size: 10000, seed: 21}\nattempts:\n" + attempts;
}

// Where resource offset `offset` sits in the body of the multipart response `clean`
// (whose parts are in order): the position of its byte in the part holding it.
std::size_t multipart_position(const std::string& clean, std::uint64_t part_first,
                               std::uint64_t offset, const std::string& range_header) {
  const std::size_t header = clean.find("Content-Range: " + range_header);
  EXPECT_NE(header, std::string::npos);
  const std::size_t data = clean.find("\r\n\r\n", header) + 4;
  return data + (offset - part_first);
}

class PlanExecution : public ServerTest {};

TEST_F(PlanExecution, DropInsideTheSecondPartOfAMultipartBody) {
  start(scenario("  - drop: {at: 1500, how: close}\n  - {}\n"));
  HttpResponse cut = get("/file", {{"Range", kTwoParts}});
  HttpResponse clean = get("/file", {{"Range", kTwoParts}});
  ASSERT_EQ(clean.end, End::complete);
  const std::size_t at = multipart_position(clean.body, 1000, 1500, "bytes 1000-1999/10000");
  EXPECT_EQ(cut.status, 206);
  EXPECT_EQ(cut.end, End::fin);
  EXPECT_TRUE(same_bytes(cut.body, clean.body.substr(0, at)));
  EXPECT_TRUE(cut.body.ends_with(content_bytes(kSeed, 1000, 500)));
  auto log = log_with(2);
  EXPECT_EQ(log[0].bytes_sent, at);
  EXPECT_EQ(log[0].fault, "drop");
}

TEST_F(PlanExecution, AfterCountsMultipartFramingBytes) {
  start(scenario("  - drop: {after: 50, how: reset}\n"));
  HttpResponse cut = get("/file", {{"Range", kTwoParts}});
  EXPECT_EQ(cut.end, End::rst);
  EXPECT_EQ(cut.body.size(), 50u);
  EXPECT_TRUE(cut.body.starts_with("--sisyphus-"));
}

TEST_F(PlanExecution, ACutOutsideTheBodyHasNoEffectAndIsNotLogged) {
  // Between the two parts; then before a range; then at the very end of a full body.
  start(
      scenario("  - drop: {at: 500, how: reset}\n  - drop: {at: 1000, how: close}\n"
               "  - drop: {at: 10000, how: close}\n"));
  HttpResponse between = get("/file", {{"Range", kTwoParts}});
  HttpResponse before = get("/file", {{"Range", "bytes=5000-"}});
  HttpResponse end = get("/file");
  EXPECT_EQ(between.end, End::complete);
  EXPECT_EQ(before.end, End::complete);
  EXPECT_TRUE(same_bytes(before.body, content_bytes(kSeed, 5000, 5000)));
  EXPECT_EQ(end.end, End::complete);
  EXPECT_EQ(end.body.size(), 10000u);
  for (const auto& record : log_with(3)) {
    EXPECT_FALSE(record.fault.has_value()) << record.attempt;
    EXPECT_EQ(record.status, record.attempt == 3 ? 200 : 206);
  }
}

TEST_F(PlanExecution, CorruptionInsideAPartFlipsExactlyThatByte) {
  start(scenario("  - corrupt: {at: 1010, bytes: 1}\n  - {}\n"));
  HttpResponse bad = get("/file", {{"Range", kTwoParts}});
  HttpResponse clean = get("/file", {{"Range", kTwoParts}});
  ASSERT_EQ(bad.body.size(), clean.body.size());
  const std::size_t at = multipart_position(clean.body, 1000, 1010, "bytes 1000-1999/10000");
  std::vector<std::size_t> differing;
  for (std::size_t i = 0; i < bad.body.size(); ++i) {
    if (bad.body[i] != clean.body[i]) differing.push_back(i);
  }
  ASSERT_EQ(differing.size(), 1u);
  EXPECT_EQ(differing[0], at);
}

TEST_F(PlanExecution, WrongRangeShiftsEveryPartAndClampsAtTheEdges) {
  start(
      scenario("  - wrong_range: {shift: 1KiB}\n  - wrong_range: {shift: -1KiB}\n"
               "  - wrong_range: {shift: 1KiB}\n"));
  HttpResponse multi = get("/file", {{"Range", kTwoParts}});
  EXPECT_NE(
      multi.body.find("Content-Range: bytes 0-99/10000\r\n\r\n" + content_bytes(kSeed, 1024, 100)),
      std::string::npos);
  EXPECT_NE(multi.body.find("Content-Range: bytes 1000-1999/10000\r\n\r\n" +
                            content_bytes(kSeed, 2024, 1000)),
            std::string::npos);
  HttpResponse back = get("/file", {{"Range", "bytes=5000-5099"}});
  EXPECT_EQ(back.header("Content-Range"), "bytes 5000-5099/10000");
  EXPECT_TRUE(same_bytes(back.body, content_bytes(kSeed, 5000 - 1024, 100)));
  // Shifting past the end is clamped: the last 100 bytes cannot come from further on.
  HttpResponse tail = get("/file", {{"Range", "bytes=-100"}});
  EXPECT_TRUE(same_bytes(tail.body, content_bytes(kSeed, 9900, 100)));
  // A 200 has no range to misplace.
  proxy::Server plain({}, scenario_from(scenario("  - wrong_range: {shift: 1KiB}\n")));
  plain.start();
  EXPECT_TRUE(same_bytes(fetch("127.0.0.1", plain.port(), "GET", "/file").body,
                         content_bytes(kSeed, 0, 10000)));
}

TEST_F(PlanExecution, ResetWaitsForASlowReaderToTakeEveryByte) {
  // 200 KiB are written before the reset while the client has not read anything yet: the
  // bytes sit in the kernel's queues, and an RST sent now would discard them.
  start(
      "name: slow\nresource: {size: 256KiB, seed: 8}\nattempts:\n"
      "  - drop: {at: 200KiB, how: reset}\n");
  RawClient c = connect();
  c.set_receive_buffer(16 * 1024);
  c.send(request("GET", "/file"));
  std::this_thread::sleep_for(300ms);
  HttpResponse r = c.read_response();
  EXPECT_EQ(r.end, End::rst);
  EXPECT_TRUE(same_bytes(r.body, content_bytes(8, 0, 200 * 1024)));
  EXPECT_EQ(log_with(1)[0].bytes_sent, 200u * 1024);
}

TEST_F(PlanExecution, HeadIsNeitherAnAttemptNorFaulted) {
  start(scenario("  - drop: {at: 10, how: close}\n"));
  HttpResponse h = head("/file");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("Content-Length"), "10000");
  HttpResponse g = get("/file");
  EXPECT_EQ(g.body.size(), 10u);  // the GET is attempt 1
  auto log = log_with(2);
  EXPECT_EQ(log[0].attempt, 0u);
  EXPECT_FALSE(log[0].fault.has_value());
  EXPECT_EQ(log[1].attempt, 1u);
}

TEST_F(PlanExecution, StatusBodyAndHeadersReplaceTheResponse) {
  start(scenario("  - status: {code: 429, retry_after: 3s}\n  - status: {code: 599}\n"));
  HttpResponse r = get("/file", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.reason, "Too Many Requests");
  EXPECT_EQ(r.header("Retry-After"), "3");
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "429 Too Many Requests\n");
  EXPECT_FALSE(r.header("Content-Range").has_value());
  EXPECT_FALSE(r.header("ETag").has_value());
  HttpResponse odd = get("/file");
  EXPECT_EQ(odd.status, 599);
  EXPECT_EQ(odd.body, "599 Server Error\n");
  EXPECT_EQ(get("/file").status, 200);
}

}  // namespace
}  // namespace sisyphus::testing
