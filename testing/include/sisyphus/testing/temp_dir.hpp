#pragma once
// A fresh directory under the system temp directory (mkdtemp: unique even when test
// binaries run in parallel), removed with everything in it when the TempDir goes, also when
// the test failed.
#include <filesystem>
#include <string_view>

namespace sisyphus::testing {

class TempDir {
 public:
  // The directory is named sisyphus-<prefix>-XXXXXX.
  explicit TempDir(std::string_view prefix = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace sisyphus::testing
