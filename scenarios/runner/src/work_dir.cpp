#include "work_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace sisyphus::runner::detail {

WorkDir::WorkDir(const std::filesystem::path& root, std::string_view name, bool keep)
    : keep_(keep) {
  const std::filesystem::path base = root.empty() ? std::filesystem::temp_directory_path() : root;
  std::filesystem::create_directories(base);
  std::string templ = (base / ("sisyphus-" + std::string(name) + "-XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create " + templ);
  }
  path_ = templ;
}

WorkDir::~WorkDir() {
  if (keep_) return;
  std::error_code ec;  // a destructor reports nothing; a leftover temp dir is harmless
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sisyphus::runner::detail
