#pragma once
// A scenario's own directory: created fresh (mkdtemp), removed with everything in it unless
// kept.
#include <filesystem>
#include <string_view>

namespace sisyphus::runner::detail {

class WorkDir {
 public:
  // <root>/sisyphus-<name>-XXXXXX; root empty: the system temp directory. Throws
  // std::system_error when it cannot be created.
  WorkDir(const std::filesystem::path& root, std::string_view name, bool keep);
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool keep_;
};

}  // namespace sisyphus::runner::detail
