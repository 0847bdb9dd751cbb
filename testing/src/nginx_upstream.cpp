#include "sisyphus/testing/nginx_upstream.hpp"

#include <fmt/format.h>

#include "sisyphus/testing/files.hpp"

namespace sisyphus::testing {
namespace fs = std::filesystem;

namespace {

// ports: http, then (with tls) https and https with the name-only certificate.
std::string http_block(const fs::path& dir, const std::vector<std::uint16_t>& ports) {
  const std::string d = dir.string();
  const bool tls = ports.size() == 3;
  const std::string tls_listen =
      tls ? fmt::format(
                "listen 127.0.0.1:{} ssl;\n    ssl_certificate {}/cert.pem;\n    "
                "ssl_certificate_key {}/cert-key.pem;",
                ports[1], d, d)
          : std::string();
  const std::string name_only_server =
      tls ? fmt::format(
                "server {{\n    listen 127.0.0.1:{} ssl;\n    ssl_certificate "
                "{}/name-only.pem;\n    ssl_certificate_key {}/name-only-key.pem;\n    "
                "root {}/www;\n  }}",
                ports[2], d, d, d)
          : std::string();
  return fmt::format(
      R"(  types {{ }}
  log_format relay '$connection $connection_requests $status $body_bytes_sent "$request" '
                   '"$http_range" "$http_if_range" "$http_via" "$http_x_forwarded_for" "$http_host"';
  access_log {d}/access.log relay;
  sendfile on;
  keepalive_timeout 60s;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{p};
    {tls_listen}
    root {d}/www;
    {id_location}
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
  {name_only_server})",
      fmt::arg("d", d), fmt::arg("p", ports[0]), fmt::arg("tls_listen", tls_listen),
      fmt::arg("id_location", Nginx::kIdLocation), fmt::arg("name_only_server", name_only_server));
}

}  // namespace

std::unique_ptr<NginxUpstream> NginxUpstream::start(
    const std::vector<std::pair<std::string, std::string>>& files, bool tls) {
  std::unique_ptr<NginxUpstream> n(new NginxUpstream(tls));
  fs::create_directories(n->dir_ / "www" / "dav");
  for (const auto& [name, bytes] : files) write_file(n->dir_ / "www" / name, bytes);
  if (tls) {
    make_certificate(n->dir_.path(), "cert", "IP:127.0.0.1,DNS:localhost");
    make_certificate(n->dir_.path(), "name-only", "DNS:localhost");
  }
  n->nginx_.emplace(n->dir_.path(), tls ? 3 : 1, http_block);
  return n;
}

std::string NginxUpstream::url() const {
  return fmt::format("http://127.0.0.1:{}", port());
}

}  // namespace sisyphus::testing
