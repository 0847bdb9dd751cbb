// Hostile and malformed input: every case gets its exact status (or a clean close), is
// logged, and leaves the server serving.
#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

const std::string kScenario = "name: hostile\nresource: {path: /file, size: 4096, seed: 9}\n";

class HostileInput : public ServerTest {
 protected:
  void SetUp() override {
    proxy::ServerOptions options;
    options.header_timeout = std::chrono::milliseconds(1000);
    options.idle_timeout = std::chrono::milliseconds(1500);
    start(kScenario, options);
  }
  // The server still answers a plain GET.
  void expect_still_serving() {
    HttpResponse r = get("/file");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(same_bytes(r.body, content_bytes(9, 0, 4096)));
  }
  // The log holds `n` records, the first of them answered `statuses`; then the server still
  // serves.
  void expect_logged_then_serving(std::size_t n, const std::vector<int>& statuses) {
    auto log = log_with(n);
    ASSERT_EQ(log.size(), n);
    for (std::size_t i = 0; i < statuses.size(); ++i) EXPECT_EQ(log[i].status, statuses[i]) << i;
    expect_still_serving();
  }
  // Sends raw bytes on a fresh connection; returns the response and how the server ended
  // the connection afterwards.
  std::pair<HttpResponse, End> exchange(const std::string& bytes) {
    RawClient c = connect();
    c.try_send(bytes);
    HttpResponse r = c.read_response(false, 5s);
    End after = r.end == End::complete ? c.wait_close(3s) : r.end;
    return {r, after};
  }
};

TEST_F(HostileInput, MalformedRequestsGet400AndAClose) {
  const std::vector<std::string> requests{
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /file HTTP/1.1 extra\r\nHost: x\r\n\r\n",
      "GET /file HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
      "GET /file HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
      "GET /file HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "GET /file HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
      "GET /file HTTP/1.1\r\n\r\n",                        // no Host
      "GET /file HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two Hosts
      "GET file HTTP/1.1\r\nHost: x\r\n\r\n",              // not origin-form
      "GET /file HTTP/1.1\nHost: x\n\n",                   // bare LF line endings
  };
  for (const auto& req : requests) {
    SCOPED_TRACE(req);
    auto [r, after] = exchange(req);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "400 Bad Request\n");
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_EQ(after, End::fin);
  }
  auto log = log_with(requests.size());
  ASSERT_EQ(log.size(), requests.size());
  for (const auto& rec : log) {
    EXPECT_EQ(rec.status, 400);
    EXPECT_TRUE(rec.error.has_value());
    EXPECT_EQ(rec.attempt, 0u);
  }
  expect_still_serving();
}

TEST_F(HostileInput, HeadersOver16KiBGet431) {
  const std::string big(17 * 1024, 'a');
  auto [r, after] = exchange("GET /file HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.reason, "Request Header Fields Too Large");
  EXPECT_NE(after, End::timeout);
  // Many small fields that add up past the limit are refused the same way.
  std::string many = "GET /file HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += fmt::format("X-{}: v\r\n", i);
  auto [r2, after2] = exchange(many + "\r\n");
  EXPECT_EQ(r2.status, 431);
  // Just under the limit is fine.
  HttpResponse ok = get("/file", {{"X-Pad", std::string(15 * 1024, 'b')}});
  EXPECT_EQ(ok.status, 200);
  expect_logged_then_serving(3, {431});
}

TEST_F(HostileInput, SlowHeadersAreCutOffAtTheHeaderTimeout) {
  RawClient c = connect();
  const std::string req =
      "GET /file HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
  const auto start_time = Clock::now();
  std::size_t sent = 0;
  while (sent < req.size() && Clock::now() - start_time < 5s) {
    if (!c.try_send(req.substr(sent, 1))) break;
    ++sent;
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) break;  // the server answered (or closed)
  }
  const auto elapsed = Clock::now() - start_time;
  HttpResponse r = c.read_response(false, 2s);
  EXPECT_EQ(r.status, 408);
  EXPECT_LT(sent, req.size());
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(c.wait_close(2s), End::fin);
  expect_logged_then_serving(1, {408});
}

