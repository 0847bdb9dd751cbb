// `sisyphus serve`: the fault-injecting origin server for one scenario, until SIGINT/SIGTERM.
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
#include "sisyphus/scenario/params.hpp"

namespace sisyphus::app {
namespace {

namespace fs = std::filesystem;

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::optional<std::string> admin;
  std::optional<std::string> scenario;
  std::optional<std::string> port_file;
  std::optional<std::string> log;
  std::optional<std::string> root;
  unsigned threads = 2;
  double time_scale = 1.0;
};

// Without --scenario: 64 MiB of synthetic content at /file, no faults.
scenario::Scenario default_scenario() {
  scenario::Scenario s;
  s.name = "default";
  s.description = "64 MiB of synthetic content at /file, no faults";
  s.resource.path = "/file";
  s.resource.size = 64ull << 20;
  s.resource.seed = 1;
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

int run_serve(const ServeOptions& opts) {
  scenario::Scenario scenario;
  proxy::ServerOptions options;
  try {
    scenario = opts.scenario ? proxy::load_scenario_file(*opts.scenario) : default_scenario();
    options.listen = opts.listen;
    options.admin = opts.admin;
    if (opts.log) options.log_file = *opts.log;
    // `resource.file` is confined to --root; by default, the scenario's own directory.
    if (opts.root) {
      options.file_root = *opts.root;
    } else if (opts.scenario) {
      options.file_root = fs::absolute(*opts.scenario).parent_path();
    }
    options.threads = opts.threads;
    options.time_scale = TimeScale(opts.time_scale);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus serve: {}\n", e.what());
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
    fmt::print(
        stderr, "sisyphus serve: scenario '{}' at {}{}\n", server.scenario().name, server.url(),
        server.admin_port() != 0 ? fmt::format(", admin API at http://{}:{}/v1/",
                                               opts.admin->substr(0, opts.admin->rfind(':')).empty()
                                                   ? "127.0.0.1"
                                                   : opts.admin->substr(0, opts.admin->rfind(':')),
                                               server.admin_port())
                                 : std::string());
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
    fmt::print(stderr, "sisyphus serve: stopped ({})\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus serve: {}\n", e.what());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = root.add_subcommand(
      "serve",
      "Serve a scenario's resource over HTTP/1.1 with its faults; prints the resource URL. "
      "Without --scenario: 64 MiB of synthetic content at /file, no faults.");
  cmd->add_option("--listen", opts->listen, "HOST:PORT to serve on; port 0 picks a free one")
      ->capture_default_str();
  cmd->add_option("--admin", opts->admin, "HOST:PORT of the admin API (off when absent)");
  cmd->add_option("--scenario", opts->scenario, "Scenario file (YAML)");
  cmd->add_option("--port-file", opts->port_file,
                  "Write {\"port\": P, \"admin_port\": Q} here once listening");
  cmd->add_option("--log", opts->log, "Append the request log to this file (JSON lines)");
  cmd->add_option("--root", opts->root,
                  "Directory a `resource.file` must stay inside (default: the scenario's "
                  "directory, else the current one)");
  cmd->add_option("--threads", opts->threads, "IO threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  cmd->add_option("--time-scale", opts->time_scale,
                  "Multiply every scenario duration by X (0.1 runs delays 10x faster)")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = run_serve(*opts); });
}

}  // namespace sisyphus::app
