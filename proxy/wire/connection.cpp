#include "wire/connection.hpp"

#include <fmt/format.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <tuple>

#include "tls/tls_front.hpp"
#include "wire/delivery_ledger.hpp"

namespace sisyphus::proxy {
namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kUnsentLimit = 128 * 1024;  // TCP_NOTSENT_LOWAT, see start()
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, std::shared_ptr<ServerCore> core, bool counted)
    : socket_(std::move(socket)),
      core_(std::move(core)),
      deadline_(socket_.get_executor()),
      sleeper_(socket_.get_executor()),
      outage_timer_(socket_.get_executor()),
      counted_(counted) {
  deadline_.expires_at(Clock::time_point::max());
}

Connection::~Connection() {
  if (id_ != 0) core_->connection_closed(id_, counted_);
  if (load_) --*load_;
}

asio::awaitable<void> Connection::serve_requests() {
  const RequestLimits limits = request_limits();
  while (!aborted_) {
    RequestParser parser;
    const NextRequest next = co_await read_request(parser, limits);
    if (!next.arrived) co_return;
    if (next.failure) {
      co_await reject(parser, next);
      co_return;
    }
    Request request = parser.release();
    // The read buffer's 16 KiB stay allocated otherwise, through the response (however long
    // its reader takes) and the idle time after it; a pipelined request keeps its bytes.
    buffer_.shrink_to_fit();
    if (!co_await handle(request, next.started)) co_return;
  }
}

asio::awaitable<Connection::NextRequest> Connection::read_request(RequestParser& parser,
                                                                  const RequestLimits& limits) {
  namespace http = boost::beast::http;
  const ServerOptions& options = core_->options();
  NextRequest next;
  const bool first = !awaited_request_;
  awaited_request_ = true;
  if (buffer_.size() == 0) {
    // The buffer is allocated only once the request's first bytes are there to read.
    set_deadline(first ? options.header_timeout : options.idle_timeout);
    boost::system::error_code ec = co_await wait_ready(asio::socket_base::wait_read);
    std::size_t n = 0;
    if (!ec && !aborted_) {
      std::tie(ec, n) = co_await socket_.async_read_some(buffer_.prepare(16 * 1024), nothrow);
    }
    clear_deadline();
    if (ec || aborted_) co_return next;
    buffer_.commit(n);
  }
  next.arrived = true;
  next.started = Clock::now();
  parser.body_limit(limits.body);
  set_deadline(options.header_timeout);
  boost::system::error_code ec = co_await read_request_head(parser, limits.head);
  if (!ec && !parser.is_done()) {
    // A client that asks first (curl does for bodies over 1 MiB) gets its go-ahead now
    // rather than after its own timeout.
    const auto& head = parser.get();
    const auto expect = head.find(http::field::expect);
    if (limits.answer_100_continue && head.version() == 11 && expect != head.end() &&
        boost::beast::iequals(expect->value(), "100-continue")) {
      auto [wec, wn] = co_await asio::async_write(
          socket_, asio::buffer("HTTP/1.1 100 Continue\r\n\r\n", 25), nothrow);
      ec = wec;
    }
    if (!ec) {
      auto [bec, bn] = co_await http::async_read(socket_, buffer_, parser, nothrow);
      ec = bec;
    }
  }
  clear_deadline();
  if (aborted_) {
    next.arrived = false;  // the server is stopping: nobody to answer
  } else if (ec) {
    next.failure = classify_read_failure(ec, limits);
  }
  co_return next;
}

void Connection::describe_transport(LogRecord& record, unsigned version) const {
  record.connection = tls_link_ ? tls_link_->connection : id_;
  if (tls_link_ && tls_link_->stream != 0) {
    record.protocol = "h2";
    record.stream = tls_link_->stream;
  } else {
    record.protocol = version == 10 ? "http/1.0" : "http/1.1";
  }
}

LogRecord Connection::unread_request_record(const RequestParser& parser,
                                            const NextRequest& next) const {
  LogRecord record;
  record.t = core_->seconds_since_start(next.started);
  record.method = std::string(parser.get().method_string());
  record.path = std::string(parser.get().target());
  describe_transport(record, parser.get().version());
  if (next.failure) {
    record.status = next.failure->status;
    record.error = next.failure->why;
  }
  return record;
}

