// `sisyphus proxy --upstream URL`: the fault server as a reverse proxy in front of a real
// service, until SIGINT/SIGTERM (docs/proxy.md).
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "server_main.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::app {
namespace {

struct ProxyOptions {
  ListenerFlags listener;
  std::string upstream;
  std::optional<std::string> ca_file;
  bool insecure = false;
  std::string connect_timeout = "10s";
  std::string upstream_timeout = "30s";
  std::optional<std::string> record;
  std::optional<std::string> record_body;
  std::string record_body_limit = "1GiB";
};

// Without --scenario: every path relayed as it is, no faults.
model::Scenario pass_through() {
  model::Scenario s;
  s.name = "pass-through";
  s.description = "every request relayed to the upstream, no faults";
  s.resource().relayed = true;
  s.resource().path = "/*";
  return s;
}

int run_proxy(const ProxyOptions& opts) {
  const auto& flags = opts.listener;
  model::Scenario scenario;
  proxy::ServerOptions options;
  try {
    scenario = flags.scenario ? proxy::load_relay_scenario_file(*flags.scenario) : pass_through();
    apply_listener_flags(flags, options);
    options.upstream = opts.upstream;
    if (opts.ca_file) options.ca_file = *opts.ca_file;
    options.insecure = opts.insecure;
    if (opts.record) options.record = *opts.record;
    if (opts.record_body) options.record_body = *opts.record_body;
    options.record_body_limit = parse_size(opts.record_body_limit);
    options.upstream_connect_timeout = parse_duration(opts.connect_timeout);
    options.upstream_timeout = parse_duration(opts.upstream_timeout);
    if (options.upstream_connect_timeout.count() <= 0 || options.upstream_timeout.count() <= 0) {
      throw ParseError("--connect-timeout and --upstream-timeout must be greater than 0");
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus proxy: {}\n", e.what());
    return kExitUsage;
  }
  return serve_until_signalled(
      "proxy", std::move(options), std::move(scenario), flags, [&](const proxy::Server& server) {
        return fmt::format("{} relays to {} with scenario '{}'{}", server.base_url(), opts.upstream,
                           server.scenario().name,
                           server.admin_port() != 0
                               ? fmt::format(", admin API on port {}", server.admin_port())
                               : std::string());
      });
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
  add_listener_flags(*cmd, opts->listener,
                     "Scenario file (YAML); `resource` may give only `path`, a glob of the "
                     "request paths to break");
  cmd->add_option("--connect-timeout", opts->connect_timeout,
                  "Bound on resolving, connecting to and the TLS handshake with the upstream "
                  "(504 beyond)")
      ->capture_default_str();
  cmd->add_option("--upstream-timeout", opts->upstream_timeout,
                  "Bound on waiting for the upstream's response head, and then for each body "
                  "read (504 when the head is late)")
      ->capture_default_str();
  cmd->add_option("--record", opts->record,
                  "Write a scenario that replays what the upstream did with each GET (cuts, "
                  "statuses, Retry-After, validator changes, ignored ranges) to this file on "
                  "exit (docs/proxy.md \"Recording\")");
  cmd->add_option("--record-body", opts->record_body,
                  "Recordings also keep the bytes the upstream sent in this directory (made when "
                  "missing), and the scenario serves them (resource: {file: ...}) when every "
                  "byte of the last version was seen");
  cmd->add_option("--record-body-limit", opts->record_body_limit,
                  "Representations larger than this (all those kept at once counted) are not "
                  "kept: the scenario falls back to synthetic bytes and says why")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = run_proxy(*opts); });
}

}  // namespace sisyphus::app
