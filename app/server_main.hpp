#pragma once
// What `serve` and `proxy` share: the listener flags, the port file, and running a server
// until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "sisyphus/proxy/server.hpp"

namespace sisyphus::app {

struct ListenerFlags {
  std::string listen = "127.0.0.1:8080";
  std::optional<std::string> admin;
  bool admin_allow_remote = false;
  std::optional<std::string> scenario;
  std::optional<std::string> port_file;
  std::optional<std::string> log;
  std::size_t log_capacity = proxy::ServerOptions{}.log_capacity;
  unsigned threads = 2;
  double time_scale = 1.0;
  bool tls = false;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<std::string> ca_out;
  bool http2 = false;
};

// --listen --admin --admin-allow-remote --scenario --port-file --log --log-capacity --threads
// --time-scale --tls --tls-cert --tls-key --ca-out
void add_listener_flags(CLI::App& cmd, ListenerFlags& flags, const std::string& scenario_help);

// Copies the flags every server mode has into `options` (throws on a bad value).
void apply_listener_flags(const ListenerFlags& flags, proxy::ServerOptions& options);

// Writes {"port": P, "admin_port": Q} under a temporary name, then renames it, so a reader
// never sees half a file.
void write_port_file(const std::filesystem::path& file, std::uint16_t port,
                     std::uint16_t admin_port);

// Starts the server, writes the port file, prints the URL on stdout and `banner(server)` on
// stderr, and serves until SIGINT or SIGTERM. Returns the exit code.
int serve_until_signalled(const std::string& command, proxy::ServerOptions options,
                          model::Scenario scenario, const ListenerFlags& flags,
                          const std::function<std::string(const proxy::Server&)>& banner);

}  // namespace sisyphus::app
