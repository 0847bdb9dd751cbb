#pragma once
// What one response will look like. The fault engine builds a plan per request (each
// applicable fault edits it); the plan executor (proxy/wire/plan_executor.hpp, with its
// BodyWriter) executes it byte-exactly, for the origin's, the proxy's own and relayed answers
// alike. Plain data: no Beast.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sisyphus/core/units.hpp"

namespace sisyphus::proxy {

// The bytes a throttled body (`rate` bytes/s) writes at a time: 50 ms of its rate, but no
// less than 16 KiB unless that is more than a second of it, and at most 64 KiB. Each write
// costs a pacing timer, a system call and, on loopback, the receiver's TCP work too: with
// 4 KiB slices a herd of 10,000 readers at 16 KiB/s cost four packets a second each and
// 80 % of the server's CPU was the kernel's; 16 KiB is one write a second at that rate, as
// nginx's limit_rate does (docs/server.md "Holding a herd").
constexpr std::uint64_t throttle_slice(std::uint64_t rate) {
  const std::uint64_t min_slice = 16 * 1024, max_slice = 64 * 1024;
  std::uint64_t slice = rate / 20 > min_slice ? rate / 20 : min_slice;
  if (slice > rate) slice = rate;
  if (slice > max_slice) slice = max_slice;
  return slice > 0 ? slice : 1;
}

enum class CutHow {
  close,  // write the bytes before the cut, then FIN
  reset,  // write them, wait until the kernel send queue is empty, then RST
  stall,  // write them, then hold the connection open and silent for `stall_for`, then close
};

// Where a cut happens. `resource` offsets are positions in the representation (what
// Content-Range counts; the same as body offsets for a 200); `response` offsets count
// body bytes of this response ("after: 1MiB").
struct BodyPoint {
  enum class Base { resource, response };
  Base base = Base::resource;
  std::uint64_t offset = 0;
};

// How a cut that closes (CutHow::close, and stall at its end) ends what the client sees
// beyond the session's FIN (docs/server.md "HTTPS", "HTTP/2"). Over plain HTTP/1.1 a FIN is
// all there is.
struct StreamEnd {
  // Over HTTPS: TLS close_notify before the FIN (a clean TLS end); false ends the TCP stream
  // without it, as a truncation does.
  bool close_notify = true;
  // Over HTTP/2: the connection ends (as close_notify says), or only the stream
  // (RST_STREAM), or the connection with a GOAWAY first; with this error code.
  enum class H2 : std::uint8_t { connection, rst_stream, goaway };
  H2 h2 = H2::connection;
  std::uint32_t h2_error = 0;
};

struct Cut {
  BodyPoint at;
  CutHow how = CutHow::close;
  Duration stall_for{0};  // for CutHow::stall (already time-scaled)
  std::string fault;      // kind that asked for it, for the log
  StreamEnd end;
};

// A cut by transfer time (`drop: {after_time: 5s}`): the body stops once `after` has passed
// since its first write began (after the head and any first-byte delay); what went out by
// then is what the client gets. Not byte-exact: a write that may start before the moment is
// made whole. Then as Cut::how.
struct TimedCut {
  Duration after{0};  // already time-scaled
  CutHow how = CutHow::close;
  Duration stall_for{0};  // for CutHow::stall (already time-scaled)
  std::string fault;      // kind that asked for it, for the log
  StreamEnd end;          // as Cut::end
};

// A cut inside the response head (empty_reply, head_cut, endless_head, garbage): the first
// `at` bytes of the head go out, then the connection ends as `how` says; no body byte
// follows. `at` is clamped to the head without the empty line that ends it, so a client never
// gets a complete head (a cut after the whole head is a body cut: drop: {after: 0}). With
// ResponsePlan::head_replacement (garbage) those bytes go out instead of the head, clamped to
// their length.
struct HeadCut {
  std::uint64_t at = 0;
  CutHow how = CutHow::close;
  Duration stall_for{0};  // for CutHow::stall (already time-scaled)
  std::string fault;      // kind that asked for it, for the log
};

// One corrupted byte: the byte at `resource_offset` is XORed with `mask` (never 0).
struct Corruption {
  std::uint64_t resource_offset = 0;
  std::uint8_t mask = 0x01;
};

// What a digest fault sends in a digest field of the origin's response (lying_repr_digest,
// wrong_content_digest; origin/digest_fields.hpp makes the values).
enum class DigestLie {
  none,       // the true digest
  other,      // a well-formed sha-256 that is not the one of the bytes
  malformed,  // a sha-256 member that is no SHA-256 (not 32 bytes)
};

struct ResponsePlan {
  // Replace the response with this status and a short text body (503, 429, 500, 404...).
  std::optional<int> status;
  // Extra response headers (e.g. Retry-After), added to whatever response is sent.
  std::vector<std::pair<std::string, std::string>> headers;
  // status with `retry_after_as: date`: Retry-After is the HTTP-date this many whole seconds
  // after the response's own Date (added where Date is made: add_plan_headers()).
  std::optional<std::uint64_t> retry_after_date_in;
  // redirect: `Location`, as written, sent with the status while it is a 3xx other than 304 (a
  // later status fault that replaces the code with a 4xx or 5xx leaves no Location behind).
  std::optional<std::string> location;
  bool ignore_range = false;     // act as a server without range support (200, no Accept-Ranges)
  bool chunked = false;          // Transfer-Encoding: chunked instead of Content-Length
  bool chunked_cut = false;      // chunked: close before the terminating zero-length chunk
  Duration first_byte_delay{0};  // before the status line (already time-scaled, jitter applied)
  Duration per_chunk_delay{0};   // before each body write
  std::uint64_t rate = 0;        // throttle, body bytes per second; 0 = unlimited
  std::uint64_t burst = 0;       // throttle.burst: bytes per write; 0 = throttle_slice(rate)
  std::optional<Cut> cut;        // set_cut() keeps the earliest one
  std::optional<TimedCut> timed_cut;  // set_timed_cut() keeps the earliest; with `cut`, the
                                      // one reached first on the wire happens
  std::vector<Corruption> corruptions;
  std::optional<HeadCut> head_cut;  // set_head_cut() keeps the earliest; before any body cut
  std::string head_replacement;     // non-empty: sent instead of the head (garbage), then cut
  std::int64_t range_shift = 0;     // wrong_range: a 206 body starts at first + shift
  // Digest faults: what Repr-Digest / Content-Digest say when the response sends them.
  DigestLie repr_digest_lie = DigestLie::none;
  DigestLie content_digest_lie = DigestLie::none;
  std::vector<std::string> applied;  // fault kinds that edited this plan, in order

  // Whether the body goes out with chunk framing: `server_chunked` (the scenario's
  // server.chunked, where the scenario applies) or a fault asks for it.
  bool chunked_body(bool server_chunked) const { return server_chunked || chunked || chunked_cut; }

  // Keeps whichever cut happens first, comparing like bases. Of a resource and a response
  // cut the one set last is kept: which comes first is not known before the body's start is
  // (locate_cut() in origin/response_writer.cpp and relay/proxy_relay.cpp places the cut).
  void set_cut(Cut c) {
    if (!cut || cut->at.base != c.at.base || c.at.offset < cut->at.offset) cut = std::move(c);
  }
  void set_head_cut(HeadCut c) {
    if (!head_cut || c.at < head_cut->at) head_cut = std::move(c);
  }
  void set_timed_cut(TimedCut c) {
    if (!timed_cut || c.after < timed_cut->after) timed_cut = std::move(c);
  }
};

}  // namespace sisyphus::proxy
