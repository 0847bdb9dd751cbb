// Relaying the upstream's answer: its head with hop-by-hop fields dropped and validators
// rewritten for `changes:`, then its body piece by piece (spliced or copied) through the
// plan executor (wire/plan_executor.hpp) with the fault plan, which the proxy builds now
// that the upstream has said where the body starts in the resource (Content-Range) and how
// large the resource is.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <cstring>
#include <limits>

#include "relay/proxy_session.hpp"
#include "relay/proxy_util.hpp"
#include "relay/relay_validators.hpp"
#include "sisyphus/core/range.hpp"

namespace sisyphus::proxy {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr int kPipeSize = 1024 * 1024;
constexpr std::size_t kRelayBuffer = 256 * 1024;  // read from the upstream at a time, at most

// The relay buffer for one response's body: what one write of its plan takes (a throttle
// slice: the bytes beyond it would only wait for the pacing), and no more than the body
// still has to come when its length is known.
std::size_t relay_piece_size(const BodyWriter& body,
                             const std::optional<std::uint64_t>& remaining) {
  std::size_t size = std::min(kRelayBuffer, body.max_write());
  if (remaining && *remaining > 0)
    size = static_cast<std::size_t>(std::min<std::uint64_t>(size, *remaining));
  return size;
}

// Where the body of this answer sits in the resource: a 200 is the whole representation, a
// single-part 206 says so in Content-Range. Anything else (errors, multipart/byteranges) is
// relayed as opaque bytes, where only `after` offsets mean something.
struct Placement {
  std::optional<std::uint64_t> first;  // resource offset of the first body byte
  std::uint64_t resource_size = std::numeric_limits<std::uint64_t>::max();  // max: unknown
};

Placement place(int status, const http::fields& fields, std::optional<std::uint64_t> length) {
  Placement p;
  if (status == 200) {
    p.first = 0;
    if (length) p.resource_size = *length;
  } else if (status == 206) {
    auto it = fields.find(http::field::content_range);
    if (it == fields.end()) return p;
    const auto cr = range::parse_content_range(it->value());
    if (!cr || !cr->range) return p;
    p.first = cr->range->first;
    if (cr->complete_length) p.resource_size = *cr->complete_length;
  }
  return p;
}

// The plan's cut as an offset into this body, when it falls inside it.
std::optional<std::uint64_t> locate_cut(const ResponsePlan& plan, const Placement& placement,
                                        std::optional<std::uint64_t> length) {
  if (!plan.cut) return std::nullopt;
  const std::uint64_t at = plan.cut->at.offset;
  if (plan.cut->at.base == BodyPoint::Base::response) {
    if (length && at >= *length) return std::nullopt;
    return at;
  }
  if (!placement.first || at < *placement.first) return std::nullopt;
  const std::uint64_t in_body = at - *placement.first;
  if (length && in_body >= *length) return std::nullopt;
  return in_body;
}

// How the upstream ended a body whose read failed with `ec`.
UpstreamEnd end_of(const boost::system::error_code& ec, bool timed_out) {
  if (timed_out) return UpstreamEnd::silent;
  if (ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message)
    return UpstreamEnd::closed;
  if (ec == asio::error::connection_reset) return UpstreamEnd::reset;
  return UpstreamEnd::unknown;
}

}  // namespace

