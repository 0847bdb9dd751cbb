#include "input_files.hpp"

#include <cstdlib>
#include <system_error>

#include "sisyphus/model/loader.hpp"

namespace sisyphus::runner::detail {

std::vector<std::filesystem::path> input_files(const std::vector<std::filesystem::path>& inputs,
                                               const std::filesystem::path& built_in,
                                               std::string_view what,
                                               std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  const std::vector<std::filesystem::path> roots =
      inputs.empty() ? std::vector<std::filesystem::path>{built_in} : inputs;
  for (const auto& input : roots) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      auto found = model::scenario_files(input);
      if (found.empty()) {
        errors.push_back(fmt::format("{}: no {} files (*.yaml, *.yml)", input.string(), what));
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(input, ec)) {
      files.push_back(input);
    } else {
      errors.push_back(fmt::format("{}: no such file or directory", input.string()));
    }
  }
  return files;
}

std::filesystem::path built_in_dir(const char* env, std::string_view name,
                                   const std::filesystem::path& source_dir) {
  const char* set = std::getenv(env);
  if (set != nullptr && set[0] != '\0') return set;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "sisyphus" / name;
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return source_dir;
}

}  // namespace sisyphus::runner::detail
