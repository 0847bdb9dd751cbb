#include "input_files.hpp"

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

}  // namespace sisyphus::runner::detail
