// `sisyphus serve`: the fault-injecting origin server for one scenario, until SIGINT/SIGTERM.
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "server_main.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::app {
namespace {

namespace fs = std::filesystem;

struct ServeOptions {
  ListenerFlags listener;
  std::optional<std::string> root;
};

// Without --scenario: 64 MiB of synthetic content at /file, no faults.
model::Scenario default_scenario() {
  model::Scenario s;
  s.name = "default";
  s.description = "64 MiB of synthetic content at /file, no faults";
  s.resource().path = "/file";
  s.resource().size = 64ull << 20;
  s.resource().seed = 1;
  return s;
}

int run_serve(const ServeOptions& opts) {
  const auto& flags = opts.listener;
  model::Scenario scenario;
  proxy::ServerOptions options;
  try {
    scenario = flags.scenario ? proxy::load_scenario_file(*flags.scenario) : default_scenario();
    apply_listener_flags(flags, options);
    // `resource.file` is confined to --root; by default, the scenario's own directory.
    if (opts.root) {
      options.file_root = *opts.root;
    } else if (flags.scenario) {
      options.file_root = fs::absolute(*flags.scenario).parent_path();
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus serve: {}\n", e.what());
    return kExitUsage;
  }
  return serve_until_signalled(
      "serve", std::move(options), std::move(scenario), flags, [&](const proxy::Server& server) {
        std::string admin_host = flags.admin ? flags.admin->substr(0, flags.admin->rfind(':')) : "";
        if (admin_host.empty()) admin_host = "127.0.0.1";
        // Several resources: the first one's URL, then the other paths on the same server.
        const model::Scenario served = server.scenario();
        std::string others;
        for (std::size_t i = 1; i < served.resources.size(); ++i) {
          others += (i == 1 ? " (and " : " ") + served.resources[i].path;
        }
        if (!others.empty()) others += ")";
        return fmt::format("scenario '{}' at {}{}{}", served.name, server.url(), others,
                           server.admin_port() != 0 ? fmt::format(", admin API at http://{}:{}/v1/",
                                                                  admin_host, server.admin_port())
                                                    : std::string());
      });
}

}  // namespace

void add_serve_command(CLI::App& root, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = root.add_subcommand(
      "serve",
      "Serve a scenario's resource over HTTP/1.1 with its faults; prints the resource URL. "
      "Without --scenario: 64 MiB of synthetic content at /file, no faults.");
  add_listener_flags(*cmd, opts->listener, "Scenario file (YAML)");
  cmd->add_option("--root", opts->root,
                  "Directory a `resource.file` must stay inside (default: the scenario's "
                  "directory, else the current one)");
  cmd->callback([opts, &exit_code] { exit_code = run_serve(*opts); });
}

}  // namespace sisyphus::app
