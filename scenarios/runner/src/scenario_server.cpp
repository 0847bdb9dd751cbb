#include "scenario_server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace sisyphus::runner::detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kSettleGrace = std::chrono::milliseconds(500);

proxy::ServerOptions server_options(const model::Scenario& served, TimeScale time_scale,
                                    bool http2) {
  proxy::ServerOptions options;
  options.http2 = http2;
  options.threads = 1;
  options.time_scale = time_scale;
  options.file_root = file_root(served);
  return options;
}

}  // namespace

std::filesystem::path file_root(const model::Scenario& scenario) {
  auto dir = std::filesystem::path(scenario.source_file).parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

ScenarioServer::ScenarioServer(const model::Scenario& served, TimeScale time_scale, bool http2)
    : server_(server_options(served, time_scale, http2), served) {
  server_.start();
}

std::filesystem::path ScenarioServer::write_ca_file(const std::filesystem::path& dir) const {
  const std::string ca = server_.ca_pem();
  if (ca.empty()) return {};
  const std::filesystem::path file = dir / "ca.pem";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << ca;
  if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  return file;
}

std::vector<proxy::LogRecord> ScenarioServer::finish() {
  // A client that gives up after reading a response head (a 410, say) closes while the
  // server may still be writing the body: give the server a moment to finish and log what it
  // wrote, so the log does not depend on who won that race. A response still stalling on
  // purpose is cut short by stop() after the grace period.
  const auto give_up = Clock::now() + kSettleGrace;
  while (server_.stats().connections_open > 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  server_.stop();  // every request is in the log once its connection is closed
  return server_.log();
}

}  // namespace sisyphus::runner::detail
