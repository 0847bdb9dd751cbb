// The test support that tells a server the test started from another test's listener that
// took its port in between (sisyphus/testing/loopback.hpp).
#include "sisyphus/testing/loopback.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>

namespace sisyphus::testing {
namespace {

// Listens on a free loopback port and answers one connection with `response`, then closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback_address(0);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("cannot listen");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, response = std::move(response)] {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char request[1024];
      (void)::recv(c, request, sizeof request, 0);
      (void)::send(c, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes the accept() of a server nobody called
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST(Loopback, ServesBodyTellsOurServerFromAnother) {
  {
    OneShotServer ours("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmine");
    EXPECT_TRUE(serves_body(ours.port(), "/.sisyphus-id", "mine"));
  }
  {
    OneShotServer other("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nother");
    EXPECT_FALSE(serves_body(other.port(), "/.sisyphus-id", "mine"));
  }
  {
    OneShotServer missing("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nmine");
    EXPECT_FALSE(serves_body(missing.port(), "/.sisyphus-id", "mine"));
  }
  {
    OneShotServer listening("");
    EXPECT_TRUE(accepts(listening.port()));
  }
  const std::uint16_t nobody = free_port();
  EXPECT_FALSE(accepts(nobody));
  EXPECT_FALSE(serves_body(nobody, "/.sisyphus-id", "mine"));
}

}  // namespace
}  // namespace sisyphus::testing
