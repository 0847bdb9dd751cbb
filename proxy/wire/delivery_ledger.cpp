#include "wire/delivery_ledger.hpp"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>

namespace sisyphus::proxy {

std::optional<SendQueue> send_queue(int fd) {
  // SIOCOUTQ is write_seq - snd_una, which the kernel keeps after a reset too (the queue's
  // bytes are dropped, the count of what was never acknowledged stays).
  int queued = 0;
  if (fd < 0 || ::ioctl(fd, SIOCOUTQ, &queued) != 0 || queued < 0) return std::nullopt;
  tcp_info info{};
  socklen_t size = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
  return SendQueue{.unacknowledged = static_cast<std::uint64_t>(queued),
                   .peer_gone = info.tcpi_state == TCP_CLOSE};
}

void DeliveryLedger::body(std::uint64_t n) {
  if (n == 0) return;
  if (!runs_.empty() && runs_.back().start + runs_.back().length == wire_) {
    runs_.back().length += n;
  } else {
    runs_.push_back({.start = wire_, .length = n});
  }
  wire_ += n;
  body_ += n;
}

std::uint64_t DeliveryLedger::acknowledged_up_to(std::uint64_t unacknowledged) const {
  // More unacknowledged bytes than this response wrote: earlier ones are still outstanding,
  // so none of this response's are acknowledged.
  return wire_ - std::min(unacknowledged, wire_);
}

std::uint64_t DeliveryLedger::delivered(std::uint64_t unacknowledged) const {
  const std::uint64_t up_to = acknowledged_up_to(unacknowledged);
  std::uint64_t sum = settled_;
  for (const Run& run : runs_) {
    if (run.start >= up_to) break;
    sum += std::min(run.length, up_to - run.start);
  }
  return sum;
}

std::uint64_t DeliveryLedger::settle(std::uint64_t unacknowledged) {
  const std::uint64_t up_to = acknowledged_up_to(unacknowledged);
  auto first_open = std::find_if(runs_.begin(), runs_.end(), [up_to](const Run& run) {
    return run.start + run.length > up_to;
  });
  for (auto it = runs_.begin(); it != first_open; ++it) settled_ += it->length;
  runs_.erase(runs_.begin(), first_open);
  return delivered(unacknowledged);
}

}  // namespace sisyphus::proxy
