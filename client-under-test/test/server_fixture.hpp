#pragma once
// An in-process fault-injecting origin server built from scenario YAML, per test.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sisyphus/proxy/server.hpp"
#include "support.hpp"

namespace sisyphus::client::test {

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
