#include "write_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace sisyphus::reports {

void create_report_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("{}: cannot create the report directory: {}", dir.string(), ec.message()));
  }
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw std::runtime_error(fmt::format("{}: cannot write: {}", path.string(), ec.message()));
}

}  // namespace sisyphus::reports