TEST_F(HostileInput, SilentAndIdleConnectionsAreClosed) {
  RawClient silent = connect();
  const auto t0 = Clock::now();
  EXPECT_EQ(silent.wait_close(4s), End::fin);  // header timeout, nothing was ever sent
  EXPECT_LT(Clock::now() - t0, 3s);
  RawClient idle = connect();
  idle.send(request("GET", "/file", {{"Range", "bytes=0-0"}}));
  EXPECT_EQ(idle.read_response().status, 206);
  const auto t1 = Clock::now();
  EXPECT_EQ(idle.wait_close(5s), End::fin);  // keep-alive idle timeout
  EXPECT_GE(Clock::now() - t1, 1s);
  EXPECT_EQ(log_with(1).size(), 1u);  // a connection that sent nothing is not a request
  wait_connections_closed();
  EXPECT_EQ(server_->stats().connections_open, 0u);
}

TEST_F(HostileInput, AThousandRangesAreIgnoredNotAmplified) {
  std::string disjoint = "bytes=";
  std::string overlapping = "bytes=";
  for (int i = 0; i < 1000; ++i) {
    disjoint += fmt::format("{}{}-{}", i ? "," : "", i * 4, i * 4);
    overlapping += fmt::format("{}0-4095", i ? "," : "");
  }
  for (const auto& range : {disjoint, overlapping}) {
    HttpResponse r = get("/file", {{"Range", range}});
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(same_bytes(r.body, content_bytes(9, 0, 4096)));
  }
  // 100 ranges are still honoured (as multipart), so the limit is where core puts it.
  std::string hundred = "bytes=";
  for (int i = 0; i < 100; ++i) hundred += fmt::format("{}{}-{}", i ? "," : "", i * 4, i * 4);
  HttpResponse m = get("/file", {{"Range", hundred}});
  EXPECT_EQ(m.status, 206);
  EXPECT_TRUE(m.header("Content-Type").value_or("").starts_with("multipart/byteranges"));
  expect_still_serving();
}

TEST_F(HostileInput, UnknownMethodsGet405WithAllow) {
  RawClient c = connect();
  for (std::string method : {"BREW", "POST", "DELETE", "PUT", "OPTIONS", "PATCH"}) {
    SCOPED_TRACE(method);
    // A body is read and discarded, so the connection stays usable.
    c.send(method + " /file HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    HttpResponse r = c.read_response();
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), "GET, HEAD");
    EXPECT_EQ(r.body, "405 Method Not Allowed\n");
  }
  c.send(request("GET", "/file"));
  EXPECT_EQ(c.read_response().status, 200);
  auto log = log_with(7);
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[0].method, "BREW");
  EXPECT_EQ(log[0].status, 405);
  EXPECT_EQ(log[6].attempt, 1u);  // refused methods are not attempts
}

