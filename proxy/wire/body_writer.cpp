#include "wire/body_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <utility>

namespace sisyphus::proxy {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// One write per slice of this size when the plan times its writes (per-chunk delay), so that
// "per chunk" means the same whatever size of pieces the caller feeds.
constexpr std::size_t kTimedWrite = 64 * 1024;
// A chunked body's ledger holds one run per chunk not yet known to be acknowledged; it asks
// the kernel which are once it holds this many (and then at twice what is left, so a client
// that stopped reading does not cost a system call per chunk).
constexpr std::size_t kSettleRuns = 64;
// How often await_delivery() looks: after 1 ms, then twice as long each time up to 32 ms, so
// the record of a response that drains in a few milliseconds is not held back much and a
// connection that drains for seconds costs a look every 32 ms, not every millisecond. And how
// long a client may acknowledge nothing before it counts as having stopped reading: a
// reading client on loopback acknowledges within a delayed ACK (at most 200 ms on Linux); a
// busy machine may not schedule it for a while.
constexpr auto kDeliveryFirstLook = std::chrono::milliseconds(1);
constexpr auto kDeliveryLookEvery = std::chrono::milliseconds(32);
constexpr auto kDeliveryStalled = std::chrono::seconds(1);

// Pacing: byte `pos` of the body may leave no earlier than start + pos / rate.
Connection::Clock::time_point pace(Connection::Clock::time_point start, std::uint64_t pos,
                                   std::uint64_t rate) {
  const long double seconds = static_cast<long double>(pos) / static_cast<long double>(rate);
  return start + std::chrono::duration_cast<Connection::Clock::duration>(
                     std::chrono::duration<long double>(seconds));
}

std::size_t max_write_of(const ResponsePlan& plan) {
  if (plan.rate > 0) {
    return static_cast<std::size_t>(plan.burst > 0 ? plan.burst : throttle_slice(plan.rate));
  }
  if (plan.per_chunk_delay.count() > 0) return kTimedWrite;
  return std::numeric_limits<std::size_t>::max();
}

// Writes what the socket takes now, without waiting: a paced body's socket takes its slice
// whole, and an awaited write would cost a trip through the scheduler per slice. No SIGPIPE
// for a client that is gone: that is an error of this write.
std::size_t send_now(int fd, std::span<const asio::const_buffer> buffers,
                     boost::system::error_code& ec) {
  std::array<iovec, 3> iov{};
  std::size_t count = 0;
  for (const auto& b : buffers) {
    if (count == iov.size()) break;
    iov[count++] = {.iov_base = const_cast<void*>(b.data()), .iov_len = b.size()};
  }
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = count;
  for (;;) {
    const ssize_t r = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec.assign(errno, boost::system::system_category());
    }
    return 0;
  }
}

}  // namespace

BodyWriter::BodyWriter(Connection& connection, const ResponsePlan& plan, bool chunked,
                       std::optional<std::uint64_t> cut_at, std::optional<std::uint64_t> length)
    : c_(connection),
      plan_(plan),
      chunked_(chunked),
      cut_at_(cut_at),
      length_(length),
      max_write_(max_write_of(plan)),
      settle_at_runs_(kSettleRuns) {}

void BodyWriter::mark_finishing() {
  if (finishing_marked_) return;
  c_.core_->finishing_started();
  finishing_marked_ = true;
  if (on_finishing_) std::exchange(on_finishing_, nullptr)();
}

void BodyWriter::hold_head() {
  const int on = 1;
  head_held_ = ::setsockopt(c_.socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &on, sizeof on) == 0;
}

void BodyWriter::release_head() {
  if (!head_held_) return;
  head_held_ = false;
  const int off = 0;  // sends what the kernel held at once
  ::setsockopt(c_.socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &off, sizeof off);
}

void BodyWriter::fail(std::string why) {
  error_ = std::move(why);
  end_ = End::gone;
}

void BodyWriter::abandon(std::string why) {
  release_head();
  error_ = std::move(why);
  complete_ = false;
  end_ = End::fin;
}

