#pragma once
// Helpers for the client's integration tests: temp directories, files, expected content.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sisyphus/client/download.hpp"
#include "sisyphus/core/content.hpp"
#include "sisyphus/core/sha256.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::client::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using sisyphus::test::TempDir;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Bytes [offset, offset + length) of synthetic content `seed`.
inline std::string content_bytes(std::uint64_t seed, std::uint64_t offset, std::uint64_t length) {
  std::string out(length, '\0');
  content::fill(seed, offset, std::as_writable_bytes(std::span(out.data(), out.size())));
  return out;
}

inline std::optional<std::size_t> first_mismatch(const std::string& data, std::uint64_t seed,
                                                 std::uint64_t offset = 0) {
  return content::first_mismatch(seed, offset, std::as_bytes(std::span(data.data(), data.size())));
}

inline std::string sha256_hex_of_content(std::uint64_t seed, std::uint64_t size) {
  auto d = Sha256::of(std::string_view(content_bytes(seed, 0, size)));
  return to_hex(d);
}

// Options for a quick, deterministic test download: no backoff wait, short timeouts.
inline Options quick_options(std::string url, fs::path output) {
  Options o;
  o.url = std::move(url);
  o.output = std::move(output);
  o.max_attempts = 10;
  o.backoff = BackoffOptions{BackoffStrategy::none, 0ms, 0ms, 1};
  o.connect_timeout = 2s;
  o.read_timeout = 5s;
  o.timeout = 25s;
  return o;
}

}  // namespace sisyphus::client::test
