#include "sisyphus/testing/nginx.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/loopback.hpp"

namespace sisyphus::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kOpenssl = "/usr/bin/openssl";

std::string config(const fs::path& dir, const std::string& http) {
  return fmt::format(R"(daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
  default_type application/octet-stream;
  client_body_temp_path {d}/tmp/client_body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
{http}
}}
)",
                     fmt::arg("d", dir.string()), fmt::arg("http", http));
}

}  // namespace

Nginx::Nginx(fs::path dir, std::size_t port_count, HttpBlock http)
    : dir_(std::move(dir)), http_(std::move(http)) {
  if (::access(kNginx, X_OK) != 0) {
    throw std::runtime_error(std::string("cannot run ") + kNginx +
                             " (scripts/bootstrap installs it)");
  }
  fs::create_directories(dir_ / "www");
  fs::create_directories(dir_ / "tmp");
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (launch(port_count)) return;
  }
  throw std::runtime_error("nginx did not start: " + read_file(dir_ / "error.log") +
                           read_file(dir_ / "nginx.err"));
}

Nginx::~Nginx() {
  stop();
}

bool Nginx::launch(std::size_t port_count) {
  ports_.clear();
  while (ports_.size() < port_count) {
    const std::uint16_t p = free_port();
    if (std::find(ports_.begin(), ports_.end(), p) != ports_.end()) return false;
    ports_.push_back(p);
  }
  const std::string d = dir_.string();
  write_file(dir_ / "nginx.conf", config(dir_, http_(dir_, ports_)));
  write_file(dir_ / "www" / ".sisyphus-id", d);
  // nginx writes to its error log only, not to the test's stdout/stderr (a runner waiting for
  // them to close would wait for nginx).
  child_.emplace(std::vector<std::string>{kNginx, "-c", (dir_ / "nginx.conf").string(), "-p",
                                          d + "/", "-e", (dir_ / "error.log").string()},
                 dir_ / "nginx.out", dir_ / "nginx.err");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (child_->wait(0ms)) {  // exited: most likely a port was taken
      child_.reset();
      return false;
    }
    if (std::all_of(ports_.begin(), ports_.end(), accepts)) {
      // nginx binds every port before it serves any: our file on the first means all are ours.
      if (serves_body(ports_[0], "/.sisyphus-id", d)) return true;
      stop();  // another test's server answered there: try other ports
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
  stop();
  return false;
}

void Nginx::stop() {
  if (!child_) return;
  child_->stop(5s);
  child_.reset();
}

std::vector<std::string> Nginx::access_log() const {
  return read_lines(dir_ / "access.log");
}

std::vector<std::string> Nginx::access_log_with(std::size_t n) const {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  auto lines = access_log();
  while (lines.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
    lines = access_log();
  }
  return lines;
}

void make_certificate(const fs::path& dir, const std::string& stem,
                      const std::string& subject_alt_names) {
  if (::access(kOpenssl, X_OK) != 0) {
    throw std::runtime_error(std::string("cannot run ") + kOpenssl +
                             " (scripts/bootstrap installs it)");
  }
  const RunResult r =
      run({kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-days", "2", "-subj", "/CN=sisyphus-test", "-addext",
           "subjectAltName=" + subject_alt_names, "-keyout", (dir / (stem + "-key.pem")).string(),
           "-out", (dir / (stem + ".pem")).string()},
          dir, 30s);
  if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
}

}  // namespace sisyphus::testing
