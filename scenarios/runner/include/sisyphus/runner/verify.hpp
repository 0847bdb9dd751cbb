#pragma once
// Verification of a client's output against the bytes it should hold, regenerated block by
// block (never stored), and the verdict of DESIGN.md "Verdicts and metrics".
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::runner {

// The bytes a download must end up with: synthetic content (seed, size) or a real file.
class ExpectedContent {
 public:
  static ExpectedContent synthetic(std::uint64_t seed, std::uint64_t size);
  // Size is the file's size now; throws std::runtime_error when it cannot be read.
  static ExpectedContent file(const std::filesystem::path& path);

  std::uint64_t size() const { return size_; }
  // Bytes [offset, offset + out.size()); throws std::runtime_error on a short file.
  void read(std::uint64_t offset, std::span<std::byte> out) const;

 private:
  std::uint64_t seed_ = 0;
  std::uint64_t size_ = 0;
  std::optional<std::filesystem::path> file_;
};

struct OutputCheck {
  bool exists = false;
  std::uint64_t size = 0;        // bytes in the output (0 when absent)
  std::uint64_t common_bad = 0;  // differing bytes within min(size, expected size)
  // Null when the output is identical to the expected content. Absent output counts as
  // empty: `truncated` from byte 0 (when the expected content is not empty). bad_bytes is
  // exact; a bad range goes on across fewer than 16 bytes that happen to match (random
  // content matches one byte in 256), so a spliced region is one range.
  std::optional<reports::Corruption> corruption;

  bool identical() const { return exists && !corruption; }
  // Absent, or no longer than expected with every byte it has right.
  bool clean_prefix(std::uint64_t expected_size) const {
    return !exists || (size <= expected_size && common_bad == 0);
  }
};

// Streams `output` against `expected` in blocks. Throws std::runtime_error when the output
// exists but cannot be read.
OutputCheck compare_output(const std::filesystem::path& output, const ExpectedContent& expected);

struct Classification {
  reports::Verdict verdict = reports::Verdict::error;
  std::optional<reports::Corruption> corruption;  // for failed-dirty and corrupt
};

// client_success: what the client claimed. `check` compares with the version the server
// served last. `clean_prefix_of_other_version`: the output is a correct prefix of another
// version the client saw (e.g. the original of a `prefill: {changed: true}`), which is not
// wrong bytes, only stale ones.
Classification classify(bool client_success, const OutputCheck& check, std::uint64_t expected_size,
                        bool clean_prefix_of_other_version = false);

}  // namespace sisyphus::runner