LogRecord Connection::request_record(const Request& request, Clock::time_point started) const {
  namespace http = boost::beast::http;
  auto field = [&request](http::field f) -> std::optional<std::string> {
    auto it = request.find(f);
    if (it == request.end()) return std::nullopt;
    return std::string(it->value());
  };
  LogRecord record;
  record.t = core_->seconds_since_start(started);
  describe_transport(record, request.version());
  record.method = std::string(request.method_string());
  record.path = std::string(request.target());
  record.range = field(http::field::range);
  record.if_range = field(http::field::if_range);
  return record;
}

asio::awaitable<boost::system::error_code> Connection::read_request_head(RequestParser& parser,
                                                                         std::uint32_t limit) {
  namespace http = boost::beast::http;
  parser.header_limit(limit);
  boost::system::error_code ec;
  std::size_t consumed = 0;
  // The parser is not eager: each read_some stops at the end of the head, so `consumed`
  // counts head bytes only.
  while (!ec && !parser.is_header_done()) {
    auto [e, n] = co_await http::async_read_some(socket_, buffer_, parser, nothrow);
    ec = e;
    consumed += n;
    if (!ec && consumed > limit) ec = http::error::header_limit;
  }
  co_return ec;
}

void Connection::count_on(std::shared_ptr<std::atomic<int>> load) {
  ++*load;
  load_ = std::move(load);
}

void Connection::start() {
  id_ = core_->connection_opened(weak_from_this(), counted_);
  // The kernel queues at most this many bytes not yet sent (a reader that stopped reading
  // has a zero window: everything queued is unsent), rather than up to the 4 MiB of an
  // autotuned send buffer; and the socket reads as writable only while under half of it
  // is queued, so that a piece written then (64 KiB at most) is taken whole and its
  // buffer freed instead of being held for the reader (write_answer()).
  const int lowat = static_cast<int>(kUnsentLimit);
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
  auto self = shared_from_this();
  asio::co_spawn(
      socket_.get_executor(),
      [self]() -> asio::awaitable<void> {
        try {
          co_await self->serve_requests();
        } catch (const std::exception&) {
          // A session never takes the server down; whatever failed ends this connection.
        }
        self->finished_ = true;
        boost::system::error_code ec;
        self->socket_.close(ec);
        self->deadline_.cancel();
        self->sleeper_.cancel();
        self->outage_timer_.cancel();
      },
      asio::detached);
  asio::co_spawn(
      socket_.get_executor(), [self]() { return self->watchdog(); }, asio::detached);
}

void Connection::abort() {
  auto self = shared_from_this();
  asio::post(socket_.get_executor(), [self] {
    self->aborted_ = true;
    boost::system::error_code ec;
    self->socket_.close(ec);
    self->deadline_.cancel();
    self->sleeper_.cancel();
    self->outage_timer_.cancel();
  });
}

void Connection::arm_outage(Clock::time_point when, model::OutageHow how) {
  outage_timer_.expires_at(when);
  outage_timer_.async_wait([weak = weak_from_this(), how](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->finished_) return;
    // What a crashed origin does to its connections: nothing more is written or read.
    self->killed_by_ = how;
    self->aborted_ = true;
    boost::system::error_code ignored;
    if (how == model::OutageHow::reset) {
      self->socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
      self->discard_pending_input();  // unread input would turn the close into an RST
      self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
    self->socket_.close(ignored);
    self->deadline_.cancel();
    self->sleeper_.cancel();
  });
}

void Connection::disarm_outage() {
  outage_timer_.cancel();
}

asio::awaitable<void> Connection::watchdog() {
  auto self = shared_from_this();
  while (!finished_ && !aborted_) {
    co_await deadline_.async_wait(nothrow);
    if (finished_ || aborted_) break;
    const auto now = Clock::now();
    if (deadline_at_ <= now) {
      timed_out_ = true;
      boost::system::error_code ec;
      socket_.cancel(ec);
      deadline_at_ = Clock::time_point::max();
      deadline_.expires_at(Clock::time_point::max());
    } else if (deadline_.expiry() <= now) {
      // The deadline moved later (or was cleared) since the timer was armed: wait for it.
      deadline_.expires_at(deadline_at_);
    }
    // Otherwise set_deadline() armed the timer earlier, which woke this wait.
  }
}

