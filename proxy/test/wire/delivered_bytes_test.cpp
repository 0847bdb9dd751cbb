// Delivered bytes over real loopback sockets (DESIGN.md "Byte accounting"): the log's
// bytes_sent is what the client's TCP acknowledged, bytes_written what the server wrote into
// its socket. A client that drops a response after its head is charged what its receive
// buffer took, not the megabytes the server's send buffer swallowed; a client that reads
// everything is charged exactly the body, however far behind the server it reads.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 8 * 1024 * 1024;
constexpr std::uint64_t kSeed = 11;
constexpr std::string_view kResource = "path: /file, size: 8388608, seed: 11";
// The client's SO_RCVBUF (the kernel doubles it): the most that can wait unread in it.
constexpr int kSmallReceiveBuffer = 4096;
// A client that drops the answer after its head closes once the server's socket holds this
// many bytes it has not acknowledged.
constexpr std::uint64_t kServerQueue = 64 * 1024;

class DeliveredBytes : public ServerTest {
 protected:
  RawClient small_window_client() {
    return RawClient::connect("127.0.0.1", port(), 5s, kSmallReceiveBuffer);
  }
  // A client that asked for /file and read the head of the answer only.
  RawClient head_only() {
    std::string head;
    RawClient c = head_only_client(port(), "/file", kSmallReceiveBuffer, kServerQueue, &head);
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 ")) << head;
    return c;
  }
  // The figures for the report of a run (ctest -V shows them).
  static void show(std::string_view what, const proxy::LogRecord& r, int receive_buffer) {
    std::cout << fmt::format("{}: bytes_written {}, bytes_sent {}, client SO_RCVBUF {}\n", what,
                             r.bytes_written, r.bytes_sent, receive_buffer);
  }
  // A client that read the head and then closed with the body unread (which resets the
  // connection) is charged at most what its receive buffer held, although the server had
  // put far more into its socket.
  void expect_head_then_close_charged_its_window(std::string_view what) {
    RawClient c = head_only();
    const int receive_buffer = c.receive_buffer();
    c.close();
    const auto log = log_with(1);
    ASSERT_EQ(log.size(), 1u);
    show(what, log[0], receive_buffer);
    EXPECT_EQ(log[0].status, 200);
    EXPECT_GE(log[0].bytes_written, 64u * 1024);
    EXPECT_LE(log[0].bytes_sent, static_cast<std::uint64_t>(receive_buffer));
    EXPECT_TRUE(log[0].error.has_value());
  }
};

TEST_F(DeliveredBytes, HeadThenCloseIsChargedAtMostItsReceiveBuffer) {
  start(scenario_yaml("head-then-close", kResource, ""));
  expect_head_then_close_charged_its_window("head then close");
}

TEST_F(DeliveredBytes, HeadThenCloseOfAChunkedBodyIsChargedAtMostItsReceiveBuffer) {
  // The body is counted without its framing: the chunk-size lines that reached the client
  // are not body bytes.
  start(scenario_yaml("head-then-close-chunked", kResource, "server: {chunked: true}\n"));
  expect_head_then_close_charged_its_window("head then close, chunked");
}

TEST_F(DeliveredBytes, AReaderThatStopsIsChargedWhatItAcknowledgedOnceWritesTimeOut) {
  // The client keeps the connection open and reads nothing more: the server's writes time out
  // (idle timeout), it stops waiting once nothing is acknowledged for a while, and logs.
  proxy::ServerOptions options;
  options.idle_timeout = 500ms;
  start(scenario_yaml("stopped-reader", kResource, ""), options);
  RawClient c = head_only();
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  show("stopped reader", log[0], c.receive_buffer());
  EXPECT_GE(log[0].bytes_written, 64u * 1024);
  EXPECT_LE(log[0].bytes_sent, static_cast<std::uint64_t>(c.receive_buffer()));
  EXPECT_EQ(log[0].error, "write timeout: the client stopped reading");
}

TEST_F(DeliveredBytes, CompleteKeptAliveResponsesCountExactlyTheBodyEvenReadSlowly) {
  // The server's last write lands in its send buffer long before this small-windowed client
  // has read it all: the record waits for the client's acknowledgements.
  start(scenario_yaml("keep-alive", kResource, ""));
  RawClient c = small_window_client();
  const std::string whole = content_bytes(kSeed, 0, kSize);
  for (int i = 0; i < 2; ++i) {
    c.send(request("GET", "/file"));
    HttpResponse r = c.read_response();
    EXPECT_EQ(r.end, End::complete);
    EXPECT_TRUE(same_bytes(r.body, whole));
  }
  c.send(request("GET", "/file", {{"Range", "bytes=100-199999"}}));
  HttpResponse r = c.read_response();
  EXPECT_EQ(r.status, 206);
  const auto log = by_attempt(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  const std::uint64_t expected[] = {kSize, kSize, 199900};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(log[i].bytes_sent, expected[i]) << i;
    EXPECT_EQ(log[i].bytes_written, expected[i]) << i;
    EXPECT_EQ(log[i].connection, log[0].connection) << i;
    EXPECT_FALSE(log[i].error.has_value()) << *log[i].error;
  }
}

