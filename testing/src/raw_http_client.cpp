#include "sisyphus/testing/raw_http_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "sisyphus/testing/loopback.hpp"

namespace sisyphus::testing {
namespace {

std::runtime_error sys_error(std::string_view what) {
  return std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

}  // namespace

const char* to_string(End end) {
  switch (end) {
    case End::complete:
      return "complete";
    case End::fin:
      return "fin";
    case End::rst:
      return "rst";
    case End::timeout:
      return "timeout";
  }
  return "?";
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

std::size_t HttpResponse::header_count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const auto& kv) { return iequals(kv.first, name); }));
}

std::string request(std::string_view method, std::string_view target, const Headers& headers,
                    std::string_view host) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  if (!host.empty()) out.append("Host: ").append(host).append("\r\n");
  for (const auto& [k, v] : headers) out.append(k).append(": ").append(v).append("\r\n");
  out.append("\r\n");
  return out;
}

RawClient RawClient::connect(const std::string& host, std::uint16_t port,
                             std::chrono::milliseconds timeout, int receive_buffer) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  } else {
    throw std::runtime_error("not an IP literal: " + host);
  }
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw sys_error("socket");
  RawClient client(fd);
  if (receive_buffer > 0) client.set_receive_buffer(receive_buffer);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    if (errno != EINPROGRESS) throw sys_error("connect");
    pollfd p{fd, POLLOUT, 0};
    int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n <= 0) throw std::runtime_error("connect: timed out");
    int err = 0;
    socklen_t err_len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) {
      errno = err;
      throw sys_error("connect");
    }
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return client;
}

RawClient::RawClient(RawClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      send_began_(std::exchange(other.send_began_, std::nullopt)) {}

RawClient& RawClient::operator=(RawClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    send_began_ = std::exchange(other.send_began_, std::nullopt);
  }
  return *this;
}

RawClient::~RawClient() {
  close();
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawClient::try_send(std::string_view bytes) {
  auto deadline = Clock::now() + 10s;
  if (!send_began_) send_began_ = Clock::now();
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) throw std::runtime_error("send: timed out");
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return false;
    throw sys_error("send");
  }
  return true;
}

void RawClient::send(std::string_view bytes) {
  if (!try_send(bytes)) throw sys_error("send: connection closed by peer");
}

void RawClient::shutdown_send() {
  ::shutdown(fd_, SHUT_WR);
}

void RawClient::set_receive_buffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

std::uint16_t RawClient::local_port() const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw sys_error("getsockname");
  }
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

int RawClient::receive_buffer() const {
  int bytes = 0;
  socklen_t len = sizeof bytes;
  if (::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, &len) != 0) throw sys_error("getsockopt");
  return bytes;
}

std::string RawClient::read_head_only(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  if (!buffer_.empty()) throw std::runtime_error("read_head_only: bytes already read");
  char peeked[16 * 1024];
  while (true) {
    const ssize_t n = ::recv(fd_, peeked, sizeof peeked, MSG_PEEK);
    if (n > 0) {
      const std::string_view seen(peeked, static_cast<std::size_t>(n));
      const std::size_t end = seen.find("\r\n\r\n");
      if (end != std::string_view::npos) {
        std::string head(end + 4, '\0');
        if (::recv(fd_, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()))
          throw sys_error("recv");
        return head;
      }
      if (seen.size() == sizeof peeked) throw std::runtime_error("read_head_only: head too long");
    } else if (n == 0) {
      throw std::runtime_error("read_head_only: the peer closed before the head ended");
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      throw sys_error("recv");
    }
    if (Clock::now() >= deadline) throw std::runtime_error("read_head_only: timed out");
    if (n > 0) {
      // Part of the head waits: poll() would say readable at once, so wait for the rest.
      std::this_thread::sleep_for(1ms);
      continue;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
      throw std::runtime_error("read_head_only: timed out");
    }
  }
}

End RawClient::fill(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  char chunk[65536];
  while (true) {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return End::complete;
    }
    if (n == 0) return End::fin;
    if (errno == ECONNRESET) return End::rst;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw sys_error("recv");
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready == 0) return End::timeout;
    if (ready < 0 && errno != EINTR) throw sys_error("poll");
  }
}

