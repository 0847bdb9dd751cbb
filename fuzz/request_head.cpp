// The server's reading of a request head and its answer to it: proxy/wire's request reader
// and the origin session are internal to the proxy library and read only from a socket, so
// the input goes to a real proxy::Server over 127.0.0.1. One server, started on the first
// input, serves a 2000-byte resource with validators and a digest for the whole run; each
// input is written to a new connection, whose sending side is then shut. Invariants:
//  - the server accepts the connection (it is still up after every earlier input);
//  - it answers or closes within kBound (its own timeouts are shorter);
//  - what it sends starts with an HTTP/1.x status line of a real status code;
//  - a 206 with a Content-Range names a range of the resource and its size, and a 416 says
//    `bytes */2000`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "sisyphus/core/range.hpp"
#include "sisyphus/proxy/server.hpp"

namespace {

using namespace sisyphus;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kResourceSize = 2000;
constexpr auto kBound = std::chrono::seconds(5);
constexpr std::size_t kKeptBytes = 64 * 1024;  // of the answer: its first head is enough

proxy::Server& server() {
  // Never destroyed: it serves until the process exits.
  static proxy::Server* const instance = [] {
    proxy::ServerOptions options;
    options.threads = 1;
    options.header_timeout = std::chrono::seconds(1);
    options.idle_timeout = std::chrono::seconds(1);
    auto* s = new proxy::Server(std::move(options), proxy::load_scenario_string(R"(
name: fuzz-request-head
seed: 7
resource: {path: /file, size: 2000, digest: true}
)",
                                                                                "request_head"));
    s->start();
    return s;
  }();
  return *instance;
}

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool connect_loopback(const Socket& socket, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    return true;
  }
  if (errno != EINPROGRESS) return false;
  pollfd p{socket.fd(), POLLOUT, 0};
  if (::poll(&p, 1, 1000) != 1) return false;
  int error = 0;
  socklen_t length = sizeof error;
  return ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

struct Conversation {
  std::string answer;   // its first kKeptBytes
  bool closed = false;  // FIN or RST from the server before the bound
};

// Writes `request` (as much as the server takes), shuts the sending side, and reads until the
// server closes or the bound passes.
Conversation converse(const Socket& socket, std::string_view request) {
  Conversation out;
  bool sending = true;
  const auto give_up = Clock::now() + kBound;
  while (Clock::now() < give_up) {
    if (sending && request.empty()) {
      ::shutdown(socket.fd(), SHUT_WR);
      sending = false;
    }
    pollfd p{socket.fd(), static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(left) + 1) <= 0) continue;
    if (sending && (p.revents & POLLOUT) != 0) {
      const ssize_t n = ::send(socket.fd(), request.data(), request.size(), MSG_NOSIGNAL);
      if (n > 0) {
        request.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        request = {};  // the server closed its reading side: it may still answer
      }
    }
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[16 * 1024];
      const ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        out.closed = true;  // FIN, or RST (ECONNRESET): both end the connection
        return out;
      }
      if (n > 0 && out.answer.size() < kKeptBytes)
        out.answer.append(buffer, static_cast<std::size_t>(n));
    }
  }
  return out;
}

std::string_view field_of(std::string_view head, std::string_view name) {
  // Beast writes field names as the server set them; the server uses the canonical case.
  const std::string key = "\r\n" + std::string(name) + ": ";
  const auto at = head.find(key);
  if (at == std::string_view::npos) return {};
  const auto value = head.substr(at + key.size());
  return value.substr(0, value.find("\r\n"));
}

void check_answer(std::string_view request, std::string_view answer) {
  if (answer.empty()) return;  // closed without a word: allowed (the request never ended)
  FUZZ_CHECK(answer.size() >= 13 &&
                 (answer.starts_with("HTTP/1.1 ") || answer.starts_with("HTTP/1.0 ")) &&
                 answer[12] == ' ',
             "the answer does not start with a status line: '{}'", answer.substr(0, 64));
  int status = 0;
  const auto [p, ec] = std::from_chars(answer.data() + 9, answer.data() + 12, status);
  FUZZ_CHECK(ec == std::errc{} && p == answer.data() + 12 && status >= 100 && status <= 599,
             "status line '{}'", answer.substr(0, 64));
  const auto end_of_head = answer.find("\r\n\r\n");
  if (end_of_head == std::string_view::npos) return;  // cut by kKeptBytes
  const std::string_view head = answer.substr(0, end_of_head + 2);
  const std::string_view content_range = field_of(head, "Content-Range");
  if (status == 206 && !content_range.empty()) {
    const auto parsed = range::parse_content_range(content_range);
    FUZZ_CHECK(parsed && parsed->range && parsed->complete_length == kResourceSize,
               "206 with Content-Range '{}' for the request\n{}", content_range, request);
  }
  if (status == 416) {
    FUZZ_CHECK(content_range == range::format_unsatisfied_range(kResourceSize),
               "416 with Content-Range '{}' for the request\n{}", content_range, request);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view request(reinterpret_cast<const char*>(data), size);
  proxy::Server& s = server();
  s.reset();  // every input starts at attempt 1, and the request log does not grow
  Socket socket;
  FUZZ_CHECK(socket.fd() >= 0 && connect_loopback(socket, s.port()),
             "cannot connect to the server on port {}", s.port());
  const Conversation answer = converse(socket, request);
  FUZZ_CHECK(answer.closed, "the server neither closed nor reset within {} s; it sent '{}'",
             kBound.count(), answer.answer.substr(0, 200));
  check_answer(request, answer.answer);
  return 0;
}
