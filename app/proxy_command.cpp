// `sisyphus proxy --upstream URL`: the fault server as a reverse proxy in front of a real
// service, until SIGINT/SIGTERM (docs/proxy.md).
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::app {
namespace {

namespace fs = std::filesystem;

struct ProxyOptions {
  std::string upstream;
  std::optional<std::string> ca_file;
  bool insecure = false;
  std::string listen = "127.0.0.1:8080";
  std::optional<std::string> admin;
  std::optional<std::string> scenario;
  std::optional<std::string> port_file;
  std::optional<std::string> log;
  unsigned threads = 2;
  double time_scale = 1.0;
  std::string connect_timeout = "10s";
  std::string upstream_timeout = "30s";
};

// Without --scenario: every path relayed as it is, no faults.
scenario::Scenario pass_through() {
  scenario::Scenario s;
  s.name = "pass-through";
  s.description = "every request relayed to the upstream, no faults";
  s.resource.relayed = true;
  s.resource.path = "/*";
  return s;
}

// Written to a temporary name and renamed, so a reader never sees half a file.
void write_port_file(const fs::path& file, std::uint16_t port, std::uint16_t admin_port) {
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << boost::json::serialize(boost::json::object{{"port", port}, {"admin_port", admin_port}})
        << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write '{}'", tmp.string()));
  }
  fs::rename(tmp, file);
}

int run_proxy(const ProxyOptions& opts) {
  scenario::Scenario scenario;
  proxy::ServerOptions options;
  try {
    scenario = opts.scenario ? proxy::load_relay_scenario_file(*opts.scenario) : pass_through();
    options.upstream = opts.upstream;
    if (opts.ca_file) options.ca_file = *opts.ca_file;
    options.insecure = opts.insecure;
    options.listen = opts.listen;
    options.admin = opts.admin;
    if (opts.log) options.log_file = *opts.log;
    options.threads = opts.threads;
    options.time_scale = TimeScale(opts.time_scale);
    options.upstream_connect_timeout = parse_duration(opts.connect_timeout);
    options.upstream_timeout = parse_duration(opts.upstream_timeout);
    if (options.upstream_connect_timeout.count() <= 0 || options.upstream_timeout.count() <= 0) {
      throw ParseError("--connect-timeout and --upstream-timeout must be greater than 0");
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus proxy: {}\n", e.what());
    return kExitUsage;
  }

  // Signals are taken by sigwait() below; blocking them before the server's threads exist
  // keeps them from landing on an io thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    proxy::Server server(options, std::move(scenario));
    server.start();
    if (opts.port_file) write_port_file(*opts.port_file, server.port(), server.admin_port());
    fmt::print("{}\n", server.url());
    std::fflush(stdout);
    fmt::print(stderr, "sisyphus proxy: {} relays to {} with scenario '{}'{}\n", server.base_url(),
               opts.upstream, server.scenario().name,
               server.admin_port() != 0 ? fmt::format(", admin API on port {}", server.admin_port())
                                        : std::string());
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
    fmt::print(stderr, "sisyphus proxy: stopped ({})\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus proxy: {}\n", e.what());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void add_proxy_command(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<ProxyOptions>();
  auto* cmd = root.add_subcommand(
      "proxy",
      "Relay every request to a real upstream (http:// or https://) and apply a scenario's "
      "faults to the answers; prints the proxy's URL. Without --scenario: a clean relay.");
  cmd->add_option("--upstream", opts->upstream,
                  "URL of the service to relay to: http[s]://HOST[:PORT][/PREFIX]; nothing "
                  "else is ever contacted")
      ->required();
  cmd->add_option("--ca-file", opts->ca_file,
                  "PEM file of the CAs to trust for an https upstream (default: the system's)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--insecure", opts->insecure,
                "https upstream: do not verify its certificate or host name");
  cmd->add_option("--listen", opts->listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  cmd->add_option("--admin", opts->admin, "HOST:PORT of the admin API (off when absent)");
  cmd->add_option("--scenario", opts->scenario,
                  "Scenario file (YAML); `resource` may give only `path`, a glob of the "
                  "request paths to break");
  cmd->add_option("--port-file", opts->port_file,
                  "Write {\"port\": P, \"admin_port\": Q} here once listening");
  cmd->add_option("--log", opts->log, "Append the request log to this file (JSON lines)");
  cmd->add_option("--threads", opts->threads, "IO threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  cmd->add_option("--time-scale", opts->time_scale,
                  "Multiply every scenario duration by X (0.1 runs delays 10x faster)")
      ->capture_default_str();
  cmd->add_option("--connect-timeout", opts->connect_timeout,
                  "Bound on resolving, connecting to and the TLS handshake with the upstream "
                  "(504 beyond)")
      ->capture_default_str();
  cmd->add_option("--upstream-timeout", opts->upstream_timeout,
                  "Bound on waiting for the upstream's response head, and then for each body "
                  "read (504 when the head is late)")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = run_proxy(*opts); });
}

}  // namespace sisyphus::app
