#include "sisyphus/testing/loopback.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace sisyphus::testing {

sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback_address(0);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in a = loopback_address(port);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

bool serves_body(std::uint16_t port, std::string_view path, std::string_view body,
                 std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in a = loopback_address(port);
  std::string response;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
    const std::string request = "GET " + std::string(path) + " HTTP/1.0\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      for (;;) {  // HTTP/1.0: the server closes after the body
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        char chunk[4096];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        response.append(chunk, static_cast<std::size_t>(n));
      }
    }
  }
  ::close(fd);
  const auto end_of_head = response.find("\r\n\r\n");
  return response.starts_with("HTTP/1.1 200 ") && end_of_head != std::string::npos &&
         std::string_view(response).substr(end_of_head + 4) == body;
}

std::optional<std::uint64_t> unacknowledged_bytes(std::uint16_t local_port,
                                                  std::uint16_t remote_port) {
  // Lines read "sl local rem st tx_queue:rx_queue ...", addresses as hex "0100007F:1F90".
  const std::string local = fmt::format("0100007F:{:04X}", local_port);
  const std::string remote = fmt::format("0100007F:{:04X}", remote_port);
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the column names
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, from, to, state, queues;
    fields >> slot >> from >> to >> state >> queues;
    if (from != local || to != remote) continue;
    return std::stoull(queues.substr(0, queues.find(':')), nullptr, 16);
  }
  return std::nullopt;
}

}  // namespace sisyphus::testing
