#include "nginx_upstream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sisyphus::test {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A self-signed certificate (its own CA) for `names`, e.g. "IP:127.0.0.1,DNS:localhost".
void make_certificate(const fs::path& dir, const std::string& stem, const std::string& names) {
  const std::string command = fmt::format(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-addext subjectAltName={} -keyout '{}' -out '{}' >/dev/null 2>&1",
      names, (dir / (stem + "-key.pem")).string(), (dir / (stem + ".pem")).string());
  if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl req failed: " + command);
}

}  // namespace

std::unique_ptr<NginxUpstream> NginxUpstream::start(
    const std::vector<std::pair<std::string, std::string>>& files, bool tls) {
  std::unique_ptr<NginxUpstream> n(new NginxUpstream());
  n->tls_ = tls;
  std::string tmpl = (fs::temp_directory_path() / "sisyphus-nginx-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  n->dir_ = tmpl;
  fs::create_directories(n->dir_ / "www" / "dav");
  fs::create_directories(n->dir_ / "tmp");
  for (const auto& [name, bytes] : files) write_file(n->dir_ / "www" / name, bytes);
  if (tls) {
    make_certificate(n->dir_, "cert", "IP:127.0.0.1,DNS:localhost");
    make_certificate(n->dir_, "name-only", "DNS:localhost");
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (n->launch()) return n;
  }
  throw std::runtime_error("nginx did not start: " + read_file(n->dir_ / "error.log"));
}

bool NginxUpstream::launch() {
  port_ = free_port();
  tls_port_ = tls_ ? free_port() : 0;
  name_only_port_ = tls_ ? free_port() : 0;
  if (tls_ && (port_ == tls_port_ || port_ == name_only_port_ || tls_port_ == name_only_port_)) {
    return false;
  }
  const std::string d = dir_.string();
  const std::string tls_listen =
      tls_ ? fmt::format(
                 "listen 127.0.0.1:{} ssl;\n    ssl_certificate {}/cert.pem;\n    "
                 "ssl_certificate_key {}/cert-key.pem;",
                 tls_port_, d, d)
           : std::string();
  const std::string name_only_server =
      tls_ ? fmt::format(
                 "server {{\n    listen 127.0.0.1:{} ssl;\n    ssl_certificate "
                 "{}/name-only.pem;\n    ssl_certificate_key {}/name-only-key.pem;\n    "
                 "root {}/www;\n  }}",
                 name_only_port_, d, d, d)
           : std::string();
  // One process (no master), in the foreground, everything it writes inside dir_.
  const std::string conf =
      fmt::format(R"(daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
  types {{ }}
  default_type application/octet-stream;
  log_format relay '$connection $connection_requests $status $body_bytes_sent "$request" '
                   '"$http_range" "$http_if_range" "$http_via" "$http_x_forwarded_for" "$http_host"';
  access_log {d}/access.log relay;
  client_body_temp_path {d}/tmp/client_body;
  proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fastcgi;
  uwsgi_temp_path {d}/tmp/uwsgi;
  scgi_temp_path {d}/tmp/scgi;
  sendfile on;
  keepalive_timeout 60s;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{p};
    {tls_listen}
    root {d}/www;
    location = /.sisyphus-id {{ access_log off; }}  # the launch's check: is it ours?
    location = /echo {{
      return 200 "host=$http_host via=$http_via xff=$http_x_forwarded_for range=$http_range if_range=$http_if_range if_none_match=$http_if_none_match te=$http_te keep_alive=$http_keep_alive x_hop=$http_x_hop proxy_authorization=$http_proxy_authorization\n";
    }}
    location /gz/ {{
      alias {d}/www/;
      gzip on;
      gzip_types *;
      gzip_min_length 0;
      gzip_proxied any;  # (without it nginx does not compress requests with a Via header)
    }}
    location /dav/ {{
      dav_methods PUT DELETE;
      create_full_put_path on;
      client_max_body_size 64m;
    }}
  }}
  {name_only_server}
}}
)",
                  fmt::arg("d", d), fmt::arg("p", port_), fmt::arg("tls_listen", tls_listen),
                  fmt::arg("name_only_server", name_only_server));
  write_file(dir_ / "nginx.conf", conf);
  write_file(dir_ / "www" / ".sisyphus-id", d);

  const std::string conf_path = (dir_ / "nginx.conf").string();
  const std::string error_log = (dir_ / "error.log").string();
  const std::string prefix = d + "/";
  std::vector<std::string> args{kNginx, "-c", conf_path, "-p", prefix, "-e", error_log};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // nginx must not hold the test's stdout/stderr (a runner waiting for them to close would
  // wait for nginx): it writes to its error log only. And it must not outlive a test that
  // crashes: the kernel sends it SIGTERM when this process goes (PR_SET_PDEATHSIG).
  if (::access(kNginx, X_OK) != 0) {
    throw std::runtime_error("cannot run /usr/sbin/nginx (installed by scripts/bootstrap)");
  }
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {  // only async-signal-safe calls until exec
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(kNginx, argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: most likely a port was taken
      pid_ = -1;
      return false;
    }
    if (accepts(port_) && (!tls_ || (accepts(tls_port_) && accepts(name_only_port_)))) {
      // nginx binds every port before it serves any: our file on the first means all are ours.
      if (serves_body(port_, "/.sisyphus-id", d)) return true;
      stop();  // another test's server answered there: try other ports
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
  stop();
  return false;
}

void NginxUpstream::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  pid_ = -1;
}

NginxUpstream::~NginxUpstream() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string NginxUpstream::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

std::vector<std::string> NginxUpstream::access_log() const {
  std::vector<std::string> lines;
  std::istringstream in(read_file(dir_ / "access.log"));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> NginxUpstream::access_log_with(std::size_t n) const {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  auto lines = access_log();
  while (lines.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
    lines = access_log();
  }
  return lines;
}

}  // namespace sisyphus::test
