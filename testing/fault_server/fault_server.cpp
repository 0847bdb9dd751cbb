#include "sisyphus/testing/fault_server.hpp"

#include <thread>
#include <utility>

namespace sisyphus::testing {

FaultServer::FaultServer(std::string_view yaml, proxy::ServerOptions options)
    : relay_(options.upstream.has_value()) {
  server_ = std::make_unique<proxy::Server>(std::move(options), load(yaml));
  server_->start();
}

FaultServer::FaultServer(model::Scenario scenario, proxy::ServerOptions options)
    : relay_(options.upstream.has_value()),
      server_(std::make_unique<proxy::Server>(std::move(options), std::move(scenario))) {
  server_->start();
}

FaultServer FaultServer::from_file(const std::filesystem::path& file,
                                   proxy::ServerOptions options) {
  auto scenario =
      options.upstream ? proxy::load_relay_scenario_file(file) : proxy::load_scenario_file(file);
  return FaultServer(std::move(scenario), std::move(options));
}

FaultServer::FaultServer(FaultServer&&) noexcept = default;
FaultServer& FaultServer::operator=(FaultServer&&) noexcept = default;
FaultServer::~FaultServer() {
  if (server_) server_->stop();
}

model::Scenario FaultServer::load(std::string_view yaml) const {
  // Errors name the scenario as a file would be named: the text has none.
  return relay_ ? proxy::load_relay_scenario_string(yaml, "<FaultServer scenario>")
                : proxy::load_scenario_string(yaml, "<FaultServer scenario>");
}

std::uint16_t FaultServer::port() const {
  return server_->port();
}
std::string FaultServer::base_url() const {
  return server_->base_url();
}
std::string FaultServer::url() const {
  return server_->url();
}

void FaultServer::set_scenario(std::string_view yaml) {
  server_->set_scenario(load(yaml));
}
void FaultServer::set_scenario(model::Scenario scenario) {
  server_->set_scenario(std::move(scenario));
}
void FaultServer::reset() {
  server_->reset();
}

std::vector<proxy::LogRecord> FaultServer::log() const {
  return server_->log();
}
std::vector<proxy::LogRecord> FaultServer::wait_for_log(std::size_t n,
                                                        std::chrono::milliseconds timeout) const {
  return testing::wait_for_log(*server_, n, timeout);
}
proxy::Stats FaultServer::stats() const {
  return server_->stats();
}

std::vector<proxy::LogRecord> wait_for_log(const proxy::Server& server, std::size_t n,
                                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto log = server.log();
  while (log.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    log = server.log();
  }
  return log;
}

}  // namespace sisyphus::testing
