#pragma once
// What one download did: the verdict, the numbers the runner reports, and one record per
// attempt so that a black-box reading of the server log can be checked against it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/units.hpp"

namespace sisyphus::client {

// Exit codes of `sisyphus get` (and Result::exit_code).
inline constexpr int kExitOk = 0;
inline constexpr int kExitGaveUp = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitVerification = 3;

enum class AttemptOutcome {
  complete,       // the body (or the rest of it) arrived
  interrupted,    // the connection ended before the body did (close, reset, cut chunk)
  timeout,        // connect, read-idle or overall timeout
  retry_status,   // 5xx, 429: retried after a backoff or Retry-After
  fatal_status,   // other 4xx, too many redirects, a redirect without Location: give up
  rejected,       // a response that cannot be trusted (bad Content-Range, changed
                  // validators, 416 that does not match): discarded, restart from 0
  bad_part,       // the body arrived whole but its Content-Digest does not match it: that
                  // part is discarded (what came before it is kept), retried after the backoff
  connect_error,  // resolve, connect or TLS handshake failed
  local_error     // the output could not be written
};

std::string_view to_string(AttemptOutcome o);

struct AttemptRecord {
  std::uint32_t number = 0;  // 1-based
  Duration start{0};         // since the download started (after the wait below)
  Duration duration{0};
  Duration waited{0};  // backoff or Retry-After wait before this attempt (time-scaled)
  int status = 0;      // final status after redirects; 0 when no response arrived
  std::optional<std::string> range;     // Range sent
  std::optional<std::string> if_range;  // If-Range sent
  std::uint32_t redirects = 0;
  std::uint64_t offset = 0;  // where this attempt's body was written in the output
  std::uint64_t bytes = 0;   // body bytes received in this attempt
  AttemptOutcome outcome = AttemptOutcome::interrupted;
  std::string detail;  // human-readable reason ("connection reset after 31457280 bytes")
};

// The download threw away bytes it held and started over from byte 0.
struct Restart {
  std::uint32_t attempt = 0;  // the attempt that caused it (0: before the first one)
  std::string reason;
  std::uint64_t discarded = 0;  // bytes thrown away
};

struct Result {
  bool ok = false;
  int exit_code = kExitGaveUp;
  std::uint32_t attempts = 0;
  std::uint64_t bytes_received = 0;   // body bytes received over all attempts
  std::uint64_t bytes_discarded = 0;  // bytes received or held, then thrown away
  std::uint64_t bytes_resumed = 0;    // bytes a previous run left in FILE.part and kept
  std::optional<std::uint64_t> size;  // representation size, when known
  std::vector<Restart> restarts;
  std::string sha256;       // hex digest of the final file (empty unless ok)
  std::string verified_by;  // "sha256", "repr-digest" or "" (nothing to verify against)
  Duration duration{0};
  std::string error;  // why it failed (empty when ok)
  std::vector<AttemptRecord> attempt_log;
  std::filesystem::path output;
};

// The --json summary: {"ok", "exit_code", "attempts", "bytes_received", ...}.
std::string to_json(const Result& result);

}  // namespace sisyphus::client
