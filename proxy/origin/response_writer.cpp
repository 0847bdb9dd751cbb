// Executing a ResponsePlan exactly: the head goes out through Beast's serializer, the body
// through BodyWriter (body_writer.hpp, shared with the reverse proxy) as raw buffers this
// file fills from the representation, so that every delay, pacing step, cut, corrupted byte
// and chunk boundary is under control and the byte count in the log is what the socket
// accepted.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <cstring>
#include <vector>

#include "wire/body_writer.hpp"
#include "origin/origin_session.hpp"

namespace sisyphus::proxy {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kPieceSize = 64 * 1024;  // read from the representation at a time

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

Ending ending_of(BodyWriter::End end) {
  switch (end) {
    case BodyWriter::End::keep_open:
      return Ending::keep_open;
    case BodyWriter::End::fin:
      return Ending::fin;
    case BodyWriter::End::rst:
      return Ending::rst;
    case BodyWriter::End::gone:
      return Ending::gone;
  }
  return Ending::gone;
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
  const std::uint64_t length = spec.body_length();
  BodyWriter body(*this, plan, spec.chunked, spec.send_body ? locate_cut(plan, spec) : std::nullopt,
                  spec.chunked ? std::nullopt : std::optional(length));
  WriteOutcome out;
  auto outcome = [&] {
    out.body_bytes = body.body_bytes();
    out.cut = body.cut_reached();
    out.finishing_marked = body.finishing_marked();
    if (!out.error) out.error = body.error();
    return out;
  };
  auto gone = [&](std::string why) {
    out.error = std::move(why);
    out.ending = Ending::gone;
    return outcome();
  };

  if (plan.first_byte_delay.count() > 0 && !co_await sleep_for(plan.first_byte_delay)) {
    co_return gone("server stopping");
  }
  // The head carries the response's last byte: log() must wait for this request's record.
  if (!spec.send_body || (length == 0 && !spec.chunked)) body.mark_finishing();
  if (!co_await write_head(spec, keep_alive)) co_return gone("could not write the response head");
  if (!spec.send_body) {
    out.complete = true;
    out.ending = keep_alive ? Ending::keep_open : Ending::fin;
    co_return outcome();
  }

  std::vector<std::byte> data(
      static_cast<std::size_t>(std::min(kPieceSize, std::max<std::uint64_t>(length, 1))));
  bool more = true;
  for (const auto& part : spec.body) {
    for (std::uint64_t in_part = 0; more && in_part < part.size();) {
      const auto n = static_cast<std::size_t>(std::min(kPieceSize, part.size() - in_part));
      const std::span piece(data.data(), n);
      if (part.from_resource) {
        try {
          source->read(part.source_first + in_part, piece);
        } catch (const std::exception& e) {
          body.abandon(e.what());  // a file that vanished or shrank mid-response
          more = false;
          break;
        }
      } else {
        std::memcpy(piece.data(), part.literal.data() + in_part, n);
      }
      more = co_await body.write(
          piece, part.from_resource ? std::optional(part.first + in_part) : std::nullopt);
      in_part += n;
    }
    if (!more) break;
  }
  co_await body.finish(keep_alive);  // the terminating chunk, or the cut (a stall waits here)
  out.complete = body.complete();
  out.ending = ending_of(body.end());
  co_return outcome();
}

asio::awaitable<void> OriginSession::end_connection(const WriteOutcome& outcome) {
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
  }
}

}  // namespace sisyphus::proxy