TEST_F(HostileInput, OversizedBodiesAndVersionsAndTruncatedRequests) {
  auto [big, after_big] =
      exchange("GET /file HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  EXPECT_EQ(big.status, 413);
  // Another protocol version on an HTTP/1 connection is a malformed request line.
  auto [v2, after_v2] = exchange("GET /file HTTP/2.0\r\nHost: x\r\n\r\n");
  EXPECT_EQ(v2.status, 400);
  EXPECT_EQ(after_v2, End::fin);
  // A request cut short by the client's FIN: answered 400, logged.
  RawClient c = connect();
  c.send("GET /file HTTP/1.1\r\nHo");
  c.shutdown_send();
  EXPECT_EQ(c.read_response().status, 400);
  expect_logged_then_serving(3, {413, 400, 400});
}

// ---------------------------------------------------------------------------------------
// 1,000 concurrent downloads with faults, driven by one poll() loop.

struct Download {
  int fd = -1;
  std::string out;  // request bytes not yet sent
  std::string in;   // everything received
  bool closed = false;
  End end = End::complete;
};

TEST(HostileLoad, AThousandConcurrentDownloadsWithFaults) {
  // Enough descriptors for 1,000 client and 1,000 server sockets in this one process.
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  lim.rlim_cur = lim.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_cur < 2100) GTEST_SKIP() << "RLIMIT_NOFILE hard limit below 2100";

  constexpr std::size_t kClients = 1000;
  constexpr std::uint64_t kSize = 64 * 1024;
  proxy::Server server({}, scenario_from(R"(
name: load
seed: 3
resource: {size: 64KiB, seed: 4}
faults:
  - drop: {at: 32KiB, how: reset, probability: 0.25}
  - drop: {at: 16KiB, how: close, probability: 0.25}
  - latency: {first_byte: 5ms}
)"));
  server.start();

  std::vector<Download> d(kClients);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (auto& x : d) {
    x.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(x.fd, 0);
    int rc = ::connect(x.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS);
    x.out = request("GET", "/file", {{"Connection", "close"}});
  }
  const auto deadline = Clock::now() + 30s;
  std::size_t open = kClients;
  std::vector<pollfd> fds(kClients);
  while (open > 0 && Clock::now() < deadline) {
    for (std::size_t i = 0; i < kClients; ++i) {
      fds[i] = {d[i].closed ? -1 : d[i].fd,
                static_cast<short>(d[i].out.empty() ? POLLIN : (POLLIN | POLLOUT)), 0};
    }
    ASSERT_GE(::poll(fds.data(), fds.size(), 1000), 0);
    for (std::size_t i = 0; i < kClients; ++i) {
      Download& x = d[i];
      if (x.closed || fds[i].revents == 0) continue;
      if (!x.out.empty() && (fds[i].revents & POLLOUT)) {
        ssize_t n = ::send(x.fd, x.out.data(), x.out.size(), MSG_NOSIGNAL);
        if (n > 0) x.out.erase(0, static_cast<std::size_t>(n));
      }
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[65536];
        ssize_t n = ::recv(x.fd, buf, sizeof buf, 0);
        if (n > 0) {
          x.in.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
          x.end = n == 0 ? End::fin : (errno == ECONNRESET ? End::rst : End::timeout);
          x.closed = true;
          ::close(x.fd);
          --open;
        }
      }
    }
  }
  ASSERT_EQ(open, 0u) << "downloads still running after 30 s";

  // Each download is one of: complete (64 KiB, FIN), cut at 16 KiB (FIN), cut at 32 KiB (RST).
  const std::string content = content_bytes(4, 0, kSize);
  std::size_t full = 0, cut16 = 0, cut32 = 0, other = 0;
  for (const auto& x : d) {
    auto head_end = x.in.find("\r\n\r\n");
    std::string body = head_end == std::string::npos ? "" : x.in.substr(head_end + 4);
    bool prefix = content.compare(0, body.size(), body) == 0;
    if (!x.in.starts_with("HTTP/1.1 200 OK\r\n") || !prefix) {
      ++other;
    } else if (body.size() == kSize && x.end == End::fin) {
      ++full;
    } else if (body.size() == 16 * 1024 && x.end == End::fin) {
      ++cut16;
    } else if (body.size() == 32 * 1024 && x.end == End::rst) {
      ++cut32;
    } else {
      ++other;
    }
  }
  EXPECT_EQ(other, 0u);
  EXPECT_EQ(full + cut16 + cut32, kClients);

  // Every request is in the log, and the log agrees with what the clients saw.
  auto deadline_log = Clock::now() + 5s;
  while (server.log().size() < kClients && Clock::now() < deadline_log) {
    std::this_thread::sleep_for(5ms);
  }
  const auto log = server.log();
  ASSERT_EQ(log.size(), kClients);
  std::size_t logged_full = 0, logged16 = 0, logged32 = 0;
  for (const auto& rec : log) {
    EXPECT_EQ(rec.status, 200);
    if (rec.bytes_sent == kSize) ++logged_full;
    if (rec.bytes_sent == 16 * 1024) ++logged16;
    if (rec.bytes_sent == 32 * 1024) ++logged32;
  }
  EXPECT_EQ(logged_full, full);
  EXPECT_EQ(logged16, cut16);
  EXPECT_EQ(logged32, cut32);
  EXPECT_GT(cut16, 100u);  // p = 0.25 each over 1,000 requests: both kinds surely fire
  EXPECT_GT(cut32, 100u);

  // No connection leaks, and the server still serves.
  auto deadline_conn = Clock::now() + 10s;
  while (server.stats().connections_open > 0 && Clock::now() < deadline_conn) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(server.stats().connections_open, 0u);
  EXPECT_EQ(server.stats().connections_total, kClients);
  EXPECT_EQ(fetch("127.0.0.1", server.port(), "GET", "/file", {{"Range", "bytes=0-9"}}).status,
            206);
}

}  // namespace
}  // namespace sisyphus::testing
