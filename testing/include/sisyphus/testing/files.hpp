#pragma once
// Whole files in and out, for tests that compare what a program wrote.
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sisyphus::testing {

// The whole file, byte for byte ("" when it cannot be read: a missing file is then a
// mismatch in the assertion, not an exception in the helper).
std::string read_file(const std::filesystem::path& path);

// The file's complete lines, without their '\n'; a last line still being written (no '\n'
// yet) is left out, so a line is counted once it is whole.
std::vector<std::string> read_lines(const std::filesystem::path& path);

// Waits until `path` exists, up to `timeout`; whether it does.
bool wait_for_file(const std::filesystem::path& path, std::chrono::milliseconds timeout);

// Replaces the file with `bytes`; throws std::runtime_error when it cannot be written.
void write_file(const std::filesystem::path& path, std::string_view bytes);

}  // namespace sisyphus::testing
