#pragma once
// A real nginx (/usr/sbin/nginx, from the bootstrap's nginx-light) for the tests: one process
// (no master), in the foreground, everything it writes inside one directory, listening on
// loopback ports picked with free_port() (nginx cannot listen on port 0 itself). A port
// taken in between makes nginx exit, or another test's listener answer there, so a launch
// counts only once nginx serves a file of its own (DIR/www/.sisyphus-id, holding DIR, asked
// for on the first port); otherwise it is retried with new ports. Stopped with SIGTERM
// (SIGKILL after 5 s) when the object goes, and killed with the test process (it is a
// Child).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/testing/process.hpp"

namespace sisyphus::testing {

class Nginx {
 public:
  // The inside of nginx.conf's http {} block for one launch (log_format, access_log, server
  // blocks), given the directory and the ports picked for it. The server on ports[0] must
  // serve DIR/www over plain HTTP (for the /.sisyphus-id check); keep that request out of
  // its access log with kIdLocation. Temporary paths and default_type are set already.
  using HttpBlock = std::function<std::string(const std::filesystem::path& dir,
                                              const std::vector<std::uint16_t>& ports)>;
  static constexpr const char* kIdLocation = "location = /.sisyphus-id { access_log off; }";

  // Starts nginx in `dir` (which must outlive this object; www/ and tmp/ are made in it)
  // with `port_count` distinct ports. Throws std::runtime_error with nginx's error output
  // when it cannot be started.
  Nginx(std::filesystem::path dir, std::size_t port_count, HttpBlock http);
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  std::uint16_t port(std::size_t i) const { return ports_.at(i); }
  const std::filesystem::path& dir() const { return dir_; }

  // DIR/access.log so far (where the HttpBlock should log), one entry per finished request.
  std::vector<std::string> access_log() const;
  // The access log once it has at least `n` entries (nginx logs after the response; waits
  // up to 5 s).
  std::vector<std::string> access_log_with(std::size_t n) const;

 private:
  bool launch(std::size_t port_count);  // false: try again with other ports
  void stop();

  std::filesystem::path dir_;
  HttpBlock http_;
  std::vector<std::uint16_t> ports_;
  std::optional<Child> child_;
};

// A self-signed certificate (its own CA) made with the openssl command: DIR/STEM.pem and its
// key DIR/STEM-key.pem, for `subject_alt_names` (e.g. "IP:127.0.0.1,DNS:localhost"). The
// subject's CN is no host name, so only those names match (a client falls back to the CN
// for a DNS name when the SAN holds no DNS entry). Throws std::runtime_error on failure.
void make_certificate(const std::filesystem::path& dir, const std::string& stem,
                      const std::string& subject_alt_names);

}  // namespace sisyphus::testing
