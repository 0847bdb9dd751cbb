#pragma once
// Writing report files (internal): every report directory is written the same way.
#include <filesystem>
#include <string>

namespace sisyphus::reports {

// Creates `dir` and its parents if needed; throws std::runtime_error naming it.
void create_report_dir(const std::filesystem::path& dir);

// Written next to the target and renamed over it, so a reader never sees half a file.
// Throws std::runtime_error naming the file on an I/O failure.
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace sisyphus::reports
