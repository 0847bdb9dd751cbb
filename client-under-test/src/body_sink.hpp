#pragma once
// Where a streaming body goes: positioned writes into FILE.part (several at once: chunks
// never overlap) and the SHA-256 (in order, on a strand), all on the worker pool, while the
// download receives the next chunk into another buffer of a small ring. On a large file
// neither the writes nor the digest cost wall time as long as a core is free.
//
// Large bodies are written with O_DIRECT when the file system takes it: no copy into the
// page cache (the main CPU cost of writing a file on Linux), and the fdatasync that must
// precede each state update has nothing left to flush. O_DIRECT wants 4 KiB-aligned
// offsets, lengths and buffers, so the last partial block of each chunk is carried to the
// head of the next buffer and written with the rest; flush() writes it through the page
// cache so that FILE.part holds every received byte.
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "file.hpp"
#include "sisyphus/core/sha256.hpp"

namespace sisyphus::client::detail {

class BodySink {
 public:
  static constexpr std::size_t kAlign = 4096;
  static constexpr std::size_t kRing = 4;

  // Bytes [0, offset) of `part` are held and already in `sha`. `direct` asks for O_DIRECT
  // (granted only when the file system supports it). `owner` is the download's executor
  // (a strand): completions come back through it. `part_sha`, when given, gets the bytes of
  // this body alone too (to check its Content-Digest), on the same strand.
  BodySink(boost::asio::any_io_executor owner, File& part, Sha256& sha, std::uint64_t offset,
           std::size_t chunk_size, bool direct, Sha256* part_sha = nullptr);
  ~BodySink();
  BodySink(const BodySink&) = delete;
  BodySink& operator=(const BodySink&) = delete;

  bool direct() const { return direct_fd_.is_open() && !direct_failed_; }

  // Reads back the partial block before the start offset (O_DIRECT rewrites whole blocks).
  void start();
  // A buffer to receive the next chunk into; waits until a ring slot is free.
  boost::asio::awaitable<std::span<std::byte>> next_buffer();
  // `n` bytes were received into the buffer next_buffer() returned.
  void commit(std::size_t n);
  std::uint64_t offset() const { return offset_; }

  // Waits for every queued write and digest update (never throws).
  boost::asio::awaitable<void> drain();
  // drain(), then rethrows a write error, then writes the carried partial block: FILE.part
  // holds bytes [0, offset()) (not yet durable) and `sha` covers them.
  boost::asio::awaitable<void> flush();

 private:
  struct AlignedFree {
    void operator()(std::byte* p) const;
  };
  using Buffer = std::unique_ptr<std::byte[], AlignedFree>;
  void job_done(std::size_t slot, std::exception_ptr error);

  boost::asio::any_io_executor owner_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> hash_strand_;
  File& part_;
  Sha256& sha_;
  Sha256* part_sha_;
  File direct_fd_;
  std::atomic<bool> direct_failed_{false};
  std::size_t chunk_;
  std::vector<Buffer> ring_;
  std::array<std::byte, kAlign> tail_{};      // the carried partial block
  std::uint64_t base_ = 0;                    // file offset of the current slot's first byte
  std::size_t carry_ = 0;                     // bytes at the head of the current slot, carried over
  std::uint64_t offset_ = 0;                  // bytes held
  std::uint64_t submitted_ = 0;               // chunks committed
  std::array<std::size_t, kRing> pending_{};  // jobs (write, hash) still using each slot
  std::size_t pending_total_ = 0;
  std::exception_ptr error_;
  boost::asio::steady_timer wake_;
};

}  // namespace sisyphus::client::detail
