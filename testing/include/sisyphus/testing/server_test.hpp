#pragma once
// The fixture of every test against the real origin server: a proxy::Server built from
// scenario YAML, on an ephemeral loopback port, one per test, stopped when the test ends.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/raw_http_client.hpp"

namespace sisyphus::testing {

// A scenario from YAML text (named test.yaml in its errors).
model::Scenario scenario_from(const std::string& yaml);

// The YAML of a scenario `name` (seed `seed`) whose resource is `resource` (the inside of its
// flow mapping, e.g. "size: 1000, seed: 7"), followed by its `rules` (attempts:, faults:,
// changes: blocks).
std::string scenario_yaml(std::string_view name, std::string_view resource, std::string_view rules,
                          std::uint64_t seed = 1);

// The request log of `server` once it has `n` records (a session logs after its last byte;
// waits up to 5 s, then returns what there is).
std::vector<proxy::LogRecord> log_with(const proxy::Server& server, std::size_t n);

// Body bytes the server sent over the records of a request log.
std::uint64_t total_sent(const std::vector<proxy::LogRecord>& log);

// Expects `n` records, each charged exactly `bytes` body bytes both delivered and written (a
// client that read every byte), all on one connection.
void expect_kept_alive_and_delivered_whole(const std::vector<proxy::LogRecord>& log, std::size_t n,
                                           std::uint64_t bytes);

// Sessions log a request when its response ends, so a cut or stalled response can be logged
// after the next one: tests compare records in attempt order.
std::vector<proxy::LogRecord> by_attempt(std::vector<proxy::LogRecord> log);
// The GET requests of a log (not the HEADs a test sent itself), in attempt order.
std::vector<proxy::LogRecord> get_requests(const std::vector<proxy::LogRecord>& log);

class ServerTest : public ::testing::Test {
 protected:
  // (Re)starts the server with the scenario `yaml`.
  void start(const std::string& yaml, proxy::ServerOptions options = {});
  void TearDown() override;

  std::uint16_t port() const { return server_->port(); }
  std::string url() const { return server_->url(); }  // the scenario's resource
  HttpResponse get(std::string_view target, const Headers& headers = {});
  HttpResponse head(std::string_view target, const Headers& headers = {});
  RawClient connect() { return RawClient::connect("127.0.0.1", port()); }

  // The request log once it has `n` records (see the free log_with()).
  std::vector<proxy::LogRecord> log_with(std::size_t n) { return testing::log_with(*server_, n); }
  // Returns once the server holds no connection open (waits up to 10 s).
  void wait_connections_closed();

  std::unique_ptr<proxy::Server> server_;
};

}  // namespace sisyphus::testing
