#pragma once
// A herd of concurrent raw HTTP clients hammering one resource, for soak runs: the short soak
// test in the suite (proxy/test/server/soak_test.cpp) and bench/soak_clients (bench/soak.sh).
//
// Each client is a thread with a RawClient on a keep-alive connection. Request by request it
// draws from its own seeded stream what to ask for: a GET of the whole resource, a Range
// (`a-`, `a-b`, a suffix, several ranges, an unsatisfiable one, an invalid one), an If-Range
// with the ETag it last saw or a stale one, a HEAD, `Connection: close`, or hanging up
// after the first bytes of the response. Whatever the server does to a response (cut, reset,
// stalled, 503, corrupted) is tolerated and counted; after an incomplete one the client
// reconnects. What it counts is what a soak compares with the server: every request written
// whole must be in the server's log, exactly once.
//
//   HerdOptions o{.port = server.port(), .size = 256 << 10, .clients = 50, .requests = 2000};
//   HerdCounts c = run_herd(o);
//   EXPECT_EQ(server_log_lines, c.sent);
//   EXPECT_EQ(c.wrong_answers, 0u);
//
// The requests are seeded, per client: the same seed makes each client ask the same
// sequence (which attempt of the server's count each lands on depends on the interleaving).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace sisyphus::testing {

struct HerdCounts;

struct HerdOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/file";
  std::uint64_t size = 0;          // the resource's size: ranges are drawn inside it
  std::uint64_t content_seed = 1;  // the resource's content seed: a body that differs is corrupt
  unsigned clients = 200;
  std::uint64_t requests = 20000;         // in all, shared by the clients
  std::chrono::milliseconds duration{0};  // no new request after this long (0: no limit)
  std::uint64_t seed = 1;
  // The longest silence a client waits through inside a response before it gives up (a
  // timeout is counted: the scenario's stalls must be shorter).
  std::chrono::milliseconds read_timeout{10000};
  // Called every `progress_every` while the herd runs (from the calling thread), with the
  // counts so far; not at all when empty.
  std::function<void(const HerdCounts&)> progress;
  std::chrono::milliseconds progress_every{10000};
};

struct HerdCounts {
  std::uint64_t sent = 0;         // requests written whole: the server must log each one
  std::uint64_t send_failed = 0;  // the connection broke while writing one (not in `sent`)
  std::uint64_t connect_failed = 0;
  std::uint64_t responses = 0;  // a complete response head arrived
  std::uint64_t no_head = 0;    // the connection ended (or went silent) before the head
  std::uint64_t abandoned = 0;  // the client hung up after the first bytes, on purpose
  // How the responses (with a head) ended: as framed, FIN early, RST, silence.
  std::uint64_t complete = 0, fin = 0, rst = 0, timeout = 0;
  std::uint64_t corrupt_bodies = 0;  // complete 200/206 bodies with bytes other than the content
  // Complete answers that contradict the request: a 206 for other bytes than the one range
  // asked for, a 206 to a stale If-Range, a 200 or 206 whose length is not the resource's
  // (or the range's), a status no request of the herd should get. A server bug, always.
  std::uint64_t wrong_answers = 0;
  std::uint64_t errors = 0;  // unparsable responses and socket errors other than a reset
  std::map<int, std::uint64_t> statuses;  // status code -> responses
  double seconds = 0;                     // how long the herd ran
};

// The counts as one line of JSON (keys as the fields, "statuses": {"200": n, ...}).
std::string to_json(const HerdCounts& counts);

// Runs the herd until `requests` have been issued or `duration` has passed, and every client
// has finished its last response. Returns what it counted.
HerdCounts run_herd(const HerdOptions& options);

}  // namespace sisyphus::testing
