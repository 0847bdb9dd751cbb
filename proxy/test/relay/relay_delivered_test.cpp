// Delivered bytes through the proxy (DESIGN.md "Byte accounting"), on both of its body paths:
// splice(2) from the upstream socket (a Content-Length body nobody looks at) and the copy
// through user space (here re-framed as chunked). bytes_sent is what the client's TCP
// acknowledged, bytes_written what the proxy wrote into the client's socket.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>

#include "relay_fixture.hpp"

namespace sisyphus::testing {
namespace {

constexpr int kSmallReceiveBuffer = 4096;  // the client's SO_RCVBUF (the kernel doubles it)
// A client that drops the answer after its head closes once the proxy's socket holds this many
// bytes it has not acknowledged.
constexpr std::uint64_t kServerQueue = 64 * 1024;

class RelayDelivered : public RelayTest {
 protected:
  void expect_head_then_close_charged_its_window(std::string_view what) {
    RawClient c = head_only_client(port(), "/file.bin", kSmallReceiveBuffer, kServerQueue);
    const int receive_buffer = c.receive_buffer();
    c.close();
    const auto log = log_with(1);
    ASSERT_EQ(log.size(), 1u);
    std::cout << fmt::format("{}: bytes_written {}, bytes_sent {}, client SO_RCVBUF {}\n", what,
                             log[0].bytes_written, log[0].bytes_sent, receive_buffer);
    EXPECT_EQ(log[0].status, 200);
    EXPECT_GE(log[0].bytes_written, 64u * 1024);
    EXPECT_LE(log[0].bytes_sent, static_cast<std::uint64_t>(receive_buffer));
  }
  // Two whole answers on one connection, read by a client far slower than the proxy writes.
  void expect_complete_answers_counted_exactly() {
    RawClient c = RawClient::connect("127.0.0.1", port(), 5s, kSmallReceiveBuffer);
    for (int i = 0; i < 2; ++i) {
      c.send(request("GET", "/file.bin"));
      HttpResponse r = c.read_response();
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body.size(), kFileSize);
    }
    expect_kept_alive_and_delivered_whole(log_with(2), 2, kFileSize);
  }
};

TEST_F(RelayDelivered, SplicedHeadThenCloseIsChargedAtMostItsReceiveBuffer) {
  start("name: pass\n");
  expect_head_then_close_charged_its_window("relay, spliced, head then close");
}

TEST_F(RelayDelivered, CopiedChunkedHeadThenCloseIsChargedAtMostItsReceiveBuffer) {
  start("name: chunked\nserver: {chunked: true}\n");
  expect_head_then_close_charged_its_window("relay, chunked, head then close");
}

TEST_F(RelayDelivered, SplicedCompleteAnswersCountExactlyTheBody) {
  start("name: pass\n");
  expect_complete_answers_counted_exactly();
}

TEST_F(RelayDelivered, CopiedChunkedCompleteAnswersCountTheBodyWithoutFraming) {
  start("name: chunked\nserver: {chunked: true}\n");
  expect_complete_answers_counted_exactly();
}

TEST_F(RelayDelivered, AnExactDropCountsTheBytesBeforeTheOffsetInBoth) {
  start(R"(name: drop
attempts:
  - drop: {at: 2000000, how: reset}
)");
  RawClient c = RawClient::connect("127.0.0.1", port(), 5s, kSmallReceiveBuffer);
  c.send(request("GET", "/file.bin"));
  HttpResponse r = c.read_response();
  EXPECT_EQ(r.body.size(), 2000000u);
  EXPECT_EQ(r.end, End::rst);
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, 2000000u);
  EXPECT_EQ(log[0].bytes_written, 2000000u);
  EXPECT_EQ(log[0].fault, "drop");
}

}  // namespace
}  // namespace sisyphus::testing
