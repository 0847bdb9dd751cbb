#pragma once
// Executing the body side of a ResponsePlan byte-exactly on a connection: per-chunk delay,
// pacing (throttle), corrupted bytes, the cut (close, reset or stall; at an offset, or once a
// transfer time has passed) and chunk framing.
// PlanExecutor (plan_executor.hpp) owns one per response and does the rest (delay, head,
// log record); the caller feeds the body in order, piece by piece, each piece with the
// resource offset of its first byte when it is a slice of the representation: the origin
// feeds slices of its content source, the proxy what it reads from the upstream. It counts
// the body bytes the socket accepted (written) and, at the end, those the client's TCP
// acknowledged (delivered; DESIGN.md "Byte accounting"). Internal to the proxy library (Asio
// types).
#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "sisyphus/proxy/plan.hpp"
#include "wire/connection.hpp"
#include "wire/delivery_ledger.hpp"

namespace sisyphus::proxy {

// It ends the connection only after the request is logged (a client that sees the FIN or
// RST finds it in the log), and it tells the core just before it writes the last byte of a
// complete response (ServerCore::finishing_started()), so a client that has read everything
// finds the record too.
class BodyWriter {
 public:
  // How the connection ends once the response is logged.
  enum class End {
    keep_open,  // complete; the connection may take another request
    fin,        // close with FIN (a drop with how: close or stall, a chunked cut, no keep-alive)
    rst,        // drain the send queue, then RST (a drop with how: reset)
    gone,       // the socket failed or the server is stopping: nothing left to do
  };

  // `cut_at`: where the plan's cut falls in this body, as a body offset (nullopt: nowhere).
  // `length`: the body's length when known (Content-Length framing), to know which write
  // carries its last byte. The head must already be on the wire.
  BodyWriter(Connection& connection, const ResponsePlan& plan, bool chunked,
             std::optional<std::uint64_t> cut_at, std::optional<std::uint64_t> length);

  // Writes `piece` in order after the previous ones, flipping the planned bytes in place.
  // `resource_first` is the resource offset of piece[0], or nullopt for bytes that are not
  // part of the representation (a status body, an opaque relayed body). Returns false once
  // nothing more may be written: the cut was reached (cut_reached()) or the connection
  // failed (error()). Bytes past the cut are not written; nor is a write that could start
  // only once the plan's timed cut is due (it waits until then, then the body ends).
  // Each write is tried at once without waiting (a paced body's socket takes its slice
  // whole); only what the socket does not take is waited for.
  asio::awaitable<bool> write(std::span<std::byte> piece,
                              std::optional<std::uint64_t> resource_first);
  // For a caller that fills each piece itself (the origin): waits for the next write's turn
  // (the per-chunk delay, the pacing slot, a timed cut) and says how many of `left` bytes it
  // takes, 0 when nothing more may be written. A write() of exactly that many bytes then
  // starts at once, so the piece need exist only from now on, not while the writer waits.
  asio::awaitable<std::size_t> await_turn(std::size_t left);
  // The writes wait for their turns (throttle, per-chunk delay): a piece kept between them
  // would be held for nothing.
  bool paced() const { return plan_.rate > 0 || plan_.per_chunk_delay.count() > 0; }
  // The most bytes one write takes (a throttle slice; 64 KiB under a per-chunk delay; else
  // no limit): a caller's piece larger than this is written in several turns.
  std::size_t max_write() const { return max_write_; }

  // The same for `n` bytes waiting in a pipe (the proxy's zero-copy path: splice(2) from
  // the upstream socket into the pipe, from the pipe into the client socket). Only for
  // bodies without chunk framing and without corruptions (their bytes are never seen here).
  asio::awaitable<bool> write_from_pipe(int pipe, std::size_t n);
  // The same for `n` bytes of the file `file` from `offset` on (the origin's zero-copy path:
  // sendfile(2) from a file resource or a memfd of synthetic content; nothing is copied
  // through user space). Only for bodies without chunk framing and without corruptions.
  // A file that ends before them (it shrank) abandons the body.
  asio::awaitable<bool> write_from_file(int file, std::uint64_t offset, std::size_t n);
  // Waits until the socket takes bytes again, within the write timeout, so that a caller
  // whose reader stopped reading holds no piece meanwhile (write_answer() fills its buffer
  // only after this). false once nothing more may be written (error()).
  asio::awaitable<bool> wait_writable();
  // Body bytes that may still be written before the cut (max when there is none); at 0,
  // stop_at_cut() ends the body there.
  std::uint64_t room() const;
  void stop_at_cut();

  // After the last piece: the terminating zero-length chunk unless the plan cuts (a stall
  // is waited out here, as part of the request), and how the connection will end.
  asio::awaitable<void> finish(bool keep_alive);
  // The plan's head cut (HeadCut) was executed instead of the head: no body follows; a stall
  // is waited out here, then the connection ends as `how` says, after the record.
  asio::awaitable<void> cut_in_head(CutHow how, Duration stall_for);
  // After the request is logged: FIN or RST as decided.
  asio::awaitable<void> end_connection();

