#include "origin/response_writer.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <span>
#include <vector>

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

// The body's parts in order, through the executor's BodyWriter, until one write says stop.
// The buffer exists only while the socket takes bytes: a reader that stopped reading (one
// of 10,000, say) costs no 64 KiB piece while the server waits for it.
asio::awaitable<void> write_body(Connection& connection, BodyWriter& body, const ResponseSpec& spec,
                                 const ContentSource* source) {
  std::uint64_t left = spec.body_length();
  std::vector<std::byte> data;
  for (const auto& part : spec.body) {
    for (std::uint64_t in_part = 0; in_part < part.size();) {
      if (!connection.ready(asio::socket_base::wait_write)) {
        data.clear();
        data.shrink_to_fit();  // (assigning {} would keep the capacity)
        if (!co_await body.wait_writable()) co_return;
      }
      if (data.empty()) data.resize(static_cast<std::size_t>(std::min(kPieceSize, left)));
      const auto n = static_cast<std::size_t>(std::min(kPieceSize, part.size() - in_part));
      const std::span piece(data.data(), n);
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
      in_part += n;
      left -= n;
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
  if (co_await exec.send_head(head)) {
    if (spec.send_body) co_await write_body(connection, exec.body(), spec, answer.source);
    co_await exec.finish();
  }
  co_return co_await exec.conclude(record, spec.status, started, unexecuted_cut);
}

}  // namespace sisyphus::proxy
