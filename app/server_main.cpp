#include "server_main.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>

#include "commands.hpp"

namespace sisyphus::app {

namespace fs = std::filesystem;

void add_listener_flags(CLI::App& cmd, ListenerFlags& flags, const std::string& scenario_help) {
  cmd.add_option("--listen", flags.listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  cmd.add_option("--admin", flags.admin,
                 "HOST:PORT of the admin API (off when absent; loopback addresses only)");
  cmd.add_flag("--admin-allow-remote", flags.admin_allow_remote,
               "Let --admin listen on a non-loopback address (the admin API has no "
               "authentication: anyone who reaches it can replace the scenario)");
  cmd.add_option("--scenario", flags.scenario, scenario_help);
  cmd.add_option("--port-file", flags.port_file,
                 "Write {\"port\": P, \"admin_port\": Q} here once listening");
  cmd.add_option("--log", flags.log, "Append the request log to this file (JSON lines)");
  cmd.add_option("--log-capacity", flags.log_capacity,
                 "Request log records kept in memory for GET /v1/log, the latest ones (older "
                 "ones are dropped and counted; --log still gets every record)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--threads", flags.threads, "IO threads")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  cmd.add_option("--time-scale", flags.time_scale,
                 "Multiply every scenario duration by X (0.1 runs delays 10x faster)")
      ->capture_default_str();
  cmd.add_flag("--tls", flags.tls,
               "Serve HTTPS with a certificate made at start for localhost, 127.0.0.1 and ::1 "
               "(its CA: --ca-out); also when the scenario says server: {tls: true}");
  cmd.add_option("--tls-cert", flags.tls_cert,
                 "Serve HTTPS with this PEM certificate chain (needs --tls-key)");
  cmd.add_option("--tls-key", flags.tls_key, "The PEM private key of --tls-cert");
  cmd.add_flag("--http2", flags.http2,
               "Offer HTTP/2 (h2 by ALPN, over HTTPS: implies --tls); each stream gets the "
               "scenario's faults as an HTTP/1.1 request does");
  cmd.add_option("--ca-out", flags.ca_out,
                 "Write the CA certificate (PEM) of the made certificate here, for a client's "
                 "trust store (curl --cacert, wget --ca-certificate)");
}

void apply_listener_flags(const ListenerFlags& flags, proxy::ServerOptions& options) {
  options.listen = flags.listen;
  options.admin = flags.admin;
  options.admin_allow_remote = flags.admin_allow_remote;
  if (flags.log) options.log_file = *flags.log;
  options.log_capacity = flags.log_capacity;
  options.threads = flags.threads;
  options.time_scale = TimeScale(flags.time_scale);
  options.tls = flags.tls || flags.ca_out.has_value();
  if (flags.tls_cert) options.tls_cert = *flags.tls_cert;
  if (flags.tls_key) options.tls_key = *flags.tls_key;
  if (flags.ca_out) options.ca_out = *flags.ca_out;
  options.http2 = flags.http2;
  options.one_malloc_arena = true;  // a long-running server hands back what a burst took
}

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

int serve_until_signalled(const std::string& command, proxy::ServerOptions options,
                          model::Scenario scenario, const ListenerFlags& flags,
                          const std::function<std::string(const proxy::Server&)>& banner) {
  // Signals are taken by sigwait() below; blocking them before the server's threads exist
  // keeps them from landing on an io thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    proxy::Server server(std::move(options), std::move(scenario));
    server.start();
    if (server.admin_remote()) {
      fmt::print(stderr,
                 "sisyphus {}: warning: the admin API listens on {} without authentication: "
                 "anyone who can reach it can replace the scenario and read the log\n",
                 command, *flags.admin);
    }
    if (flags.port_file) write_port_file(*flags.port_file, server.port(), server.admin_port());
    fmt::print("{}\n", server.url());
    std::fflush(stdout);
    fmt::print(stderr, "sisyphus {}: {}\n", command, banner(server));
    if (!server.ca_pem().empty() && !flags.ca_out) {
      fmt::print(stderr,
                 "sisyphus {}: HTTPS with a certificate made for this run; --ca-out FILE writes "
                 "its CA for clients to trust\n",
                 command);
    }
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
    fmt::print(stderr, "sisyphus {}: stopped ({})\n", command,
               sig == SIGINT ? "SIGINT" : "SIGTERM");
    if (const std::string error = server.record_error(); !error.empty()) {
      fmt::print(stderr, "sisyphus {}: {}\n", command, error);
      return kExitFailed;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus {}: {}\n", command, e.what());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace sisyphus::app
