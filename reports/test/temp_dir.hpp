#pragma once
// A fresh directory under the system temp dir, removed with everything in it at scope end.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace sisyphus::reports::testing {

class TempDir {
 public:
  explicit TempDir(std::string_view name)
      : path_(std::filesystem::temp_directory_path() /
              ("sisyphus-reports-" + std::to_string(::getpid()) + "-" + std::string(name))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sisyphus::reports::testing