HttpResponse RawClient::read_response(bool no_body, std::chrono::milliseconds timeout) {
  HttpResponse r;
  r.sent_at = send_began_.value_or(Clock::now());
  send_began_.reset();
  auto stop = [&](End end) {
    r.end = end;
    r.done_at = Clock::now();
    return r;
  };

  // Head.
  std::size_t head_end;
  bool first = true;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!buffer_.empty() && first) {
      r.first_byte_at = Clock::now();
      first = false;
    }
    End e = fill(timeout);
    if (e != End::complete) {
      r.head = buffer_;
      buffer_.clear();
      return stop(e);
    }
  }
  if (first) r.first_byte_at = Clock::now();
  r.head_at = Clock::now();
  r.head = buffer_.substr(0, head_end + 4);
  buffer_.erase(0, head_end + 4);

  std::string_view head = r.head;
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  auto sp1 = status_line.find(' ');
  if (sp1 == std::string_view::npos) throw std::runtime_error("bad status line: " + r.head);
  r.version = std::string(status_line.substr(0, sp1));
  std::string_view rest = status_line.substr(sp1 + 1);
  auto sp2 = rest.find(' ');
  std::string_view code = rest.substr(0, sp2);
  if (std::from_chars(code.data(), code.data() + code.size(), r.status).ec != std::errc{}) {
    throw std::runtime_error("bad status code: " + r.head);
  }
  if (sp2 != std::string_view::npos) r.reason = std::string(rest.substr(sp2 + 1));
  std::size_t pos = line_end + 2;
  while (pos < head.size() - 2) {
    auto e = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, e - pos);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) throw std::runtime_error("bad header line: " + r.head);
    r.headers.emplace_back(std::string(line.substr(0, colon)),
                           std::string(trim(line.substr(colon + 1))));
    pos = e + 2;
  }

  if (no_body || r.status / 100 == 1 || r.status == 204 || r.status == 304) {
    return stop(End::complete);
  }

  auto te = r.header("Transfer-Encoding");
  if (te && iequals(trim(*te), "chunked")) {
    r.chunked = true;
    // Chunk framing: SIZE[;ext]\r\n DATA \r\n ... 0\r\n [trailers] \r\n
    while (true) {
      std::size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos) {
        End e = fill(timeout);
        if (e != End::complete) {
          r.raw_body += buffer_;
          buffer_.clear();
          return stop(e);
        }
      }
      std::string size_line = buffer_.substr(0, eol);
      std::uint64_t size = 0;
      auto semi = size_line.find(';');
      std::string_view digits = trim(std::string_view(size_line).substr(0, semi));
      if (std::from_chars(digits.data(), digits.data() + digits.size(), size, 16).ec !=
              std::errc{} ||
          digits.empty()) {
        throw std::runtime_error("bad chunk size line: " + size_line);
      }
      if (size == 0) {
        // Last chunk: trailers until an empty line.
        std::size_t trailer_end;
        while ((trailer_end = buffer_.find("\r\n\r\n", eol)) == std::string::npos) {
          End e = fill(timeout);
          if (e != End::complete) {
            r.raw_body += buffer_;
            buffer_.clear();
            return stop(e);
          }
        }
        r.raw_body += buffer_.substr(0, trailer_end + 4);
        buffer_.erase(0, trailer_end + 4);
        r.last_chunk = true;
        return stop(End::complete);
      }
      while (buffer_.size() < eol + 2 + size + 2) {
        End e = fill(timeout);
        if (e != End::complete) {
          r.raw_body += buffer_;
          if (buffer_.size() > eol + 2) {
            r.body +=
                buffer_.substr(eol + 2, std::min<std::size_t>(size, buffer_.size() - eol - 2));
          }
          buffer_.clear();
          return stop(e);
        }
      }
      if (buffer_.compare(eol + 2 + size, 2, "\r\n") != 0) {
        throw std::runtime_error("chunk data not followed by CRLF");
      }
      r.body += buffer_.substr(eol + 2, size);
      r.raw_body += buffer_.substr(0, eol + 2 + size + 2);
      r.chunk_sizes.push_back(size);
      buffer_.erase(0, eol + 2 + size + 2);
    }
  }

  auto cl = r.header("Content-Length");
  if (cl) {
    std::uint64_t length = 0;
    std::string_view v = trim(*cl);
    if (std::from_chars(v.data(), v.data() + v.size(), length).ec != std::errc{}) {
      throw std::runtime_error("bad Content-Length: " + *cl);
    }
    while (buffer_.size() < length) {
      End e = fill(timeout);
      if (e != End::complete) {
        r.body = std::move(buffer_);
        r.raw_body = r.body;
        buffer_.clear();
        return stop(e);
      }
    }
    r.body = buffer_.substr(0, length);
    r.raw_body = r.body;
    buffer_.erase(0, length);
    return stop(End::complete);
  }

  // No framing: the body runs to the close.
  while (true) {
    End e = fill(timeout);
    if (e != End::complete) {
      r.body = std::move(buffer_);
      r.raw_body = r.body;
      buffer_.clear();
      return stop(e == End::fin ? End::complete : e);
    }
  }
}

End RawClient::wait_close(std::chrono::milliseconds timeout, std::string* extra) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (extra) *extra += buffer_;
    buffer_.clear();
    End e = fill(std::chrono::milliseconds(remaining_ms(deadline)));
    if (e != End::complete) return e;
  }
}

std::string RawClient::read_some(std::chrono::milliseconds timeout, std::size_t max) {
  if (buffer_.empty()) fill(timeout);
  std::string out = buffer_.substr(0, max);
  buffer_.erase(0, out.size());
  return out;
}

RawClient head_only_client(std::uint16_t port, std::string_view target, int receive_buffer,
                           std::uint64_t server_unacknowledged, std::string* head) {
  RawClient c = RawClient::connect("127.0.0.1", port, 5s, receive_buffer);
  c.send(request("GET", target));
  std::string got = c.read_head_only(5s);
  const auto deadline = Clock::now() + 5s;
  while (unacknowledged_bytes(port, c.local_port()).value_or(0) < server_unacknowledged) {
    if (Clock::now() >= deadline) {
      throw std::runtime_error("head_only_client: the server's socket never held that much");
    }
    std::this_thread::sleep_for(1ms);
  }
  if (head != nullptr) *head = std::move(got);
  return c;
}

HttpResponse fetch(const std::string& host, std::uint16_t port, std::string_view method,
                   std::string_view target, const Headers& headers,
                   std::chrono::milliseconds timeout) {
  auto client = RawClient::connect(host, port);
  client.send(request(method, target, headers,
                      host.find(':') == std::string::npos ? host : "[" + host + "]"));
  return client.read_response(method == "HEAD", timeout);
}

}  // namespace sisyphus::testing
