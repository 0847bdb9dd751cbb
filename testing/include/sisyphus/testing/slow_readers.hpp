#pragma once
// Thousands of slow readers against one server, from one thread: the client side of
// bench/c10k.sh (bench/c10k_clients) and of the burst test of the server's accept loop
// (proxy/test/server/herd_accept_test.cpp). The herd of client_herd.hpp is a thread per
// client and so cannot reach 10,000 connections; this one is a single epoll loop.
//
// Each connection opens at its slot of a uniform spread over `open_within`, sends one GET and
// reads the response at no more than `read_rate` bytes per second, until the response ends
// (by its Content-Length) or `hold` has passed since the last one opened; then every
// connection still open is closed. What it counts is what a server that holds the herd must
// show: no reset, no refused connect, every connection answered.
//
//   SlowReadersOptions o{.port = port, .connections = 2000, .read_rate = 0};
//   SlowReadersCounts c = run_slow_readers(o);
//   EXPECT_EQ(c.complete, 2000u);
#include <chrono>
#include <cstdint>
#include <string>

namespace sisyphus::testing {

struct SlowReadersOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/file";
  unsigned connections = 10000;
  std::chrono::milliseconds open_within{1000};  // connects spread uniformly over this
  std::uint64_t read_rate = 16 * 1024;          // bytes/s per connection (0: unlimited)
  std::chrono::milliseconds hold{20000};        // after the last connect, then all close
  // A connection that receives nothing for this long counts as stalled and is closed.
  std::chrono::milliseconds silence{15000};
};

struct SlowReadersCounts {
  std::uint64_t opened = 0;            // sockets whose connect() was issued
  std::uint64_t connect_failed = 0;    // refused, timed out, or no socket (EMFILE...)
  std::uint64_t answered = 0;          // received at least the first byte of a response
  std::uint64_t complete = 0;          // received the head and every byte of Content-Length
  std::uint64_t not_ok = 0;            // answered with a status other than 200
  std::uint64_t resets = 0;            // ECONNRESET/EPIPE at any point
  std::uint64_t early_eof = 0;         // FIN before the response was complete
  std::uint64_t stalled = 0;           // nothing received for `silence`
  std::uint64_t held = 0;              // still open and reading when the hold ended
  std::uint64_t still_connecting = 0;  // connect() not done when the hold ended (SYN dropped)
  std::uint64_t peak_open = 0;         // most connections open at once
  std::uint64_t bytes = 0;             // received in all, heads included
  double seconds = 0;                  // from the first connect to the last close
};

// The counts as one line of JSON, keys as the fields.
std::string to_json(const SlowReadersCounts& counts);

SlowReadersCounts run_slow_readers(const SlowReadersOptions& options);

// Raises this process's soft limit of open files towards `wanted` (at most the hard limit);
// returns the limit now in force.
std::uint64_t raise_open_files_limit(std::uint64_t wanted);

}  // namespace sisyphus::testing
