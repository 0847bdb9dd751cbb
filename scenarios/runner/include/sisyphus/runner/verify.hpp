#pragma once
// Verification of a client's output against the bytes it should hold, regenerated block by
// block (never stored). The verdict it leads to: sisyphus/reports/verdict.hpp.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "sisyphus/model/scenario.hpp"
#include "sisyphus/reports/verdict.hpp"

namespace sisyphus::runner {

// The bytes a download must end up with: synthetic content (seed, size) or a real file.
class ExpectedContent {
 public:
  static ExpectedContent synthetic(std::uint64_t seed, std::uint64_t size);
  // Size is the file's size now; throws std::runtime_error when it cannot be read.
  static ExpectedContent file(const std::filesystem::path& path);
  // The version of `resource` with this content seed (its file, for a `file:` resource).
  static ExpectedContent of(const model::Resource& resource, std::uint64_t content_seed);
  // The same for any resource of `scenario`, a text included: a text's content seed is the
  // described resource's, and its placeholders are filled as the server fills them.
  static ExpectedContent of(const model::Scenario& scenario, const model::Resource& resource,
                            std::uint64_t content_seed);
  static ExpectedContent bytes(std::string bytes);

  std::uint64_t size() const { return size_; }
  // Bytes [offset, offset + out.size()); throws std::runtime_error on a short file.
  void read(std::uint64_t offset, std::span<std::byte> out) const;
  // SHA-256 of every byte, lower-case hex (what `sisyphus get --sha256` takes).
  std::string sha256_hex() const;

 private:
  std::uint64_t seed_ = 0;
  std::uint64_t size_ = 0;
  std::optional<std::filesystem::path> file_;
  std::shared_ptr<const std::string> bytes_;
};

// Streams `output` against `expected` in blocks. Throws std::runtime_error when the output
// exists but cannot be read.
reports::OutputCheck compare_output(const std::filesystem::path& output,
                                    const ExpectedContent& expected);

}  // namespace sisyphus::runner
