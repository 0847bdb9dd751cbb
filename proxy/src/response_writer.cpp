// Executing a ResponsePlan exactly: the head goes out through Beast's serializer, the body
// as raw buffers this file fills and writes itself, so that every delay, pacing step, cut,
// corrupted byte and chunk boundary is under its control and the byte count in the log is
// what the socket accepted.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <cstring>
#include <vector>

#include "origin_session.hpp"

namespace sisyphus::proxy {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kWriteSize = 64 * 1024;

// Where the plan's cut falls in this body, as a body offset; nullopt when it does not fall
// inside the body (a cut beyond the body, or before a range that starts after it, has no
// effect).
std::optional<std::uint64_t> locate_cut(const ResponsePlan& plan, const ResponseSpec& spec) {
  if (!plan.cut) return std::nullopt;
  const std::uint64_t total = spec.body_length();
  if (plan.cut->at.base == BodyPoint::Base::response) {
    return plan.cut->at.offset < total ? std::optional(plan.cut->at.offset) : std::nullopt;
  }
  std::uint64_t pos = 0;
  for (const auto& part : spec.body) {
    if (part.from_resource && plan.cut->at.offset >= part.first &&
        plan.cut->at.offset - part.first < part.length) {
      return pos + (plan.cut->at.offset - part.first);
    }
    pos += part.size();
  }
  return std::nullopt;
}

// Pacing: byte `pos` of the body may leave no earlier than start + pos / rate.
Connection::Clock::time_point pace(Connection::Clock::time_point start, std::uint64_t pos,
                                   std::uint64_t rate) {
  const long double seconds = static_cast<long double>(pos) / static_cast<long double>(rate);
  return start + std::chrono::duration_cast<Connection::Clock::duration>(
                     std::chrono::duration<long double>(seconds));
}

std::string describe(const boost::system::error_code& ec, bool timed_out) {
  if (timed_out) return "write timeout: the client stopped reading";
  return ec.message();
}

}  // namespace

asio::awaitable<bool> OriginSession::write_head(const ResponseSpec& spec, bool keep_alive) {
  http::response<http::empty_body> res;
  res.version(11);
  res.result(static_cast<unsigned>(spec.status));
  res.reason(reason_phrase(spec.status));
  for (const auto& [name, value] : spec.headers) res.insert(name, value);
  if (spec.announce_length) {
    if (spec.chunked) {
      res.set(http::field::transfer_encoding, "chunked");
    } else {
      res.set(http::field::content_length, std::to_string(spec.content_length));
    }
  }
  if (!keep_alive) res.set(http::field::connection, "close");
  http::response_serializer<http::empty_body> serializer{res};
  set_deadline(core_->options().idle_timeout);
  auto [ec, n] = co_await http::async_write_header(socket_, serializer, nothrow);
  clear_deadline();
  co_return !ec;
}

