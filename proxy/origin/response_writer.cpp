#include "origin/response_writer.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <span>

#include "origin/turnaway.hpp"

namespace sisyphus::proxy {
namespace {

constexpr std::uint64_t kPieceSize = 64 * 1024;  // read from the representation at a time

// Where the plan's cut falls in this body, as a body offset; nullopt when it does not fall
// inside the body (a cut beyond the body, or before a range that starts after it, has no
// effect; a text body has no resource offsets).
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

Framing framing_of(const ResponseSpec& spec) {
  Framing framing;
  framing.body = spec.send_body;
  framing.chunked = spec.chunked;
  if (spec.announce_length && !spec.chunked) framing.length = spec.content_length;
  return framing;
}

PlanExecutor::Response head_of(const ResponseSpec& spec) {
  PlanExecutor::Response head;
  head.result(static_cast<unsigned>(spec.status));
  head.reason(reason_phrase(spec.status));
  for (const auto& [name, value] : spec.headers) head.insert(name, value);
  return head;
}

// A piece's storage, allocated only when a write is about to be filled, without zeroing
// what the fill overwrites.
class PieceBuffer {
 public:
  std::span<std::byte> get(std::size_t n) {
    if (capacity_ < n) {
      data_ = std::make_unique_for_overwrite<std::byte[]>(n);
      capacity_ = n;
    }
    return {data_.get(), n};
  }
  void release() {
    data_.reset();
    capacity_ = 0;
  }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t capacity_ = 0;
};

// The body's parts in order, through the executor's BodyWriter, until one write says stop.
// Each piece is filled once its write's turn has come (BodyWriter::await_turn()) and only
// while the socket takes bytes; it is not kept while the writer waits, for pacing or for a
// reader that stopped reading. So a throttled response holds at most one slice
// (throttle_slice()) and only for the moment of its write: 10,000 throttled readers cost no
// 64 KiB piece each (docs/server.md "Holding a herd").
// The resource's bytes go straight from the source's file into the socket (sendfile(2):
// no piece, no copy, no writability check before each write) when no byte of them is
// touched on the way: no corruption, no chunk framing. A wrong_range part reads from its
// shifted offset all the same; multipart framing goes through a piece.
asio::awaitable<void> write_body(Connection& connection, BodyWriter& body, const ResponseSpec& spec,
                                 const ResponsePlan& plan, const ContentSource* source) {
  const int file = source != nullptr && !spec.chunked && plan.corruptions.empty()
                       ? source->file_descriptor()
                       : -1;
  PieceBuffer buffer;
  for (const auto& part : spec.body) {
    if (part.from_resource && file >= 0) {
      // In the same turns as the copying path below (a timed cut is looked at per piece).
      for (std::uint64_t in_part = 0; in_part < part.size();) {
        const auto n = static_cast<std::size_t>(std::min(kPieceSize, part.size() - in_part));
        if (!co_await body.write_from_file(file, part.source_first + in_part, n)) co_return;
        in_part += n;
      }
      continue;
    }
    for (std::uint64_t in_part = 0; in_part < part.size();) {
      const std::size_t n = co_await body.await_turn(
          static_cast<std::size_t>(std::min(kPieceSize, part.size() - in_part)));
      if (n == 0) co_return;
      if (!connection.ready(asio::socket_base::wait_write)) {
        buffer.release();
        if (!co_await body.wait_writable()) co_return;
      }
      const std::span piece = buffer.get(n);
      if (part.from_resource) {
        try {
          source->read(part.source_first + in_part, piece);
        } catch (const std::exception& e) {
          body.abandon(e.what());  // a file that vanished or shrank mid-response
          co_return;
        }
      } else {
        std::memcpy(piece.data(), part.literal.data() + in_part, n);
      }
      if (!co_await body.write(
              piece, part.from_resource ? std::optional(part.first + in_part) : std::nullopt)) {
        co_return;
      }
      if (body.paced()) buffer.release();
      in_part += n;
    }
  }
}

}  // namespace

asio::awaitable<bool> write_answer(Connection& connection, Answer answer, bool keep_alive,
                                   LogRecord& record, Connection::Clock::time_point started,
                                   UnexecutedCut unexecuted_cut) {
  const ResponseSpec& spec = answer.spec;
  PlanExecutor exec(connection, answer.plan, framing_of(spec), locate_cut(answer.plan, spec),
                    keep_alive);
  PlanExecutor::Response head = head_of(spec);
  // The slot goes back as the last byte is about to be written: given back only after that
  // write returned, a client that had read everything and asked again at once was sometimes
  // turned away by its own transfer (5 in 300 runs of MaxActiveFreesTheSlotWhenTheTransferEnds).
  if (answer.transfer != nullptr) {
    exec.body().on_finishing([transfer = answer.transfer] { transfer->end_transfer(); });
  }
  if (co_await exec.send_head(head)) {
    if (spec.send_body)
      co_await write_body(connection, exec.body(), spec, answer.plan, answer.source);
    co_await exec.finish();
  }
  if (answer.transfer != nullptr) answer.transfer->end_transfer();
  co_return co_await exec.conclude(record, spec.status, started, unexecuted_cut);
}

}  // namespace sisyphus::proxy
