#pragma once
// The proxy (proxy::Server with an upstream) in front of a real nginx that serves 8 MiB of
// deterministic content as /file.bin; one nginx per test suite, one proxy per test.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/nginx_upstream.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {

inline constexpr std::uint64_t kFileSize = 8 * 1024 * 1024;
inline constexpr std::uint64_t kFileSeed = 5;

// Bytes [offset, offset + length) of the served file.
inline std::string file_bytes(std::uint64_t offset, std::uint64_t length) {
  return content_bytes(kFileSeed, offset, length);
}

class RelayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nginx_ = NginxUpstream::start({{"file.bin", file_bytes(0, kFileSize)}}).release();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
  }
  void TearDown() override {
    if (proxy_) proxy_->stop();
  }

  // A proxy in front of nginx (unless options name another upstream) with a relay scenario.
  void start(const std::string& yaml, proxy::ServerOptions options = {}) {
    if (!options.upstream) options.upstream = nginx_->url();
    proxy_ = std::make_unique<proxy::Server>(std::move(options),
                                             proxy::load_relay_scenario_string(yaml, "relay.yaml"));
    proxy_->start();
  }
  std::uint16_t port() const { return proxy_->port(); }
  HttpResponse get(std::string_view target, const Headers& headers = {}) {
    return fetch("127.0.0.1", port(), "GET", target, headers);
  }
  RawClient connect() { return RawClient::connect("127.0.0.1", port()); }
  // The proxy's log once it has `n` records (a session logs after its last byte).
  std::vector<proxy::LogRecord> log_with(std::size_t n) { return testing::log_with(*proxy_, n); }

  static inline NginxUpstream* nginx_ = nullptr;
  std::unique_ptr<proxy::Server> proxy_;
};

}  // namespace sisyphus::testing
