#pragma once
// The verdict of one scenario run and the two rules of DESIGN.md "Verdicts and metrics" that
// decide a run's outcome, side by side: which verdict the client's output earns (classify)
// and how many of the bytes it was sent were wasted (compute_bytes_wasted). The runner
// measures (the server's log, the output compared with the expected bytes); these decide.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::reports {

// results.json keeps at most this many bad ranges; bad_bytes still counts all of them.
inline constexpr std::size_t kMaxBadRanges = 16;

enum class Verdict {
  ok,            // client said success, output identical
  failed_clean,  // client said failure; output absent or a correct prefix
  failed_dirty,  // client said failure; output holds wrong bytes
  corrupt,       // client said success, output differs: the worst
  error,         // the harness itself failed (client could not start, server failed, ...)
};

// "ok", "failed-clean", "failed-dirty", "corrupt", "error".
std::string_view to_string(Verdict v);
// Inverse of to_string; nullopt for anything else.
std::optional<Verdict> verdict_from_string(std::string_view text);
// Inverse of to_string; throws sisyphus::ParseError naming the text and the accepted names.
Verdict parse_verdict(std::string_view text);

enum class CorruptionKind {
  mismatch,   // same length, some bytes differ
  truncated,  // shorter than the resource (the common prefix may also differ)
  extended,   // longer than the resource
};
std::string_view to_string(CorruptionKind k);
std::optional<CorruptionKind> corruption_kind_from_string(std::string_view text);

// Inclusive byte range [first, last] of the output, like an HTTP byte range.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  bool operator==(const ByteRange&) const = default;
};

struct Corruption {
  CorruptionKind kind = CorruptionKind::mismatch;
  std::uint64_t first_bad_offset = 0;
  std::uint64_t bad_bytes = 0;        // all wrong bytes (missing/extra bytes count as bad)
  std::vector<ByteRange> bad_ranges;  // the first kMaxBadRanges, ascending
  // The resource whose download it is, in a scenario with several (`resources:`).
  std::optional<std::string> resource;
  bool operator==(const Corruption&) const = default;
};

// What the client's output holds, compared with the version it should hold (the runner's
// compare_output measures it).
struct OutputCheck {
  bool exists = false;
  std::uint64_t size = 0;        // bytes in the output (0 when absent)
  std::uint64_t common_bad = 0;  // differing bytes within min(size, expected size)
  // Null when the output is identical to the expected content. Absent output counts as
  // empty: `truncated` from byte 0 (when the expected content is not empty). bad_bytes is
  // exact; a bad range goes on across fewer than 16 bytes that happen to match (random
  // content matches one byte in 256), so a spliced region is one range.
  std::optional<Corruption> corruption;

  bool identical() const { return exists && !corruption; }
  // Absent, or no longer than expected with every byte it has right.
  bool clean_prefix(std::uint64_t expected_size) const {
    return !exists || (size <= expected_size && common_bad == 0);
  }
};

struct Classification {
  Verdict verdict = Verdict::error;
  std::optional<Corruption> corruption;  // for failed-dirty and corrupt
};

// client_success: what the client claimed. `check` compares with the version the server
// served last. `clean_prefix_of_other_version`: the output is a correct prefix of another
// version the client saw (e.g. the original of a `prefill: {changed: true}`), which is not
// wrong bytes, only stale ones.
Classification classify(bool client_success, const OutputCheck& check, std::uint64_t expected_size,
                        bool clean_prefix_of_other_version = false);

// DESIGN.md: bytes_sent - size when the verdict is ok, else bytes_sent, where bytes_sent is
// what reached the client (its TCP acknowledged it), not bytes_written: what a client that
// dropped a response left in the server's send buffer it never fetched. `reusable` is the
// part of the current version the client already held when it started (an unchanged
// prefill): those bytes need not be sent, so they are not charged as needed. Never below 0.
std::uint64_t compute_bytes_wasted(Verdict verdict, std::uint64_t bytes_sent, std::uint64_t size,
                                   std::uint64_t reusable = 0);

}  // namespace sisyphus::reports
