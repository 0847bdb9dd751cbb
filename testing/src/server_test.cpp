#include "sisyphus/testing/server_test.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "sisyphus/testing/fault_server.hpp"

namespace sisyphus::testing {

model::Scenario scenario_from(const std::string& yaml) {
  return proxy::load_scenario_string(yaml, "test.yaml");
}

std::string scenario_yaml(std::string_view name, std::string_view resource, std::string_view rules,
                          std::uint64_t seed) {
  return fmt::format("name: {}\nseed: {}\nresource: {{{}}}\n{}", name, seed, resource, rules);
}

std::vector<proxy::LogRecord> log_with(const proxy::Server& server, std::size_t n) {
  return wait_for_log(server, n, 5s);
}

std::uint64_t total_sent(const std::vector<proxy::LogRecord>& log) {
  std::uint64_t sum = 0;
  for (const auto& r : log) sum += r.bytes_sent;
  return sum;
}

void expect_kept_alive_and_delivered_whole(const std::vector<proxy::LogRecord>& log, std::size_t n,
                                           std::uint64_t bytes) {
  ASSERT_EQ(log.size(), n);
  for (const auto& record : log) {
    EXPECT_EQ(record.bytes_sent, bytes) << "attempt " << record.attempt;
    EXPECT_EQ(record.bytes_written, bytes) << "attempt " << record.attempt;
    EXPECT_EQ(record.connection, log[0].connection) << "attempt " << record.attempt;
  }
}

std::vector<proxy::LogRecord> by_attempt(std::vector<proxy::LogRecord> log) {
  std::stable_sort(log.begin(), log.end(),
                   [](const auto& a, const auto& b) { return a.attempt < b.attempt; });
  return log;
}

std::vector<proxy::LogRecord> get_requests(const std::vector<proxy::LogRecord>& log) {
  std::vector<proxy::LogRecord> out;
  std::copy_if(log.begin(), log.end(), std::back_inserter(out),
               [](const auto& r) { return r.method == "GET"; });
  return by_attempt(std::move(out));
}

void ServerTest::start(const std::string& yaml, proxy::ServerOptions options) {
  server_ = std::make_unique<proxy::Server>(std::move(options), scenario_from(yaml));
  server_->start();
}

void ServerTest::TearDown() {
  if (server_) server_->stop();
}

HttpResponse ServerTest::get(std::string_view target, const Headers& headers) {
  return fetch("127.0.0.1", port(), "GET", target, headers);
}

HttpResponse ServerTest::head(std::string_view target, const Headers& headers) {
  return fetch("127.0.0.1", port(), "HEAD", target, headers);
}

void ServerTest::wait_connections_closed() {
  const auto deadline = Clock::now() + 10s;
  while (server_->stats().connections_open > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
}

}  // namespace sisyphus::testing
