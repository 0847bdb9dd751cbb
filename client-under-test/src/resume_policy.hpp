#pragma once
// The decisions of a careful resumable download, as pure functions of what is held and
// what the server answered (no I/O, so every rule is unit-tested on its own):
// what to ask for (Range, If-Range, or start over) and what to do with the answer.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sisyphus/client/options.hpp"
#include "sisyphus/client/state.hpp"
#include "sisyphus/core/sha256.hpp"
#include "sisyphus/core/units.hpp"

namespace sisyphus::client::detail {

struct RequestPlan {
  std::uint64_t offset = 0;             // first byte asked for
  std::optional<std::string> range;     // "bytes=N-"
  std::optional<std::string> if_range;  // strong ETag or strong Last-Modified
  // Set when the held bytes cannot be resumed safely and must be discarded first.
  std::optional<std::string> restart_reason;
};

// `held` describes FILE.part; `verifiable` is true when an expected sha256 was given.
RequestPlan plan_request(ResumePolicy policy, const PartState& held, bool verifiable);

// The fields of a response that the rules read (lower-case names already looked up).
struct ResponseSummary {
  int status = 0;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  std::optional<std::string> content_range;
  std::optional<std::string> content_type;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::string> date;
  std::optional<std::string> repr_digest;
  std::optional<std::string> content_digest;  // of this response's own bytes (RFC 9530)
  std::optional<std::string> retry_after;
  std::optional<std::string> location;
};

enum class Action {
  stream_from_zero,  // 200: (discard what is held and) write this body from byte 0
  append,            // 206 accepted: write this body at the held offset
  complete,          // 416 confirming that everything is held
  redirect,          // follow Location
  retry,             // 5xx / 429: try again later
  reject,            // cannot be trusted: discard what is held, start over
  fatal              // give up
};

struct Judgement {
  Action action = Action::fatal;
  std::string reason;                   // why (for reject, fatal, retry and restarts)
  std::optional<Duration> retry_after;  // retry: the server's Retry-After
  std::optional<std::uint64_t> total;   // representation size this response tells
};

// `now` turns a Retry-After date into a delay when the response has no Date.
Judgement judge_response(const ResponseSummary& r, const RequestPlan& plan, const PartState& held,
                         std::chrono::sys_seconds now);

// The state a 200 response starts: its validators, size and digest, zero bytes held.
PartState state_from_full_response(const ResponseSummary& r, const std::string& url);

// Validators of an accepted 206 that the state lacked (size from Content-Range, digest).
void learn_from_partial_response(const ResponseSummary& r, std::uint64_t total, PartState& held);

}  // namespace sisyphus::client::detail