TEST_F(DeliveredBytes, AReaderSlowerThanTheIdleTimeoutIsWaitedForToItsLastByte) {
  // All 1 MiB fits in the server's send buffer, so its writes end at once; the client then
  // takes over a second to read it, 8 KiB every 8 ms: several idle timeouts, never a pause.
  proxy::ServerOptions options;
  options.idle_timeout = 500ms;
  start(scenario_yaml("slow-reader", "path: /file, size: 1048576, seed: 11", ""), options);
  RawClient c = small_window_client();
  c.send(request("GET", "/file"));
  c.read_head_only();
  std::string body;
  while (body.size() < 1048576) {
    const std::string got = c.read_some(5s, 8192);
    ASSERT_FALSE(got.empty()) << "after " << body.size() << " bytes";
    body += got;
    std::this_thread::sleep_for(8ms);
  }
  EXPECT_TRUE(same_bytes(body, content_bytes(kSeed, 0, 1048576)));
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_sent, 1048576u);
  EXPECT_EQ(log[0].bytes_written, 1048576u);
  EXPECT_FALSE(log[0].error.has_value()) << *log[0].error;
  EXPECT_GT(log[0].duration_s, 1.0);  // the record waited for the client
}

TEST_F(DeliveredBytes, CompleteChunkedResponsesCountTheBodyWithoutFraming) {
  start(scenario_yaml("keep-alive-chunked", kResource, "server: {chunked: true}\n"));
  RawClient c = small_window_client();
  for (int i = 0; i < 2; ++i) {
    c.send(request("GET", "/file"));
    HttpResponse r = c.read_response();
    EXPECT_TRUE(r.last_chunk);
    EXPECT_EQ(r.body.size(), kSize);
  }
  expect_kept_alive_and_delivered_whole(log_with(2), 2, kSize);
}

TEST_F(DeliveredBytes, ExactDropsCountTheBytesBeforeTheOffsetInBoth) {
  start(scenario_yaml("drops", kResource, R"(attempts:
  - drop: {at: 3000000, how: close}
  - drop: {at: 1234567, how: reset}
  - drop: {at: 0, how: close}
)"));
  const std::uint64_t at[] = {3000000, 1234567, 0};
  for (std::uint64_t n : at) {
    RawClient c = small_window_client();
    c.send(request("GET", "/file"));
    HttpResponse r = c.read_response();
    EXPECT_EQ(r.body.size(), n);
    EXPECT_NE(r.end, End::complete);
  }
  const auto log = by_attempt(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(log[i].bytes_sent, at[i]) << i;
    EXPECT_EQ(log[i].bytes_written, at[i]) << i;
    EXPECT_EQ(log[i].fault, "drop") << i;
  }
}

TEST_F(DeliveredBytes, AConnectionItsClientResetIsClosedWithoutWaitingForItsQueue) {
  // The drop's 100,000 bytes all fit in the server's socket, so it waits for them to be
  // acknowledged before its FIN. The client resets instead: the kernel still counts them as
  // unacknowledged (SIOCOUTQ), but none ever will be, and the connection must close now,
  // not when the wait gives up 5 s later (seen in the soak).
  start(scenario_yaml("reset-while-draining", kResource, R"(attempts:
  - drop: {at: 100000, how: close}
)"));
  RawClient c = head_only();
  const int receive_buffer = c.receive_buffer();
  c.close();
  const auto give_up = std::chrono::steady_clock::now() + 2s;
  while (server_->stats().connections_open > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(server_->stats().connections_open, 0u)
      << "still open 2 s after the client's reset: waiting for acknowledgements that cannot come";
  const auto log = log_with(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].bytes_written, 100000u);
  EXPECT_LE(log[0].bytes_sent, static_cast<std::uint64_t>(receive_buffer));
}

TEST_F(DeliveredBytes, AnErrorBodyReachesAClientThatClosesOnItsHeadEveryTime) {
  // The head waits for the body's first bytes and both leave in one segment: a client that
  // closes as soon as it has read a 503's head has received the body all the same, so what it
  // is charged does not depend on which got there first.
  constexpr int kRequests = 20;
  std::string attempts = "attempts:\n";
  for (int i = 0; i < kRequests; ++i) attempts += "  - status: {code: 503}\n";
  start(scenario_yaml("503s", kResource, attempts));
  for (int i = 0; i < kRequests; ++i) {
    RawClient c = connect();
    c.send(request("GET", "/file"));
    EXPECT_TRUE(c.read_head_only().starts_with("HTTP/1.1 503 ")) << i;
  }
  const auto log = log_with(kRequests);
  ASSERT_EQ(log.size(), static_cast<std::size_t>(kRequests));
  for (const auto& record : log) {
    EXPECT_EQ(record.status, 503);
    EXPECT_GT(record.bytes_written, 0u);
    EXPECT_EQ(record.bytes_sent, record.bytes_written) << "attempt " << record.attempt;
  }
}

TEST_F(DeliveredBytes, TheStatsCountBothOverAllRequests) {
  start(scenario_yaml("stats", kResource, ""));
  RawClient c = head_only();
  c.close();
  HttpResponse r = get("/file", {{"Range", "bytes=0-999"}});
  EXPECT_EQ(r.status, 206);
  const auto log = by_attempt(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  const proxy::Stats stats = server_->stats();
  EXPECT_EQ(stats.bytes_sent, log[0].bytes_sent + 1000);
  EXPECT_EQ(stats.bytes_written, log[0].bytes_written + 1000);
  EXPECT_LT(stats.bytes_sent, stats.bytes_written);
}

}  // namespace
}  // namespace sisyphus::testing
