#pragma once
// Helpers for the client's integration tests: temp directories, expected content, an
// in-process fault-injecting server built from scenario YAML.
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
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::client::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sisyphus-client-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

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

class ServerFixture : public ::testing::Test {
 protected:
  void start(const std::string& yaml, proxy::ServerOptions options = {}) {
    server_ = std::make_unique<proxy::Server>(std::move(options),
                                              proxy::load_scenario_string(yaml, "test.yaml"));
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::string url() const { return server_->url(); }
  // The request log once it has `n` records (a session logs after its last byte).
  std::vector<proxy::LogRecord> log_with(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server_->log().size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
    return server_->log();
  }
  static std::uint64_t total_sent(const std::vector<proxy::LogRecord>& log) {
    std::uint64_t sum = 0;
    for (const auto& r : log) sum += r.bytes_sent;
    return sum;
  }

  std::unique_ptr<proxy::Server> server_;
  TempDir dir_;
};

}  // namespace sisyphus::client::test
