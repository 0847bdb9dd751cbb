#pragma once
// A real server on an ephemeral loopback port, built from scenario YAML, for the server
// tests; plus the expected bytes of synthetic content.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sisyphus/core/content.hpp"
#include "sisyphus/proxy/server.hpp"
#include "support/raw_http_client.hpp"

namespace sisyphus::test {

inline model::Scenario scenario_from(const std::string& yaml) {
  return proxy::load_scenario_string(yaml, "test.yaml");
}

// Bytes [offset, offset + length) of content `seed`, as a string for easy comparison.
inline std::string content_bytes(std::uint64_t seed, std::uint64_t offset, std::uint64_t length) {
  std::string out(length, '\0');
  content::fill(seed, offset, std::span(reinterpret_cast<std::byte*>(out.data()), out.size()));
  return out;
}

// Byte-exact comparison that reports sizes and the first differing offset instead of
// printing megabytes of binary.
inline ::testing::AssertionResult same_bytes(const std::string& actual,
                                             const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  std::size_t i = 0;
  while (i < actual.size() && i < expected.size() && actual[i] == expected[i]) ++i;
  return ::testing::AssertionFailure() << "got " << actual.size() << " bytes, expected "
                                       << expected.size() << "; first difference at offset " << i;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(const std::string& yaml, proxy::ServerOptions options = {}) {
    server_ = std::make_unique<proxy::Server>(std::move(options), scenario_from(yaml));
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::uint16_t port() const { return server_->port(); }
  HttpResponse get(std::string_view target, const Headers& headers = {}) {
    return fetch("127.0.0.1", port(), "GET", target, headers);
  }
  HttpResponse head(std::string_view target, const Headers& headers = {}) {
    return fetch("127.0.0.1", port(), "HEAD", target, headers);
  }
  RawClient connect() { return RawClient::connect("127.0.0.1", port()); }
  // The log once `n` records are in it (sessions log after their last byte; wait a little).
  std::vector<proxy::LogRecord> log_with(std::size_t n) {
    auto deadline = Clock::now() + 5s;
    while (server_->log().size() < n && Clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    return server_->log();
  }
  void wait_connections_closed() {
    auto deadline = Clock::now() + 10s;
    while (server_->stats().connections_open > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
    }
  }

  std::unique_ptr<proxy::Server> server_;
};

}  // namespace sisyphus::test
