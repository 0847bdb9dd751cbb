// What a connection costs the server's heap while it waits: idle before its first request,
// idle between keep-alive requests, and stuck in a body that its client stopped reading.
// Measured in-process with mallinfo2() (bytes allocated, all arenas, mmapped chunks
// included) as the heap the connections hand back when they close, so the request log and
// the allocator's warm-up are not counted; no timing is asserted.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "sisyphus/testing/loopback.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

std::size_t heap_in_use() {
  const struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

// A client connection as a bare descriptor: a RawClient's own buffers would be counted in
// the process's heap with the server's.
class Socket {
 public:
  Socket(std::uint16_t port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    const sockaddr_in addr = loopback_address(port);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect failed");
    }
    timeval tv{.tv_sec = 10, .tv_usec = 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  void send(std::string_view bytes) const {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
      throw std::runtime_error("send failed");
  }
  // Reads the head of a response, and then its Content-Length body unless `head_only`.
  void receive(bool head_only = false) const {
    std::string head;
    char c = 0;
    while (!head.ends_with("\r\n\r\n")) {
      if (::recv(fd_, &c, 1, 0) != 1) throw std::runtime_error("recv failed");
      head += c;
    }
    if (head_only) return;
    const auto at = head.find("Content-Length: ");
    std::size_t left = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    char buf[4096];
    while (left > 0) {
      const ssize_t n = ::recv(fd_, buf, std::min(left, sizeof buf), 0);
      if (n <= 0) throw std::runtime_error("recv failed");
      left -= static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
};

// 1000-byte resource; a 64 MiB one at /big for the readers that stop.
const std::string kScenario = "name: memory\nresource: {path: /file, size: 1000, seed: 1}\n";
const std::string kBig = "name: memory\nresource: {path: /big, size: 64MiB, seed: 1}\n";

class ConnectionMemory : public ServerTest {
 protected:
  void SetUp() override {
    rlimit lim{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
    lim.rlim_cur = lim.rlim_max;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lim), 0);
    if (lim.rlim_cur < 2 * kIdle + 100) GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low";
  }
  void start_server(const std::string& yaml) {
    proxy::ServerOptions options;
    options.header_timeout = std::chrono::seconds(60);
    options.idle_timeout = std::chrono::seconds(60);
    start(yaml, options);
    // Warm-up: the io threads' allocation caches, the log's first records.
    for (int i = 0; i < 20; ++i) {
      Socket s(port());
      s.send(request("GET", "/file", {{"Connection", "close"}}));
      s.receive();
    }
    wait_connections_closed();
  }
  void wait_open(std::size_t n) {
    const auto deadline = Clock::now() + 20s;
    while (server_->stats().connections_open < n && Clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
    ASSERT_EQ(server_->stats().connections_open, n);
  }
  // Heap bytes per connection that closing `clients` hands back.
  double per_connection(std::vector<Socket>& clients) {
    const std::size_t with = heap_in_use();
    const std::size_t n = clients.size();
    clients.clear();
    wait_connections_closed();
    const std::size_t without = heap_in_use();
    return with > without ? static_cast<double>(with - without) / static_cast<double>(n) : 0.0;
  }
  static void report(const char* what, double bytes) {
    std::printf("[ memory ] %s: %.0f bytes per connection\n", what, bytes);
  }
  static constexpr std::size_t kIdle = 2000;
};

TEST_F(ConnectionMemory, ConnectedButSilentConnectionsHoldNoReadBuffer) {
  start_server(kScenario);
  std::vector<Socket> clients;
  for (std::size_t i = 0; i < kIdle; ++i) clients.emplace_back(port());
  wait_open(kIdle);
  const double per = per_connection(clients);
  report("connected, no request yet", per);
  EXPECT_LT(per, 8 * 1024);  // 20.5 KB before the read buffer waited for bytes
}

TEST_F(ConnectionMemory, IdleKeepAliveConnectionsHoldNoReadBuffer) {
  start_server(kScenario);
  std::vector<Socket> clients;
  for (std::size_t i = 0; i < kIdle; ++i) {
    Socket& s = clients.emplace_back(port());
    s.send(request("GET", "/file"));
    s.receive();
  }
  wait_open(kIdle);
  log_with(kIdle + 20);
  const double per = per_connection(clients);
  report("idle keep-alive after one request", per);
  EXPECT_LT(per, 8 * 1024);  // 20.5 KB before the read buffer waited for bytes
}

TEST_F(ConnectionMemory, ReadersThatStopHoldNoBodyBuffer) {
  start_server(kBig);
  constexpr std::size_t kStuck = 100;
  std::vector<Socket> clients;
  for (std::size_t i = 0; i < kStuck; ++i) {
    Socket& s = clients.emplace_back(port(), 4096);
    s.send(request("GET", "/big"));
    s.receive(true);  // the head; then nothing more is read
  }
  wait_open(kStuck);
  // Until every server write has filled its socket's send buffer and waits.
  std::size_t before = heap_in_use();
  for (int stable = 0, i = 0; stable < 5 && i < 200; ++i) {
    std::this_thread::sleep_for(20ms);
    const std::size_t now = heap_in_use();
    stable = now == before ? stable + 1 : 0;
    before = now;
  }
  const double per = per_connection(clients);
  report("stuck in a 64 MiB body", per);
  EXPECT_LT(per, 16 * 1024);  // 89.6 KB while the 64 KiB piece was held
}

// A throttled herd (bench/c10k.sh) spends nearly all its time between writes: a response
// waiting for its next pacing slot holds no piece of its body.
TEST_F(ConnectionMemory, ThrottledBodiesHoldNoBodyBufferBetweenTheirWrites) {
  start_server(
      "name: memory\nresource: {path: /big, size: 64MiB, seed: 1}\n"
      "faults:\n  - throttle: {rate: 16KiB/s}\n");
  constexpr std::size_t kPaced = 200;
  std::vector<Socket> clients;
  for (std::size_t i = 0; i < kPaced; ++i) {
    Socket& s = clients.emplace_back(port());
    s.send(request("GET", "/big"));
    s.receive(true);  // the head; the first slice follows at once, the next after 1 s
  }
  wait_open(kPaced);
  std::this_thread::sleep_for(200ms);  // every first write done, none of the second yet
  const double per = per_connection(clients);
  report("throttled, between writes", per);
  EXPECT_LT(per, 16 * 1024);  // 74.6 KB while each held a 64 KiB piece through the pacing
}

// `sisyphus proxy`: a connection that has not asked for anything holds no relay buffer. The
// upstream is never contacted (no request), so it need not exist.
TEST_F(ConnectionMemory, ProxyConnectionsHoldNoRelayBufferBeforeARequest) {
  proxy::ServerOptions options;
  options.header_timeout = std::chrono::seconds(60);
  options.upstream = "http://127.0.0.1:9";
  server_ = std::make_unique<proxy::Server>(
      std::move(options), proxy::load_relay_scenario_string("name: pass\n", "relay.yaml"));
  server_->start();
  std::vector<Socket> clients;
  for (std::size_t i = 0; i < kIdle; ++i) clients.emplace_back(port());
  wait_open(kIdle);
  const double per = per_connection(clients);
  report("proxy, connected, no request yet", per);
  EXPECT_LT(per, 8 * 1024);  // 271 KB while each session allocated its relay buffer at once
}

}  // namespace
}  // namespace sisyphus::testing
