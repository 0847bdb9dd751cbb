#include "sisyphus/testing/temp_dir.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <string>
#include <system_error>

namespace sisyphus::testing {

TempDir::TempDir(std::string_view prefix) {
  std::string templ =
      (std::filesystem::temp_directory_path() / ("sisyphus-" + std::string(prefix) + "-XXXXXX"))
          .string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + templ);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sisyphus::testing
