#pragma once
// Helpers for the client's integration tests: expected content and quick download options
// (files, temporary directories and the server fixture come from sisyphus_testing).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "sisyphus/client/download.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::client::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using sisyphus::testing::content_bytes;
using sisyphus::testing::first_mismatch;
using sisyphus::testing::read_file;
using sisyphus::testing::sha256_hex_of_content;
using sisyphus::testing::TempDir;
using sisyphus::testing::write_file;

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
