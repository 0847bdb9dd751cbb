#pragma once
// A fresh directory under the system temp directory (mkdtemp: unique even when test
// binaries run in parallel), removed with everything in it when the TempDir goes.
// Header-only, for every component's tests: target sisyphus_testing.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace sisyphus::test {

class TempDir {
 public:
  // The directory is named sisyphus-<prefix>-XXXXXX.
  explicit TempDir(std::string_view prefix = "test") {
    std::string templ =
        (std::filesystem::temp_directory_path() / ("sisyphus-" + std::string(prefix) + "-XXXXXX"))
            .string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + templ);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace sisyphus::test