asio::awaitable<bool> ProxySession::relay(const Exchange& ex, bool keep_alive, LogRecord& record,
                                          Clock::time_point started) {
  const auto& upstream = parser_->get();
  const int status = static_cast<int>(upstream.result_int());
  const Clock::time_point head_arrived = Clock::now();
  const model::Scenario& scenario = ex.state->scenario();
  // The head says the message has no body (HEAD, 204, 304, Content-Length: 0).
  const bool body_follows = !parser_->is_done();
  std::optional<std::uint64_t> length;
  if (!parser_->chunked() && parser_->content_length()) length = *parser_->content_length();
  const Placement placement = place(status, upstream, length);

  ResponsePlan plan;
  if (ex.faulted && ex.attempt > 0) {
    plan = ex.state->engine.plan_for(ex.path, ex.attempt, placement.resource_size, true, ex.client);
  }

  // The head the client gets: the upstream's fields minus hop-by-hop ones and framing (the
  // executor sets it), validators of the client's generation, and the plan's extra fields.
  PlanExecutor::Response res;
  res.result(upstream.result_int());
  res.reason(upstream.reason());
  const std::vector<std::string> tokens = connection_tokens(upstream);
  for (const auto& field : upstream) {
    const std::string_view name = field.name_string();
    if (is_hop_by_hop(name, tokens) || iequals(name, "via")) continue;
    // A message without a body keeps the upstream's Content-Length (HEAD, 304 say what a
    // GET would get); a body's framing is decided below.
    if (body_follows && iequals(name, "content-length")) continue;
    if (ex.faulted && !scenario.server.ranges && iequals(name, "accept-ranges")) continue;
    if (ex.faulted && ex.generation > 0 && iequals(name, "etag")) {
      res.insert(name, relay::client_etag(field.value(), ex.generation));
      continue;
    }
    if (ex.faulted && ex.generation > 0 && iequals(name, "last-modified")) {
      res.insert(name, relay::client_date(field.value(), ex.generation));
      continue;
    }
    res.insert(name, field.value());
  }
  for (const auto& [name, value] : plan.headers) res.insert(name, value);
  const std::string via =
      fmt::format("{}.{} sisyphus", upstream.version() / 10, upstream.version() % 10);
  const auto previous_via = field_value(upstream, "Via");
  res.set(http::field::via, previous_via ? *previous_via + ", " + via : via);

  Framing framing;
  framing.body = body_follows;
  framing.body_at_hand = false;  // it comes from the upstream, in its own time
  if (body_follows) {
    framing.chunked = plan.chunked_body(ex.faulted && scenario.server.chunked);
    if (!length && !framing.chunked) {
      // Unknown length: re-framed as chunked, or, for an HTTP/1.0 client, ended by a close.
      if (ex.client_version == 11) {
        framing.chunked = true;
      } else {
        keep_alive = false;
      }
    }
    if (!framing.chunked) framing.length = length;
  }
  PlanExecutor exec(*this, plan, framing, locate_cut(plan, placement, length), keep_alive);
  BodyWriter& body = exec.body();
  const bool head_sent = co_await exec.send_head(res);

  // --record: what the head said now, the rest when the body has ended; with
  // --record-body, the body's bytes as they come, at their resource offsets.
  Recorder* recorder = record.method == "GET" ? core_->recording() : nullptr;
  Observation seen;
  if (recorder != nullptr) {
    seen.path = ex.path;
    seen.arrived = started;
    seen.range = record.range;
    seen.if_range = record.if_range;
    seen.status = status;
    seen.retry_after = field_value(upstream, "Retry-After");
    seen.etag = field_value(upstream, "ETag");
    seen.last_modified = field_value(upstream, "Last-Modified");
    seen.length = length;
    seen.first = placement.first;
    if (placement.resource_size != std::numeric_limits<std::uint64_t>::max())
      seen.resource_size = placement.resource_size;
  }
  const bool keep_bytes = recorder != nullptr && recorder->keeps_bodies() && placement.first &&
                          seen.resource_size.has_value();

  bool upstream_done = !body_follows;
  std::optional<std::string> upstream_error;
  UpstreamEnd upstream_end = UpstreamEnd::unknown;
  std::uint64_t received = 0;
  // The upstream connection goes back to the pool only after a complete answer, and as soon
  // as it is complete: before its last bytes reach the client, so the client's next request
  // finds it there.
  bool released = false;
  auto release_if_complete = [&](bool done) {
    if (done && !released && upstream.keep_alive() && upstream_->socket().is_open()) {
      pool_->release(std::move(upstream_));
      released = true;
    }
  };
  if (head_sent && body_follows) {
    upstream_remaining_.reset();
    if (length) upstream_remaining_ = *length;
    // Bytes nobody looks at (no corruption, no chunk framing) need not pass through user
    // space: splice(2) moves them from socket to socket through a pipe. Not a paced body:
    // it moves at most its rate, so copying costs little, and its pipe would double the
    // descriptors of each connection for as long as it lasts, which is long: a herd of slow
    // readers ran the proxy out of descriptors (docs/server.md "Holding a herd").
    // Nor bytes the recording keeps: it must see them.
    bool zero_copy = length && !framing.chunked && !upstream_->is_tls() &&
                     plan.corruptions.empty() && !body.paced() && !keep_bytes && open_pipe();
    if (zero_copy) {  // splice(2) must never block an io thread
      boost::system::error_code client_ec;
      boost::system::error_code upstream_ec;
      socket_.non_blocking(true, client_ec);
      upstream_->socket().non_blocking(true, upstream_ec);
      zero_copy = !client_ec && !upstream_ec;
    }
    while (!upstream_done) {
      if (zero_copy && upstream_ && upstream_->buffer().size() == 0) {
        const std::uint64_t room = body.room();
        if (room == 0) {
          body.stop_at_cut();
          break;
        }
        const Piece piece = co_await splice_piece(room);
        release_if_complete(piece.done && !piece.error);
        if (piece.size > 0) {
          received += piece.size;
          if (!co_await body.write_from_pipe(pipe_[0], piece.size)) break;
        }
        if (piece.error) {
          upstream_error = fmt::format("{} after {} body bytes", *piece.error, received);
          upstream_end = piece.end;
          break;
        }
        upstream_done = piece.done;
        continue;
      }
      if (relay_buffer_.empty()) {
        std::size_t size = relay_piece_size(body, upstream_remaining_);
        // A spliced body passes here only for the bytes the head's read buffered: a buffer
        // of their size, not one held for the whole body (10,000 slow readers held 256 KiB
        // each while their bodies were spliced).
        if (zero_copy) size = std::min(size, upstream_->buffer().size());
        hold_relay_buffer(size);
      }
      const Piece piece = co_await read_piece();
      release_if_complete(piece.done && !piece.error);
      if (piece.size > 0) {
        std::optional<std::uint64_t> resource_first;
        if (placement.first) resource_first = *placement.first + received;
        received += piece.size;
        const std::span<std::byte> data(relay_buffer_.data(), piece.size);
        // Kept before the body's faults may corrupt them in place: the upstream's bytes.
        if (keep_bytes) recorder->keep(seen, *resource_first, data);
        if (!co_await body.write(data, resource_first)) break;
      }
      if (zero_copy && upstream_ && upstream_->buffer().size() == 0) {
        hold_relay_buffer(0);  // the rest is spliced
        upstream_->buffer().shrink_to_fit();
      }
      if (piece.error) {
        upstream_error = fmt::format("{} after {} body bytes", *piece.error, received);
        upstream_end = piece.end;
        break;
      }
      upstream_done = piece.done;
    }
  }
  if (recorder != nullptr) {
    Observation o = std::move(seen);
    o.received = received;
    // A body that stopped for another reason (the client went, a fault of this proxy cut
    // it) says nothing of how the upstream would have ended it.
    o.end = upstream_done    ? UpstreamEnd::complete
            : upstream_error ? upstream_end
                             : UpstreamEnd::unknown;
    o.first_byte_s = std::chrono::duration<double>(head_arrived - started).count();
    o.body_s = std::chrono::duration<double>(Clock::now() - head_arrived).count();
    recorder->observe(std::move(o));
  }

  hold_relay_buffer(0);
  if (pipe_[0] >= 0) {
    int left = 0;
    if (::ioctl(pipe_[0], FIONREAD, &left) != 0 || left > 0) close_pipe();
  }

  if (!released) {
    release_if_complete(upstream_done && !upstream_error);
    if (!released) upstream_->close();
  }
  upstream_.reset();

  if (upstream_error && !body.cut_reached() && !body.error()) {
    // The head is out: all the client can see of the failure is a body that ends early.
    body.abandon(fmt::format("upstream {}: {}", pool_->url().text, *upstream_error));
  } else {
    co_await exec.finish();
  }
  parser_.reset();
  co_return co_await exec.conclude(record, status, started, kUnexecutedCut);
}