  // The head went out, `n` bytes of it: the body's bytes follow them on the wire.
  void head_written(std::size_t n) { ledger_.framing(n); }
  // Before the head is written: the kernel holds it (TCP_CORK) until the first body write, or
  // until anything waits first (a per-chunk delay, pacing, a stall, the end): release_head().
  void hold_head();
  void release_head();
  // The response ends with the head (HEAD, 304, an empty body): call before writing it.
  void mark_finishing();
  // Pass to ServerCore::record(): the core waits for this request's record.
  bool finishing_marked() const { return finishing_marked_; }
  // Called once, at mark_finishing(): just before the last byte is written, so whatever it
  // releases (a max_active slot) is free before a client that read everything can ask again.
  void on_finishing(std::function<void()> f) { on_finishing_ = std::move(f); }

  // After finish(): waits until the client's TCP has acknowledged every body byte written,
  // while it keeps acknowledging (the kernel may still be sending to a client that reads
  // everything), and stops as soon as the client is gone (it reset the connection) or
  // acknowledges nothing for a while (it stopped reading); then delivered_bytes() is final.
  asio::awaitable<void> await_delivery();

  // Body bytes the socket accepted, chunk framing excluded.
  std::uint64_t body_bytes() const { return ledger_.written(); }
  // Body bytes the client's TCP acknowledged, as of the last look (await_delivery()). When
  // the kernel could never be asked (the server closed the socket to stop), body_bytes().
  std::uint64_t delivered_bytes() const { return delivered_.value_or(ledger_.written()); }
  // The body ended at a cut of the plan: its offset cut or its timed cut.
  bool cut_reached() const { return reached_ != Reached::none; }
  bool offset_cut_reached() const { return reached_ == Reached::offset; }
  bool timed_cut_reached() const { return reached_ == Reached::timed; }
  bool head_cut_reached() const { return reached_ == Reached::head; }
  bool complete() const { return complete_; }  // the message ended as framed
  End end() const { return end_; }
  const std::optional<std::string>& error() const { return error_; }
  // Something of the caller's own broke the response off (the upstream failed mid-body):
  // the client can only see the connection close.
  void abandon(std::string why);

 private:
  // Ends the response the way a cut says (FIN, RST, or a stall of `stall_for` then FIN):
  // a body's cut and a cut inside the head alike.
  asio::awaitable<void> end_by(CutHow how, Duration stall_for);
  void fail(std::string why);
  // The preamble of every write, copying or splicing: how many of the `left` bytes it takes
  // (next_slice()), once it may start (release_time()); 0 when nothing more may be written
  // (the cut is reached, or the server is stopping: then error()). It yields the size, not
  // a bool: a helper coroutine returning bool here crashed when built by g++ 12.
  asio::awaitable<std::size_t> next_write(std::size_t left);
  // When the next write may start: after the per-chunk delay and the pacing slot.
  Connection::Clock::time_point release_time();
  // How many of the `left` bytes the next write takes: at most max_write_ (one per timed
  // slice), never past the cut; 0 once the cut is reached (then cut_reached()).
  std::size_t next_slice(std::size_t left);
  // Marks finishing when the next `n` bytes end a complete body.
  void before_last_write(std::size_t n);
  // Writes all of `buffers` (at most 3): what the socket takes at once, then the rest within
  // the write timeout. Returns the bytes written; `ec` says why not all.
  asio::awaitable<std::size_t> send(std::span<const asio::const_buffer> buffers,
                                    boost::system::error_code& ec);
  // The loop of write_from_pipe() and write_from_file(): `n` bytes in turns, each moved by
  // `move(socket, max)` (what it moved, 0 at the source's end, -1 with errno), waiting for
  // writability when the socket takes nothing. `at_source_end`: why a 0 ends the body.
  enum class SourceEnd { client_closed, file_shrank };
  asio::awaitable<bool> move_into_socket(std::size_t n,
                                         std::function<ssize_t(int, std::size_t)> move,
                                         SourceEnd at_source_end);
  // After a body write: a chunked body's ledger forgets its acknowledged chunks now and then.
  void after_body_write();

  Connection& c_;
  const ResponsePlan& plan_;
  bool chunked_;
  std::optional<std::uint64_t> cut_at_;
  std::optional<std::uint64_t> length_;
  std::size_t max_write_;
  bool started_ = false;
  Connection::Clock::time_point start_;
  std::uint64_t pos_ = 0;
  std::size_t granted_ = 0;  // bytes of the turn await_turn() took for the next write()
  DeliveryLedger ledger_;
  std::size_t settle_at_runs_;
  std::optional<std::uint64_t> delivered_;
  bool head_held_ = false;
  enum class Reached { none, offset, timed, head };
  Reached reached_ = Reached::none;
  bool complete_ = false;
  bool finishing_marked_ = false;
  std::function<void()> on_finishing_;
  End end_ = End::gone;
  StreamEnd stream_end_;  // End::fin: the cut's Cut::end
  std::optional<std::string> error_;
};

}  // namespace sisyphus::proxy
