#pragma once
// sisyphus::testing::FaultServer: the fault-injecting server inside a user's own test suite
// (GoogleTest or any other; nothing here needs GoogleTest). It serves a scenario on
// 127.0.0.1 and an ephemeral port from construction to destruction:
//
//   sisyphus::testing::FaultServer server(R"(
//     name: drop-once
//     resource: {size: 1MiB, seed: 7}
//     attempts:
//       1: [drop: {at: 50%}]
//   )");
//   my_downloader(server.url(), "out.bin");
//   auto log = server.wait_for_log(2);   // sessions log a request once its response ends
//   EXPECT_EQ(log[1].range, "bytes=524288-");
//
// Installed with find_package(sisyphus) as sisyphus::testing (docs/install.md).
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::testing {

class FaultServer {
 public:
  // Serves the scenario in `yaml` (the text of a scenario file); throws sisyphus::ParseError
  // naming the line, column and what was expected when it is not a valid scenario, and
  // std::runtime_error when the server cannot start. With options.upstream set it is
  // `sisyphus proxy` in front of that URL, and `yaml` is read as a relay scenario.
  explicit FaultServer(std::string_view yaml, proxy::ServerOptions options = {});
  // A scenario already loaded (e.g. proxy::load_scenario_file()).
  explicit FaultServer(model::Scenario scenario, proxy::ServerOptions options = {});
  // The scenario in a YAML file (errors name the file).
  static FaultServer from_file(const std::filesystem::path& file,
                               proxy::ServerOptions options = {});

  FaultServer(FaultServer&&) noexcept;
  FaultServer& operator=(FaultServer&&) noexcept;
  ~FaultServer();  // stops the server and closes every connection

  std::uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  std::string url() const;       // the scenario's resource: base_url() + resource.path

  // Replaces the scenario (YAML text, read like the constructor's) and resets the attempt
  // counters, the log and the clock, as the admin API's PUT /v1/scenario does.
  void set_scenario(std::string_view yaml);
  void set_scenario(model::Scenario scenario);
  void reset();  // attempt counters, counters, the log, the clock

  // The request log so far, in order of request start.
  std::vector<proxy::LogRecord> log() const;
  // The log once it holds at least `n` records, or when `timeout` has passed (then what
  // there is: compare its size). A request is logged when its response has ended.
  std::vector<proxy::LogRecord> wait_for_log(
      std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  proxy::Stats stats() const;

  proxy::Server& server() { return *server_; }

 private:
  model::Scenario load(std::string_view yaml) const;

  bool relay_ = false;
  std::unique_ptr<proxy::Server> server_;
};

// The log of `server` once it holds `n` records or `timeout` has passed.
std::vector<proxy::LogRecord> wait_for_log(const proxy::Server& server, std::size_t n,
                                           std::chrono::milliseconds timeout);

}  // namespace sisyphus::testing
