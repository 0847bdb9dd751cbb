#pragma once
// What one download is asked to do. Plain data (no Beast, no Asio) so that the scenario
// runner, the command line and tests can build it cheaply.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/core/units.hpp"

namespace sisyphus::client {

// The strategies of the AWS Architecture Blog's "Exponential Backoff And Jitter".
enum class BackoffStrategy {
  none,                // retry at once
  constant,            // base
  exponential,         // min(cap, base * 2^n)
  full_jitter,         // random [0, min(cap, base * 2^n)]
  equal_jitter,        // t/2 + random [0, t/2], t = min(cap, base * 2^n)
  decorrelated_jitter  // min(cap, random [base, previous * 3])
};

struct BackoffOptions {
  BackoffStrategy strategy = BackoffStrategy::full_jitter;
  Duration base = std::chrono::milliseconds(100);
  Duration cap = std::chrono::seconds(2);  // also caps a server's Retry-After
  std::uint64_t seed = 0;                  // every jitter draw comes from this seed
};

// How an attempt after the first asks for the rest of the file.
enum class ResumePolicy {
  if_range,  // Range + If-Range with a strong validator; without one, only when verifiable
  range,     // Range without If-Range; relies on the response's validators and the digest
  restart    // never resume: every attempt downloads from byte 0
};

// Reported while the body streams (at most ~10 times a second) and at each attempt start.
struct Progress {
  std::uint32_t attempt = 0;
  std::uint64_t bytes_held = 0;        // bytes of the output known so far (resumed + new)
  std::optional<std::uint64_t> total;  // representation size, once a response told it
  std::uint64_t bytes_received = 0;    // body bytes received by this run, all attempts
  Duration elapsed{0};                 // since the download started
};

struct AttemptRecord;  // result.hpp

struct Options {
  std::string url;                    // http:// or https://
  std::filesystem::path output;       // FILE; the reference client writes FILE.part first
  std::optional<std::string> sha256;  // expected digest, 64 hex digits

  std::uint32_t max_attempts = 10;  // requests for the resource, redirects not counted
  BackoffOptions backoff;
  ResumePolicy resume = ResumePolicy::if_range;

  Duration connect_timeout = std::chrono::seconds(10);  // resolve + connect + TLS handshake
  Duration read_timeout = std::chrono::seconds(30);     // silence while waiting for bytes
  std::optional<Duration> timeout;                      // whole download, all attempts

  // Backoff and Retry-After waits are multiplied by this (the runner's --time-scale).
  TimeScale time_scale{1.0};

  bool naive = false;     // the careless client (naive_download.cpp), for comparison only
  bool insecure = false;  // HTTPS without certificate or host-name verification
  std::optional<std::filesystem::path> ca_file;              // PEM; default: the system CA store
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  // Sent as `Sisyphus-Client: <id>` on every request (core/client_token.hpp: 1 to 64 of
  // [A-Za-z0-9._-]), so that a sisyphus server numbers this download's attempts apart from
  // other clients' (docs/server.md "Clients"). Empty: not sent.
  std::string client_id;

  // fdatasync the part file before the state file counts its bytes, and before the final
  // rename. Off: a killed process still resumes safely, a power cut may not.
  bool fsync = true;
  Duration persist_interval = std::chrono::seconds(1);  // state file refresh while streaming
  // Bodies with at least this many bytes to come are written with O_DIRECT where the file
  // system allows it (else through the page cache): no page-cache copy, and little left for
  // each fdatasync. UINT64_MAX: never.
  std::uint64_t direct_io_min = 16 * 1024 * 1024;
  // Bytes per socket read. A download holds four such buffers while its body streams
  // (fewer bytes when less is left to come), so a herd of thousands of large downloads may
  // want 64 KiB; one large download wants 1 MiB or more (fewer syscalls and O_DIRECT writes).
  std::size_t buffer_size = 1024 * 1024;

  // Streaming instead of a file (herds: docs/compare.md "Herds"). With `on_body` set,
  // `output` stays empty: the download keeps no FILE, FILE.part or state file and hands each
  // body chunk it keeps to `on_body` with its offset in the output instead: the end of the
  // chunks before it, or 0 after it threw away what it held. Resumption, the checks of every
  // response and the digest work as with a file; a crash loses everything. The reference
  // client only (not `naive`).
  std::function<void(std::uint64_t offset, std::span<const std::byte> bytes)> on_body;

  std::function<void(const Progress&)> on_progress;
  std::function<void(const AttemptRecord&)> on_attempt;  // after each attempt ends
};

std::string_view to_string(BackoffStrategy s);
std::string_view to_string(ResumePolicy p);
// Throw ParseError naming the text and the accepted values.
BackoffStrategy parse_backoff_strategy(std::string_view text);
ResumePolicy parse_resume_policy(std::string_view text);

// The first problem with the options (bad URL, bad sha256, zero attempts...), or nullopt.
std::optional<std::string> validate(const Options& options);

}  // namespace sisyphus::client