Connection::Clock::time_point BodyWriter::release_time() {
  const auto now = Connection::Clock::now();
  if (!started_) {  // pacing counts from the first body byte, after any first-byte delay
    started_ = true;
    start_ = now;
  }
  auto at = now + plan_.per_chunk_delay;
  if (plan_.rate > 0) at = std::max(at, pace(start_, pos_, plan_.rate));
  return at;
}

std::size_t BodyWriter::next_slice(std::size_t left) {
  std::size_t n = std::min(left, max_write_);
  if (cut_at_) {
    if (pos_ >= *cut_at_) {
      reached_ = Reached::offset;
      return 0;
    }
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, *cut_at_ - pos_));
  }
  return n;
}

void BodyWriter::before_last_write(std::size_t n) {
  if (!chunked_ && !cut_at_ && length_ && pos_ + n == *length_) mark_finishing();
}

asio::awaitable<std::size_t> BodyWriter::next_write(std::size_t left) {
  const std::size_t n = next_slice(left);
  if (n == 0) co_return 0;
  const auto release_at = release_time();
  if (plan_.timed_cut && release_at >= start_ + plan_.timed_cut->after) {
    // The transfer time runs out before this write may start: the body ends at that moment
    // (never earlier), with what went out before it.
    release_head();
    if (!co_await c_.sleep_until(start_ + plan_.timed_cut->after)) {
      fail("server stopping");
      co_return 0;
    }
    reached_ = Reached::timed;
    co_return 0;
  }
  if (release_at > Connection::Clock::now()) {
    release_head();  // the head does not wait with the body
    if (!co_await c_.sleep_until(release_at)) {
      fail("server stopping");
      co_return 0;
    }
  }
  before_last_write(n);
  co_return n;
}

std::uint64_t BodyWriter::room() const {
  if (!cut_at_) return std::numeric_limits<std::uint64_t>::max();
  return *cut_at_ > pos_ ? *cut_at_ - pos_ : 0;
}

void BodyWriter::stop_at_cut() {
  if (cut_at_ && pos_ >= *cut_at_) reached_ = Reached::offset;
}

asio::awaitable<bool> BodyWriter::wait_writable() {
  if (error_ || cut_reached()) co_return false;
  if (c_.ready(asio::socket_base::wait_write)) co_return true;
  c_.set_deadline(c_.core_->options().idle_timeout);
  const boost::system::error_code ec = co_await c_.wait_ready(asio::socket_base::wait_write);
  c_.clear_deadline();
  if (!ec) co_return true;
  fail(c_.timed_out() ? "write timeout: the client stopped reading" : ec.message());
  co_return false;
}

asio::awaitable<bool> BodyWriter::move_into_socket(std::size_t n,
                                                   std::function<ssize_t(int, std::size_t)> move,
                                                   SourceEnd at_source_end) {
  if (error_ || cut_reached()) co_return false;
  const Duration idle = c_.core_->options().idle_timeout;
  const int fd = c_.socket_.native_handle();
  while (n > 0) {
    const std::size_t k = co_await next_write(n);
    if (k == 0) co_return false;
    std::size_t moved = 0;
    while (moved < k) {
      const ssize_t r = move(fd, k - moved);
      if (r > 0) {
        moved += static_cast<std::size_t>(r);
        ledger_.body(static_cast<std::uint64_t>(r));
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno == EAGAIN) {
        // Only a wait needs the deadline (arming it per write costs more than the write).
        c_.set_deadline(idle);
        auto [ec] = co_await c_.socket_.async_wait(asio::ip::tcp::socket::wait_write, nothrow);
        c_.clear_deadline();
        if (!ec) continue;
        fail(c_.timed_out() ? "write timeout: the client stopped reading" : ec.message());
        co_return false;
      }
      if (r == 0 && at_source_end == SourceEnd::file_shrank) {
        abandon("the file shrank while being served");
      } else {
        fail(r == 0 ? "the client closed the connection" : std::strerror(errno));
      }
      co_return false;
    }
    release_head();
    pos_ += k;
    n -= k;
  }
  co_return true;
}

