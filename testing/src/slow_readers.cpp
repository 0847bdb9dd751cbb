#include "sisyphus/testing/slow_readers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace sisyphus::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Token buckets are topped up this often; a connection may read at most this much of its rate
// at once, so a reader that fell behind does not catch up in one gulp.
constexpr auto kTick = std::chrono::milliseconds(10);
constexpr auto kBurst = std::chrono::milliseconds(100);

struct Reader {
  int fd = -1;
  enum class State { connecting, reading, closed } state = State::connecting;
  bool readable = false;  // epoll reported input not yet read to EAGAIN (edge-triggered)
  bool starved = false;   // in the starved list: readable but out of tokens
  double tokens = 0;
  Clock::time_point filled, last_rx;
  std::string head;  // until its end is seen
  bool head_done = false;
  std::uint64_t length = 0, body = 0;
};

class Herd {
 public:
  explicit Herd(const SlowReadersOptions& o) : o_(o), readers_(o.connections) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(o.port);
    if (::inet_pton(AF_INET, o.host.c_str(), &addr_.sin_addr) != 1) {
      throw std::invalid_argument("slow readers: not an IPv4 address: " + o.host);
    }
    request_ = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + "\r\n\r\n";
  }
  ~Herd() {
    for (auto& r : readers_) close(r);
    ::close(epoll_);
  }

  SlowReadersCounts run() {
    const auto start = Clock::now();
    const auto spread = std::chrono::duration_cast<Clock::duration>(o_.open_within);
    const auto end = start + spread + o_.hold;
    auto next_tick = start + kTick;
    auto next_scan = start + std::chrono::seconds(1);
    std::size_t next_open = 0;
    // Connection i opens at start + i/N of the spread.
    auto slot = [&](std::size_t i) {
      return start + spread * static_cast<long>(i) / static_cast<long>(readers_.size());
    };
    std::array<epoll_event, 512> events;
    for (;;) {
      auto now = Clock::now();
      while (next_open < readers_.size() && now >= slot(next_open)) {
        open(readers_[next_open++], now);
      }
      if (now >= end || (next_open == readers_.size() && open_ == 0)) break;
      auto wake = std::min(next_tick, end);
      if (next_open < readers_.size()) {
        wake = std::min(wake, slot(next_open));
      }
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
      const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                 static_cast<int>(std::max<long>(0, wait)));
      now = Clock::now();
      for (int i = 0; i < n; ++i) on_event(readers_[events[i].data.u32], events[i].events, now);
      if (now >= next_tick) {
        next_tick = now + kTick;
        feed_starved(now);
      }
      if (now >= next_scan) {
        next_scan = now + std::chrono::seconds(1);
        close_silent(now);
      }
    }
    for (auto& r : readers_) {
      if (r.state == Reader::State::reading) ++counts_.held;
      if (r.state == Reader::State::connecting && r.fd >= 0) ++counts_.still_connecting;
      close(r);
    }
    counts_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return counts_;
  }

 private:
  void open(Reader& r, Clock::time_point now) {
    ++counts_.opened;
    r.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r.fd < 0) {
      ++counts_.connect_failed;
      r.state = Reader::State::closed;
      return;
    }
    r.filled = r.last_rx = now;
    r.tokens = 0;
    const int rc = ::connect(r.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
    if (rc < 0 && errno != EINPROGRESS) {
      fail(r, errno);
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u32 = static_cast<std::uint32_t>(&r - readers_.data());
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, r.fd, &ev);
    counts_.peak_open = std::max<std::uint64_t>(counts_.peak_open, ++open_);
  }

  void on_event(Reader& r, std::uint32_t what, Clock::time_point now) {
    if (r.state == Reader::State::closed) return;
    if (r.state == Reader::State::connecting) {
      if ((what & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(r.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        fail(r, err);
        return;
      }
      // A request this small always fits an empty send buffer.
      if (::send(r.fd, request_.data(), request_.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request_.size())) {
        fail(r, errno);
        return;
      }
      r.state = Reader::State::reading;
      r.last_rx = now;
    }
    if (what & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
      r.readable = true;
      read(r, now);
    }
  }

  void read(Reader& r, Clock::time_point now) {
    if (o_.read_rate > 0) {
      const double burst =
          static_cast<double>(o_.read_rate) * std::chrono::duration<double>(kBurst).count();
      r.tokens =
          std::min(burst, r.tokens + static_cast<double>(o_.read_rate) *
                                         std::chrono::duration<double>(now - r.filled).count());
      r.filled = now;
    }
    while (r.state == Reader::State::reading && r.readable) {
      std::size_t want = buffer_.size();
      if (o_.read_rate > 0) {
        if (r.tokens < 1) {
          if (!r.starved) starved_.push_back(&r - readers_.data());
          r.starved = true;
          return;
        }
        want = std::min(want, static_cast<std::size_t>(r.tokens));
      }
      const ssize_t n = ::recv(r.fd, buffer_.data(), want, 0);
      if (n > 0) {
        r.tokens -= static_cast<double>(n);
        r.last_rx = now;
        take(r, std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
      } else if (n == 0) {
        ++counts_.early_eof;
        close(r);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        r.readable = false;
      } else if (errno != EINTR) {
        fail(r, errno);
      }
    }
  }

  // Bytes of the response: the head until its end, then the body against Content-Length.
  void take(Reader& r, std::string_view bytes) {
    counts_.bytes += bytes.size();
    if (!r.head_done) {
      if (r.head.empty()) ++counts_.answered;
      r.head.append(bytes);
      const auto end = r.head.find("\r\n\r\n");
      if (end == std::string::npos) return;
      r.head_done = true;
      if (!r.head.starts_with("HTTP/1.1 200 ")) ++counts_.not_ok;
      const auto at = r.head.find("\r\nContent-Length: ");
      if (at != std::string::npos && at < end) r.length = std::stoull(r.head.substr(at + 18));
      r.body = r.head.size() - end - 4;
      std::string().swap(r.head);
    } else {
      r.body += bytes.size();
    }
    if (r.body >= r.length) {
      ++counts_.complete;
      close(r);
    }
  }

  void feed_starved(Clock::time_point now) {
    std::vector<std::uint32_t> waiting;
    waiting.swap(starved_);
    for (const std::uint32_t i : waiting) {
      Reader& r = readers_[i];
      r.starved = false;
      read(r, now);
    }
  }

  void close_silent(Clock::time_point now) {
    for (auto& r : readers_) {
      if (r.state == Reader::State::reading && now - r.last_rx >= o_.silence) {
        ++counts_.stalled;
        close(r);
      }
    }
  }

  void fail(Reader& r, int err) {
    if (err == ECONNRESET || err == EPIPE) {
      ++counts_.resets;
    } else if (r.state == Reader::State::connecting) {
      ++counts_.connect_failed;
    } else {
      ++counts_.resets;  // any other socket error mid-response ends it as abruptly
    }
    close(r);
  }

  void close(Reader& r) {
    if (r.fd >= 0) {
      ::close(r.fd);
      --open_;
    }
    r.fd = -1;
    r.state = Reader::State::closed;
  }

  const SlowReadersOptions& o_;
  std::vector<Reader> readers_;
  std::vector<std::uint32_t> starved_;
  std::array<char, 64 * 1024> buffer_{};
  sockaddr_in addr_{};
  std::string request_;
  int epoll_ = -1;
  std::uint64_t open_ = 0;
  SlowReadersCounts counts_;
};

}  // namespace

// Every counter with its JSON name, in to_json()'s order.
constexpr std::pair<const char*, std::uint64_t SlowReadersCounts::*> kCounters[] = {
    {"opened", &SlowReadersCounts::opened},
    {"connect_failed", &SlowReadersCounts::connect_failed},
    {"answered", &SlowReadersCounts::answered},
    {"complete", &SlowReadersCounts::complete},
    {"not_ok", &SlowReadersCounts::not_ok},
    {"resets", &SlowReadersCounts::resets},
    {"early_eof", &SlowReadersCounts::early_eof},
    {"stalled", &SlowReadersCounts::stalled},
    {"held", &SlowReadersCounts::held},
    {"still_connecting", &SlowReadersCounts::still_connecting},
    {"peak_open", &SlowReadersCounts::peak_open},
    {"bytes", &SlowReadersCounts::bytes},
};

std::string to_json(const SlowReadersCounts& c) {
  std::string out = "{";
  for (const auto& [name, field] : kCounters) {
    out.append("\"").append(name).append("\":").append(std::to_string(c.*field)).append(",");
  }
  return out.append("\"seconds\":").append(std::to_string(c.seconds)).append("}");
}

SlowReadersCounts run_slow_readers(const SlowReadersOptions& options) {
  Herd herd(options);
  return herd.run();
}

std::uint64_t raise_open_files_limit(std::uint64_t wanted) {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return 0;
  if (l.rlim_cur < wanted) {
    l.rlim_cur = std::min<rlim_t>(wanted, l.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &l);
    ::getrlimit(RLIMIT_NOFILE, &l);
  }
  return l.rlim_cur;
}

}  // namespace sisyphus::testing
