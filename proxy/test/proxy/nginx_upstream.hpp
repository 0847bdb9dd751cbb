#pragma once
// A real nginx (/usr/sbin/nginx, from the bootstrap's nginx-light) as the proxy tests'
// upstream: a fresh temporary directory with a config, the files to serve, self-signed
// certificates made with the openssl command, and one nginx process listening on loopback
// ports picked by binding port 0 (nginx cannot listen on port 0 itself; a port taken in
// between is retried with new ports, and a launch counts only once nginx serves a file of
// its own: sisyphus/testing/loopback.hpp). Stopped with SIGTERM and the directory removed when
// the object goes away.
//
//   port()            http, serving www/ (plus /echo, /dav/ and /gz/: www/ gzipped on the
//                     fly, so chunked; see nginx_upstream.cpp)
//   tls_port()        https (with tls), certificate for IP:127.0.0.1 and DNS:localhost
//   name_only_port()  https (with tls), certificate whose only name is DNS:localhost
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sisyphus/testing/loopback.hpp"

namespace sisyphus::test {

class NginxUpstream {
 public:
  // Serves `files` (name -> bytes) from www/; with `tls`, also the two https ports (making
  // their certificates costs a fraction of a second). Throws std::runtime_error with nginx's
  // error log when it cannot be started.
  static std::unique_ptr<NginxUpstream> start(
      const std::vector<std::pair<std::string, std::string>>& files, bool tls = false);
  ~NginxUpstream();
  NginxUpstream(const NginxUpstream&) = delete;
  NginxUpstream& operator=(const NginxUpstream&) = delete;

  std::uint16_t port() const { return port_; }
  std::uint16_t tls_port() const { return tls_port_; }
  std::uint16_t name_only_port() const { return name_only_port_; }
  std::string url() const;  // "http://127.0.0.1:PORT"
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path ca_file() const { return dir_ / "cert.pem"; }
  std::filesystem::path name_only_ca_file() const { return dir_ / "name-only.pem"; }

  // The access log so far, one entry per request nginx finished:
  // "<connection> <request-on-connection> <status> <body bytes> \"<request line>\" \"<Range>\"
  //  \"<If-Range>\" \"<Via>\" \"<X-Forwarded-For>\" \"<Host>\"".
  std::vector<std::string> access_log() const;
  // The access log once it has at least `n` lines (nginx logs after the response; waits up
  // to 5 s).
  std::vector<std::string> access_log_with(std::size_t n) const;

 private:
  NginxUpstream() = default;
  bool launch();  // false when a port was taken meanwhile (retry with new ports)
  void stop();

  std::filesystem::path dir_;
  bool tls_ = false;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::uint16_t name_only_port_ = 0;
};

}  // namespace sisyphus::test
