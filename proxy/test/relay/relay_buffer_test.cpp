// The relay buffer: what a relayed body holds in user space (Stats::relay_buffer_bytes).
// A spliced body holds none once the bytes its head's read buffered are written (it held a
// 256 KiB buffer for the whole body: 2,000 slow readers, 556 MB); a copied one holds one
// write's worth; neither leaves any once its connection ends.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "relay_fixture.hpp"
#include "sisyphus/testing/loopback.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBody = 4 * 1024 * 1024;

// An upstream that answers every request with its head and the first 64 KiB of its body in
// one write (the proxy's head read then buffers body bytes), then the rest, as fast as the
// proxy takes it. One thread per connection; each ends when the proxy closes it.
class EagerUpstream {
 public:
  EagerUpstream() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback_address(0);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~EagerUpstream() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    ::close(listener_);
    {
      std::lock_guard lock(mutex_);
      for (const int fd : fds_) ::shutdown(fd, SHUT_RDWR);  // ends a send still blocked
    }
    for (auto& t : sessions_) t.join();
    for (const int fd : fds_) ::close(fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void accept_loop() {
    while (!stopping_) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      std::lock_guard lock(mutex_);
      fds_.push_back(fd);
      sessions_.emplace_back([fd] { serve(fd); });
    }
  }
  // Closes nothing: the destructor shuts the descriptors down, then closes them.
  static void serve(int fd) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      request.append(buf, static_cast<std::size_t>(n));
    }
    const std::string body = file_bytes(0, kBody);
    std::string first =
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        "ETag: \"eager\"\r\nContent-Length: " +
        std::to_string(kBody) + "\r\n\r\n" + body.substr(0, 64 * 1024);
    const auto send_all = [&](const std::string& what) {
      for (std::size_t at = 0; at < what.size();) {
        const ssize_t n = ::send(fd, what.data() + at, what.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return false;
        at += static_cast<std::size_t>(n);
      }
      return true;
    };
    if (send_all(first)) send_all(body.substr(64 * 1024));
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> fds_;
  std::vector<std::thread> sessions_;
};

class RelayBufferTest : public RelayTest {
 protected:
  // 20 connections that each read `first` bytes of /file.bin (head included), then stop.
  std::vector<RawClient> stopped_readers(std::size_t first) {
    std::vector<RawClient> clients;
    for (int i = 0; i < 20; ++i) {
      clients.push_back(connect());
      clients.back().set_receive_buffer(16 * 1024);
      clients.back().send(request("GET", "/file.bin"));
      std::size_t got = 0;
      while (got < first) {
        const std::string piece = clients.back().read_some(2s, first - got);
        if (piece.empty()) break;
        got += piece.size();
      }
      EXPECT_EQ(got, first);
    }
    return clients;
  }
  void wait_connections_closed() {
    const auto deadline = Clock::now() + 10s;
    while (proxy_->stats().connections_open > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(proxy_->stats().connections_open, 0u);
  }
  // The gauge once it is `n`, or what it is after 2 s.
  std::uint64_t relay_buffer_once(std::uint64_t n) {
    const auto deadline = Clock::now() + 2s;
    while (proxy_->stats().relay_buffer_bytes != n && Clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    return proxy_->stats().relay_buffer_bytes;
  }
};

TEST_F(RelayBufferTest, ASplicedBodyHoldsNoBufferOnceTheBytesItsHeadBroughtAreWritten) {
  EagerUpstream upstream;
  proxy::ServerOptions options;
  options.upstream = upstream.url();
  start("name: pass\n", options);
  // 200 KB each: past the 64 KiB the head's read buffered, into the spliced rest.
  auto clients = stopped_readers(200 * 1000);
  EXPECT_EQ(relay_buffer_once(0), 0u);
  for (auto& c : clients) c.close();
  wait_connections_closed();
}

TEST_F(RelayBufferTest, ACopiedBodyHoldsOneWriteAndGivesItBackWhenItEnds) {
  // A throttled body is copied (relay_descriptors_test.cpp): one 16 KiB slice per connection
  // at 64 KiB/s (docs/faults.md, throttle), from nginx, which writes head and body apart.
  start("name: slow\nresource: {path: /file.bin}\nfaults:\n  - throttle: {rate: 64KiB/s}\n");
  auto clients = stopped_readers(1000);
  EXPECT_EQ(relay_buffer_once(20 * 16 * 1024), 20u * 16 * 1024);
  for (auto& c : clients) c.close();
  wait_connections_closed();
  EXPECT_EQ(proxy_->stats().relay_buffer_bytes, 0u);
}

}  // namespace
}  // namespace sisyphus::testing
