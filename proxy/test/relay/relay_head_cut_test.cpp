// The head-cut faults (empty_reply, head_cut, endless_head, garbage) on relayed answers: the
// proxy asks nginx, then sends the client exactly the planned bytes of the head it would
// have relayed (or the garbage), and no body byte; the next attempt relays whole.
#include <gtest/gtest.h>

#include "relay_fixture.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

std::string raw_get(RawClient c, End& end) {
  c.send(request("GET", "/file.bin"));
  std::string bytes;
  end = c.wait_close(5s, &bytes);
  return bytes;
}

TEST_F(RelayTest, HeadCutsApplyToRelayedAnswersByteExactly) {
  start(R"(name: head-cuts
attempts:
  - empty_reply: {how: reset}
  - head_cut: {at: 40}
  - endless_head: {for: 200ms}
  - garbage: {bytes: 300, how: reset}
)");
  End e1, e2, e3, e4;
  const std::string b1 = raw_get(connect(), e1);
  const std::string b2 = raw_get(connect(), e2);
  const std::string b3 = raw_get(connect(), e3);
  const std::string b4 = raw_get(connect(), e4);
  const HttpResponse clean = get("/file.bin");
  ASSERT_EQ(clean.status, 200);
  EXPECT_TRUE(clean.body == file_bytes(0, kFileSize));

  EXPECT_EQ(b1, "");
  EXPECT_EQ(e1, End::rst);
  EXPECT_EQ(b2, clean.head.substr(0, 40));
  EXPECT_EQ(e2, End::fin);
  // Every relayed field but the empty line (nginx's Date may tick between the two).
  EXPECT_EQ(b3.size(), clean.head.size() - 2);
  EXPECT_EQ(b3.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(b3.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(e3, End::fin);
  EXPECT_EQ(b4.size(), 300u);
  EXPECT_EQ(b4.find("HTTP/"), std::string::npos);
  EXPECT_EQ(e4, End::rst);

  const auto log = by_attempt(log_with(5));
  ASSERT_EQ(log.size(), 5u);
  const char* faults[] = {"empty_reply", "head_cut", "endless_head", "garbage"};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log[i].status, 200);
    EXPECT_EQ(log[i].bytes_sent, 0u);
    EXPECT_EQ(log[i].fault, faults[i]);
  }
  EXPECT_EQ(log[4].bytes_sent, kFileSize);
}

}  // namespace
}  // namespace sisyphus::testing