asio::awaitable<WriteOutcome> OriginSession::write(const ResponseSpec& spec,
                                                   const ResponsePlan& plan,
                                                   const ContentSource* source, bool keep_alive) {
  WriteOutcome out;
  auto fail = [&](std::string why) {
    out.error = std::move(why);
    out.ending = Ending::gone;
    return out;
  };
  // Called just before the write that may put the response's last byte on the wire, so that
  // ServerCore::log() waits for this request's record if a client asks right after it.
  auto finishing = [&] {
    if (!out.finishing_marked) core_->finishing_started();
    out.finishing_marked = true;
  };

  const std::optional<std::uint64_t> cut_at =
      spec.send_body ? locate_cut(plan, spec) : std::nullopt;
  const std::uint64_t limit = cut_at.value_or(spec.body_length());
  const bool terminator = spec.send_body && spec.chunked && !cut_at && !plan.chunked_cut;

  if (plan.first_byte_delay.count() > 0 && !co_await sleep_for(plan.first_byte_delay)) {
    co_return fail("server stopping");
  }
  if (!spec.send_body || (limit == 0 && !terminator)) finishing();
  if (!co_await write_head(spec, keep_alive)) co_return fail("could not write the response head");

  if (spec.send_body) {
    const std::uint64_t slice =
        plan.rate > 0 ? std::clamp<std::uint64_t>(plan.rate / 100, 1, kWriteSize) : kWriteSize;
    std::vector<std::byte> data(
        static_cast<std::size_t>(std::min(slice, std::max<std::uint64_t>(limit, 1))));
    const Duration idle = core_->options().idle_timeout;
    const auto body_start = Clock::now();

    std::uint64_t pos = 0;
    for (const auto& part : spec.body) {
      const std::uint64_t part_start = pos;
      const std::uint64_t part_end = pos + part.size();
      while (pos < part_end && pos < limit) {
        const auto n = static_cast<std::size_t>(std::min({part_end - pos, limit - pos, slice}));
        if (plan.per_chunk_delay.count() > 0 && !co_await sleep_for(plan.per_chunk_delay)) {
          co_return fail("server stopping");
        }
        if (plan.rate > 0 && !co_await sleep_until(pace(body_start, pos, plan.rate))) {
          co_return fail("server stopping");
        }
        const std::uint64_t in_part = pos - part_start;
        if (part.from_resource) {
          try {
            source->read(part.source_first + in_part, std::span(data.data(), n));
          } catch (const std::exception& e) {
            co_return fail(e.what());  // a file that vanished or shrank mid-response
          }
          const std::uint64_t first = part.first + in_part;
          for (const auto& c : plan.corruptions) {
            if (c.resource_offset >= first && c.resource_offset - first < n) {
              data[static_cast<std::size_t>(c.resource_offset - first)] ^= std::byte{c.mask};
            }
          }
        } else {
          std::memcpy(data.data(), part.literal.data() + in_part, n);
        }
        if (pos + n == limit && !terminator) finishing();

        set_deadline(idle);
        boost::system::error_code ec;
        std::size_t body_written = 0;
        if (spec.chunked) {
          const std::string size_line = fmt::format("{:x}\r\n", n);
          const std::array<asio::const_buffer, 3> buffers{
              asio::buffer(size_line), asio::buffer(data.data(), n), asio::buffer("\r\n", 2)};
          auto [e, w] = co_await asio::async_write(socket_, buffers, nothrow);
          ec = e;
          body_written = std::min(n, w > size_line.size() ? w - size_line.size() : 0);
        } else {
          auto [e, w] = co_await asio::async_write(socket_, asio::buffer(data.data(), n), nothrow);
          ec = e;
          body_written = w;
        }
        clear_deadline();
        out.body_bytes += body_written;
        if (ec) co_return fail(describe(ec, timed_out()));
        pos += n;
      }
    }
  }

  if (cut_at) {
    out.cut = true;
    switch (plan.cut->how) {
      case CutHow::close:
        out.ending = Ending::fin;
        break;
      case CutHow::reset:
        out.ending = Ending::rst;
        break;
      case CutHow::stall:
        out.ending = Ending::stall_then_fin;
        break;
    }
    co_return out;
  }
  if (spec.send_body && spec.chunked && plan.chunked_cut) {
    out.ending = Ending::fin;
    co_return out;
  }
  if (terminator) {
    finishing();
    set_deadline(core_->options().idle_timeout);
    auto [ec, w] = co_await asio::async_write(socket_, asio::buffer("0\r\n\r\n", 5), nothrow);
    clear_deadline();
    if (ec) co_return fail(describe(ec, timed_out()));
  }
  out.complete = true;
  out.ending = keep_alive ? Ending::keep_open : Ending::fin;
  co_return out;
}

asio::awaitable<void> OriginSession::end_connection(const WriteOutcome& outcome,
                                                    const ResponsePlan& plan) {
  switch (outcome.ending) {
    case Ending::keep_open:
    case Ending::gone:
      break;
    case Ending::fin:
      co_await close_with_fin();
      break;
    case Ending::rst:
      co_await close_with_rst();
      break;
    case Ending::stall_then_fin:  // (the session normally turns this into fin after the stall)
      co_await sleep_for(plan.cut->stall_for);
      co_await close_with_fin();
      break;
  }
}

}  // namespace sisyphus::proxy