bool ProxySession::open_pipe() {
  if (pipe_[0] >= 0) return true;
  if (::pipe2(pipe_, O_NONBLOCK | O_CLOEXEC) != 0) {
    pipe_[0] = pipe_[1] = -1;
    return false;
  }
  // A larger pipe means fewer splice calls; the system may refuse (then 64 KiB it is).
  ::fcntl(pipe_[1], F_SETPIPE_SZ, kPipeSize);
  const int size = ::fcntl(pipe_[1], F_GETPIPE_SZ);
  pipe_capacity_ = size > 0 ? static_cast<std::size_t>(size) : 65536;
  return true;
}

void ProxySession::close_pipe() {
  for (int& fd : pipe_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

ProxySession::~ProxySession() {
  close_pipe();
  hold_relay_buffer(0);
}

void ProxySession::hold_relay_buffer(std::size_t size) {
  core_->relay_buffer_changed(static_cast<std::int64_t>(size) -
                              static_cast<std::int64_t>(relay_buffer_.size()));
  if (size == 0) {
    std::vector<std::byte>().swap(relay_buffer_);  // (clear() would keep the storage)
  } else {
    relay_buffer_.resize(size);
  }
}

asio::awaitable<ProxySession::Piece> ProxySession::splice_piece(std::uint64_t max) {
  Piece piece;
  UpstreamConnection& c = *upstream_;
  const Duration timeout = core_->options().upstream_timeout;
  const auto want = static_cast<std::size_t>(
      std::min<std::uint64_t>({*upstream_remaining_, max, pipe_capacity_}));
  for (;;) {
    const ssize_t n = ::splice(c.socket().native_handle(), nullptr, pipe_[1], nullptr, want,
                               SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      // One call takes all that has arrived (up to `want`): asking again would only find
      // EAGAIN, a system call per piece for nothing.
      piece.size = static_cast<std::size_t>(n);
      *upstream_remaining_ -= piece.size;
      piece.done = *upstream_remaining_ == 0;
      co_return piece;
    }
    if (n == 0) {
      piece.error = "the upstream closed the connection mid-body";
      piece.end = UpstreamEnd::closed;
      co_return piece;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      piece.error = fmt::format("reading the body failed: {}", std::strerror(errno));
      piece.end = errno == ECONNRESET ? UpstreamEnd::reset : UpstreamEnd::unknown;
      co_return piece;
    }
    c.arm(socket_.get_executor(), timeout);
    auto [ec] = co_await c.socket().async_wait(asio::ip::tcp::socket::wait_read, nothrow);
    c.disarm();
    if (ec) {
      piece.error = c.timed_out() ? fmt::format("no body bytes within {}", format_duration(timeout))
                                  : fmt::format("reading the body failed: {}", ec.message());
      piece.end = end_of(ec, c.timed_out());
      co_return piece;
    }
  }
}

asio::awaitable<ProxySession::Piece> ProxySession::read_piece() {
  Piece piece;
  UpstreamConnection& c = *upstream_;
  const Duration timeout = core_->options().upstream_timeout;
  const auto strand = socket_.get_executor();

  if (upstream_remaining_) {
    // Content-Length body: straight from the socket into the relay buffer, after whatever
    // the head's read already buffered.
    if (*upstream_remaining_ == 0) {
      piece.done = true;
      co_return piece;
    }
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(relay_buffer_.size(), *upstream_remaining_));
    const asio::mutable_buffer into(relay_buffer_.data(), want);
    if (c.buffer().size() > 0) {
      piece.size = asio::buffer_copy(into, c.buffer().data());
      c.buffer().consume(piece.size);
    } else {
      c.arm(strand, timeout);
      auto receive = [&](auto& stream) { return stream.async_read_some(into, nothrow); };
      auto [ec, n] = co_await on_stream(c, receive);
      c.disarm();
      piece.size = n;
      if (ec && n == 0) {
        piece.error =
            c.timed_out() ? fmt::format("no body bytes within {}", format_duration(timeout))
            : ec == asio::error::eof ? std::string("the upstream closed the connection mid-body")
                                     : fmt::format("reading the body failed: {}", ec.message());
        piece.end = end_of(ec, c.timed_out());
        co_return piece;
      }
    }
    *upstream_remaining_ -= piece.size;
    piece.done = *upstream_remaining_ == 0;
    co_return piece;
  }

  // Chunked or ended by a close: Beast's parser removes the framing.
  auto& body = parser_->get().body();
  body.data = relay_buffer_.data();
  body.size = relay_buffer_.size();
  body.more = true;
  c.arm(strand, timeout);
  auto receive = [&](auto& stream) {
    return http::async_read(stream, c.buffer(), *parser_, nothrow);
  };
  auto [ec, n] = co_await on_stream(c, receive);
  c.disarm();
  piece.size = relay_buffer_.size() - body.size;
  if (ec == http::error::need_buffer) ec = {};
  if (ec) {
    piece.error = c.timed_out() ? fmt::format("no body bytes within {}", format_duration(timeout))
                                : fmt::format("reading the body failed: {}", ec.message());
    piece.end = end_of(ec, c.timed_out());
  }
  piece.done = !ec && parser_->is_done();
  co_return piece;
}

}  // namespace sisyphus::proxy
