#pragma once
// The upstream of the proxy's relay tests (and of `sisyphus proxy` run as a user would): a
// real nginx (sisyphus/testing/nginx.hpp) in a fresh temporary directory with the files to
// serve and, with tls, self-signed certificates; removed when the object goes away.
//
//   port()            http, serving www/ (plus /echo, /dav/ and /gz/: www/ gzipped on the
//                     fly, so chunked; see nginx_upstream.cpp)
//   tls_port()        https (with tls), certificate for IP:127.0.0.1 and DNS:localhost
//   name_only_port()  https (with tls), certificate whose only name is DNS:localhost
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sisyphus/testing/nginx.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {

class NginxUpstream {
 public:
  // Serves `files` (name -> bytes) from www/; with `tls`, also the two https ports (making
  // their certificates costs a fraction of a second). Throws std::runtime_error with nginx's
  // error log when it cannot be started.
  static std::unique_ptr<NginxUpstream> start(
      const std::vector<std::pair<std::string, std::string>>& files, bool tls = false);
  NginxUpstream(const NginxUpstream&) = delete;
  NginxUpstream& operator=(const NginxUpstream&) = delete;

  std::uint16_t port() const { return nginx_->port(0); }
  std::uint16_t tls_port() const { return tls_ ? nginx_->port(1) : 0; }
  std::uint16_t name_only_port() const { return tls_ ? nginx_->port(2) : 0; }
  std::string url() const;  // "http://127.0.0.1:PORT"
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path ca_file() const { return dir_ / "cert.pem"; }
  std::filesystem::path name_only_ca_file() const { return dir_ / "name-only.pem"; }

  // The access log so far, one entry per request nginx finished:
  // "<connection> <request-on-connection> <status> <body bytes> \"<request line>\" \"<Range>\"
  //  \"<If-Range>\" \"<Via>\" \"<X-Forwarded-For>\" \"<Host>\"".
  std::vector<std::string> access_log() const { return nginx_->access_log(); }
  // The access log once it has at least `n` lines (waits up to 5 s).
  std::vector<std::string> access_log_with(std::size_t n) const {
    return nginx_->access_log_with(n);
  }

 private:
  explicit NginxUpstream(bool tls) : dir_("nginx"), tls_(tls) {}

  TempDir dir_;
  bool tls_;
  std::optional<Nginx> nginx_;  // stopped before dir_ is removed
};

}  // namespace sisyphus::testing