void Connection::set_deadline(Duration d) {
  timed_out_ = false;
  deadline_at_ = Clock::now() + d;
  // Re-armed only when the deadline comes sooner than the timer: a writer that sets and
  // clears the deadline around every write moves it later each time, which costs nothing
  // here; the watchdog finds the later deadline when the timer fires. (Re-arming on every
  // write woke the watchdog twice per write: docs/server.md "Holding a herd".)
  if (deadline_at_ < deadline_.expiry()) deadline_.expires_at(deadline_at_);
}

void Connection::clear_deadline() {
  deadline_at_ = Clock::time_point::max();
}

bool Connection::ready(asio::socket_base::wait_type what) {
  if (!socket_.is_open()) return true;  // the read or write fails at once
  pollfd p{.fd = socket_.native_handle(),
           .events = static_cast<short>(what == asio::socket_base::wait_write ? POLLOUT : POLLIN),
           .revents = 0};
  return ::poll(&p, 1, 0) != 0;
}

asio::awaitable<boost::system::error_code> Connection::wait_ready(
    asio::socket_base::wait_type what) {
  // epoll is edge-triggered and Asio's waits, unlike its reads and writes, do not try the
  // socket first: readiness that arrived while nothing waited would never be reported. The
  // check and the wait run on this connection's thread with no epoll_wait in between, so an
  // edge after the check reaches the wait.
  if (ready(what)) co_return boost::system::error_code{};
  auto [ec] = co_await socket_.async_wait(what, nothrow);
  co_return ec;
}

asio::awaitable<bool> Connection::sleep_for(Duration d) {
  co_return co_await sleep_until(Clock::now() + d);
}

asio::awaitable<bool> Connection::sleep_until(Clock::time_point t) {
  if (aborted_) co_return false;
  if (t <= Clock::now()) co_return true;
  sleeper_.expires_at(t);
  co_await sleeper_.async_wait(nothrow);
  co_return !aborted_;
}

asio::awaitable<bool> Connection::drain_send_queue(Duration bound) {
  const auto give_up = Clock::now() + bound;
  while (socket_.is_open()) {
    const auto queue = send_queue(socket_.native_handle());
    if (!queue || queue->unacknowledged == 0) co_return true;
    // After the peer's reset the kernel keeps counting the bytes it never acknowledged, and
    // none ever will be: waiting out the bound would hold the connection for nothing.
    if (queue->peer_gone || Clock::now() >= give_up) co_return false;
    if (!co_await sleep_for(std::chrono::milliseconds(1))) co_return false;
  }
  co_return false;
}

void Connection::discard_pending_input() {
  if (!socket_.is_open()) return;
  char sink[4096];
  while (::recv(socket_.native_handle(), sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
}

std::string Connection::peer_address() const {
  if (tls_link_) return tls_link_->client_address;
  boost::system::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  return ec ? std::string() : remote.address().to_string();
}

asio::awaitable<void> Connection::close_with_fin(const StreamEnd& end) {
  if (tls_link_) tls_link_->set_end(end);
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  // close() with unread input would send an RST that can overtake (and discard) data still
  // queued: wait for the queue to drain, drop any input, then close.
  co_await drain_send_queue(std::chrono::seconds(5));
  discard_pending_input();
  socket_.close(ec);
}

asio::awaitable<void> Connection::close_with_rst() {
  co_await drain_send_queue(std::chrono::seconds(5));
  boost::system::error_code ec;
  if (socket_.is_open()) {
    socket_.set_option(asio::socket_base::linger(true, 0), ec);
    socket_.close(ec);
  }
}

Connection::ReadFailure Connection::classify_read_failure(boost::system::error_code ec,
                                                          const RequestLimits& limits) const {
  namespace http = boost::beast::http;
  if (timed_out()) return {408, "request not received within the header timeout"};
  if (ec == http::error::header_limit) {
    return {431, fmt::format("request header larger than {} bytes", limits.head)};
  }
  if (ec == http::error::body_limit) {
    return {413, fmt::format("request body larger than {} bytes", limits.body)};
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return {400, fmt::format("malformed request: {}", ec.message())};
  }
  return {0, fmt::format("connection lost while reading the request: {}", ec.message())};
}

}  // namespace sisyphus::proxy
