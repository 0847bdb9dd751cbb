#pragma once
// Which of a response's body bytes reached the client (DESIGN.md "Byte accounting"): the
// kernel says how many bytes of the connection's stream are written but not yet
// acknowledged (SIOCOUTQ; they are always its last ones, TCP acknowledges in order), and the
// ledger knows where this response's body bytes sit in its own part of that stream, between
// the head and the chunk framing. Bytes of earlier responses on a kept-alive connection are
// before this response's and never counted. Internal to the proxy library.
#include <cstdint>
#include <optional>
#include <vector>

namespace sisyphus::proxy {

// What the kernel says of a connected socket's sending side.
struct SendQueue {
  std::uint64_t unacknowledged = 0;  // written into the socket, not acknowledged by the peer
  bool peer_gone = false;  // the connection is closed (the peer reset it): nothing more will
                           // be acknowledged
};
// nullopt when the socket cannot say (closed descriptor).
std::optional<SendQueue> send_queue(int fd);

class DeliveryLedger {
 public:
  // Bytes of this response that are not body: the head, chunk-size lines, the CRLF after a
  // chunk's data, the terminating chunk.
  void framing(std::uint64_t n) { wire_ += n; }
  // Body bytes, in order after everything written before.
  void body(std::uint64_t n);

  std::uint64_t written() const { return body_; }
  // Body bytes among those written that the peer acknowledged, when `unacknowledged` bytes
  // of the connection are still unacknowledged.
  std::uint64_t delivered(std::uint64_t unacknowledged) const;
  // Forgets where the acknowledged runs were (their bytes stay counted): a chunked body
  // keeps one run per chunk until then. Returns delivered(unacknowledged).
  std::uint64_t settle(std::uint64_t unacknowledged);
  // Runs still placed (for deciding when to settle()).
  std::size_t runs() const { return runs_.size(); }

 private:
  // Body bytes contiguous in the stream: from `start` (offset in this response's bytes).
  struct Run {
    std::uint64_t start = 0;
    std::uint64_t length = 0;
  };
  // Offset in this response's bytes up to which the peer acknowledged.
  std::uint64_t acknowledged_up_to(std::uint64_t unacknowledged) const;

  std::uint64_t wire_ = 0;     // bytes of this response written so far, framing included
  std::uint64_t body_ = 0;     // body bytes written so far
  std::uint64_t settled_ = 0;  // body bytes of forgotten runs (all acknowledged)
  std::vector<Run> runs_;
};

}  // namespace sisyphus::proxy
