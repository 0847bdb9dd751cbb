#pragma once
// The YAML files a `run` or `compare` takes, shared by both: each input is a file or a
// directory of them; none given: the built-in directory. Then each file loaded, names unique.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::runner::detail {

// `what` names the files in errors ("scenario", "matrix"). Missing inputs and empty
// directories are errors appended to `errors`.
std::vector<std::filesystem::path> input_files(const std::vector<std::filesystem::path>& inputs,
                                               const std::filesystem::path& built_in,
                                               std::string_view what,
                                               std::vector<std::string>& errors);

// Where a built-in directory (`catalogue`, `matrices`) is: $`env` when set; else
// ../share/sisyphus/<name> beside the running executable when it exists (an installed
// sisyphus, wherever its prefix: docs/install.md); else `source_dir`, this build's sources.
std::filesystem::path built_in_dir(const char* env, std::string_view name,
                                   const std::filesystem::path& source_dir);

// Loads every file with `load` (which throws on a bad file; its what() is the error), keeps
// the first of two with the same `.name` and reports the second, and sorts by name.
template <typename T, typename Load>
std::vector<T> load_each(const std::vector<std::filesystem::path>& files, std::string_view what,
                         Load load, std::vector<std::string>& errors) {
  std::vector<T> out;
  std::map<std::string, std::string> seen;  // name -> file
  for (const auto& file : files) {
    try {
      T item = load(file);
      auto [it, fresh] = seen.emplace(item.name, file.string());
      if (!fresh) {
        errors.push_back(fmt::format("{}: {} name '{}' is already used by {}", file.string(), what,
                                     item.name, it->second));
        continue;
      }
      out.push_back(std::move(item));
    } catch (const std::exception& e) {
      errors.push_back(e.what());
    }
  }
  std::sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.name < b.name; });
  return out;
}

}  // namespace sisyphus::runner::detail