asio::awaitable<bool> BodyWriter::write_from_pipe(int pipe, std::size_t n) {
  co_return co_await move_into_socket(
      n,
      [pipe](int socket, std::size_t max) {
        return ::splice(pipe, nullptr, socket, nullptr, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      },
      SourceEnd::client_closed);
}

asio::awaitable<bool> BodyWriter::write_from_file(int file, std::uint64_t offset, std::size_t n) {
  // sendfile() has no per-call flag: the socket itself must not block (Asio makes it
  // non-blocking only once one of its own operations would block).
  boost::system::error_code ec;
  if (!c_.socket_.native_non_blocking()) c_.socket_.native_non_blocking(true, ec);
  if (ec) {
    fail(ec.message());
    co_return false;
  }
  auto at = static_cast<off_t>(offset);  // advanced by each sendfile(), the file's own offset not
  co_return co_await move_into_socket(
      n, [file, &at](int socket, std::size_t max) { return ::sendfile(socket, file, &at, max); },
      SourceEnd::file_shrank);
}

void BodyWriter::after_body_write() {
  if (ledger_.runs() < settle_at_runs_) return;
  if (const auto queue = send_queue(c_.socket_.native_handle())) {
    delivered_ = ledger_.settle(queue->unacknowledged);
  }
  settle_at_runs_ = std::max(kSettleRuns, 2 * ledger_.runs());
}

asio::awaitable<void> BodyWriter::await_delivery() {
  using Clock = Connection::Clock;
  release_head();
  if (ledger_.written() == 0) {
    delivered_ = 0;
    co_return;
  }
  // No bound on the whole wait, as none on a whole write: a client that keeps reading, however
  // slowly (curl --limit-rate behind megabytes of send buffer), is waited for to the end.
  auto last_progress = Clock::now();
  std::optional<std::uint64_t> last_unacknowledged;
  Duration look_after = kDeliveryFirstLook;
  for (;;) {
    const auto queue = send_queue(c_.socket_.native_handle());
    if (!queue) co_return;  // the server closed the socket: the last look stands
    delivered_ = ledger_.settle(queue->unacknowledged);
    if (*delivered_ == ledger_.written() || queue->peer_gone) co_return;
    const auto now = Clock::now();
    if (!last_unacknowledged || queue->unacknowledged < *last_unacknowledged) {
      last_unacknowledged = queue->unacknowledged;
      last_progress = now;
    }
    if (now - last_progress >= kDeliveryStalled) co_return;
    if (!co_await c_.sleep_for(look_after)) co_return;  // the server is stopping
    look_after = std::min<Duration>(2 * look_after, kDeliveryLookEvery);
  }
}

asio::awaitable<std::size_t> BodyWriter::await_turn(std::size_t left) {
  if (error_ || cut_reached()) co_return 0;
  granted_ = co_await next_write(left);
  co_return granted_;
}

asio::awaitable<std::size_t> BodyWriter::send(std::span<const asio::const_buffer> buffers,
                                              boost::system::error_code& ec) {
  std::size_t total = 0;
  for (const auto& b : buffers) total += b.size();
  std::size_t sent = send_now(c_.socket_.native_handle(), buffers, ec);
  if (ec || sent == total) co_return sent;
  // The socket took part of it (or nothing): wait for the rest, within the write timeout.
  boost::beast::buffers_suffix<std::span<const asio::const_buffer>> rest(buffers);
  rest.consume(sent);
  c_.set_deadline(c_.core_->options().idle_timeout);
  auto [e, w] = co_await asio::async_write(c_.socket_, rest, nothrow);
  c_.clear_deadline();
  ec = e;
  co_return sent + w;
}

asio::awaitable<bool> BodyWriter::write(std::span<std::byte> piece,
                                        std::optional<std::uint64_t> resource_first) {
  if (error_ || cut_reached()) co_return false;
  std::size_t off = 0;
  while (off < piece.size()) {
    std::size_t n = 0;
    if (off == 0 && granted_ != 0 && granted_ == piece.size()) {
      n = granted_;  // await_turn() waited for this write already
    } else {
      n = co_await next_write(piece.size() - off);
    }
    granted_ = 0;
    if (n == 0) co_return false;
    std::byte* data = piece.data() + off;
    if (resource_first) {
      const std::uint64_t first = *resource_first + off;
      for (const auto& corruption : plan_.corruptions) {
        if (corruption.resource_offset >= first && corruption.resource_offset - first < n) {
          data[corruption.resource_offset - first] ^= std::byte{corruption.mask};
        }
      }
    }
    boost::system::error_code ec;
    if (chunked_) {
      const std::string size_line = fmt::format("{:x}\r\n", n);
      const std::array<asio::const_buffer, 3> buffers{
          asio::buffer(size_line), asio::buffer(data, n), asio::buffer("\r\n", 2)};
      const std::size_t w = co_await send(buffers, ec);
      const std::size_t line = std::min(w, size_line.size());
      const std::size_t written = std::min(n, w - line);
      ledger_.framing(line);
      ledger_.body(written);
      ledger_.framing(w - line - written);
    } else {
      const std::array<asio::const_buffer, 1> buffers{asio::buffer(data, n)};
      ledger_.body(co_await send(buffers, ec));
    }
    release_head();
    after_body_write();
    if (ec) {
      fail(c_.timed_out() ? "write timeout: the client stopped reading" : ec.message());
      co_return false;
    }
    pos_ += n;
    off += n;
  }
  co_return true;
}

asio::awaitable<void> BodyWriter::finish(bool keep_alive) {
  release_head();
  if (error_) co_return;
  if (cut_reached()) {
    const bool timed = reached_ == Reached::timed;
    const CutHow how = timed ? plan_.timed_cut->how : plan_.cut->how;
    const Duration stall_for = timed ? plan_.timed_cut->stall_for : plan_.cut->stall_for;
    stream_end_ = timed ? plan_.timed_cut->end : plan_.cut->end;
    // (Nothing was marked finishing: a body that reaches its cut never writes its end.)
    co_await end_by(how, stall_for);
    co_return;
  }
  if (chunked_ && plan_.chunked_cut) {
    end_ = End::fin;
    co_return;
  }
  if (chunked_) {
    mark_finishing();
    c_.set_deadline(c_.core_->options().idle_timeout);
    auto [ec, w] = co_await asio::async_write(c_.socket_, asio::buffer("0\r\n\r\n", 5), nothrow);
    c_.clear_deadline();
    ledger_.framing(w);
    if (ec) {
      fail(c_.timed_out() ? "write timeout: the client stopped reading" : ec.message());
      co_return;
    }
  }
  complete_ = true;
  end_ = keep_alive ? End::keep_open : End::fin;
}

asio::awaitable<void> BodyWriter::cut_in_head(CutHow how, Duration stall_for) {
  reached_ = Reached::head;
  co_await end_by(how, stall_for);
}

asio::awaitable<void> BodyWriter::end_by(CutHow how, Duration stall_for) {
  switch (how) {
    case CutHow::close:
      end_ = End::fin;
      break;
    case CutHow::reset:
      end_ = End::rst;
      break;
    case CutHow::stall:
      // The stall is part of the request's duration, bounded by `for` (and by the server
      // stopping, which ends the sleep early); the record goes in before the FIN.
      co_await c_.sleep_for(stall_for);
      end_ = End::fin;
      break;
  }
}

asio::awaitable<void> BodyWriter::end_connection() {
  switch (end_) {
    case End::keep_open:
    case End::gone:
      break;
    case End::fin:
      co_await c_.close_with_fin(stream_end_);
      break;
    case End::rst:
      co_await c_.close_with_rst();
      break;
  }
}

}  // namespace sisyphus::proxy
