#include "body_sink.hpp"

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>

#include "worker_pool.hpp"

namespace sisyphus::client::detail {
namespace asio = boost::asio;

void BodySink::AlignedFree::operator()(std::byte* p) const {
  ::operator delete[](p, std::align_val_t{kAlign});
}

BodySink::BodySink(asio::any_io_executor owner, File& part, Sha256& sha, std::uint64_t offset,
                   std::size_t chunk_size, bool direct, Sha256* part_sha)
    : owner_(owner),
      hash_strand_(asio::make_strand(worker_pool())),
      part_(part),
      sha_(sha),
      part_sha_(part_sha),
      chunk_((chunk_size + kAlign - 1) / kAlign * kAlign),
      offset_(offset),
      wake_(owner) {
  if (direct) {
    if (auto fd = File::open_direct(part.path())) direct_fd_ = std::move(*fd);
  }
  base_ = offset;
  if (direct_fd_.is_open()) {
    base_ = offset / kAlign * kAlign;
    carry_ = static_cast<std::size_t>(offset - base_);
  }
  for (std::size_t i = 0; i < kRing; ++i) {
    // One spare block: the carried partial block sits in front of a full chunk.
    ring_.emplace_back(new (std::align_val_t{kAlign}) std::byte[chunk_ + kAlign]);
  }
}

BodySink::~BodySink() = default;

void BodySink::start() {
  if (carry_ > 0) part_.read_at(base_, std::span(tail_.data(), carry_));
}

asio::awaitable<std::span<std::byte>> BodySink::next_buffer() {
  const std::size_t s = submitted_ % kRing;
  while (pending_[s] > 0) {
    wake_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;  // operation_aborted: a job is done
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  std::byte* slot = ring_[s].get();
  if (carry_ > 0) std::memcpy(slot, tail_.data(), carry_);
  co_return std::span<std::byte>(slot + carry_, chunk_);
}

void BodySink::commit(std::size_t n) {
  const std::size_t s = submitted_ % kRing;
  std::byte* slot = ring_[s].get();
  const std::size_t total = carry_ + n;
  const bool aligned_writes = direct();
  const std::size_t whole = aligned_writes ? total / kAlign * kAlign : total;
  const std::uint64_t at = base_;
  ++submitted_;
  pending_[s] += 2;
  pending_total_ += 2;
  // Completions come back through the owner, which is kept busy (tracked work) meanwhile.
  auto back = asio::prefer(owner_, asio::execution::outstanding_work.tracked);
  asio::post(hash_strand_, [this, back, s, data = std::span<const std::byte>(slot + carry_, n)] {
    sha_.update(data);
    if (part_sha_ != nullptr) part_sha_->update(data);
    asio::post(back, [this, s] { job_done(s, nullptr); });
  });
  // Writes need no order (their ranges never overlap), so several may be in flight: the
  // device gets a queue deeper than one.
  asio::post(worker_pool(), [this, back, s, data = std::span<const std::byte>(slot, whole), at,
                             aligned_writes] {
    std::exception_ptr error;
    try {
      if (!data.empty()) {
        if (aligned_writes && !direct_failed_) {
          if (!direct_fd_.try_write_at(at, data)) {
            direct_failed_ = true;  // refused (EINVAL): through the page cache from now on
            part_.write_at(at, data);
          }
        } else {
          part_.write_at(at, data);
        }
      }
    } catch (...) {
      error = std::current_exception();
    }
    asio::post(back, [this, s, error] { job_done(s, error); });
  });
  offset_ += n;
  base_ += whole;
  carry_ = total - whole;
  if (carry_ > 0) std::memcpy(tail_.data(), slot + whole, carry_);
}

void BodySink::job_done(std::size_t slot, std::exception_ptr error) {
  --pending_[slot];
  --pending_total_;
  if (error && !error_) error_ = error;
  wake_.cancel();
}

asio::awaitable<void> BodySink::drain() {
  while (pending_total_ > 0) {
    wake_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

asio::awaitable<void> BodySink::flush() {
  co_await drain();
  if (error_) std::rethrow_exception(error_);
  // The carried bytes stay carried: the next whole block written over them is identical.
  if (carry_ > 0) part_.write_at(base_, std::span<const std::byte>(tail_.data(), carry_));
}

}  // namespace sisyphus::client::detail
