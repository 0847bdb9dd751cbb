#pragma once
// The scenario's own server: an in-process proxy::Server on 127.0.0.1:0 with one I/O thread
// and the run's time scale, serving the scenario until the client is done. Its request log
// is what the run is measured by.
#include <filesystem>
#include <string>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/proxy/server.hpp"

namespace sisyphus::runner::detail {

// Where `resource.file` is confined: the scenario file's directory ("." when it has none).
std::filesystem::path file_root(const model::Scenario& scenario);

class ScenarioServer {
 public:
  // Starts serving `served` (over HTTPS with HTTP/2 when `http2`); throws std::runtime_error
  // when it cannot bind.
  ScenarioServer(const model::Scenario& served, TimeScale time_scale, bool http2 = false);

  std::string url() const { return server_.url(); }
  std::string base_url() const { return server_.base_url(); }  // http://127.0.0.1:PORT
  // server.tls: writes the CA of the certificate made for this run to `dir`/ca.pem, for the
  // clients' {ca_file}, and returns that path; over plain HTTP writes nothing and returns "".
  // Throws std::runtime_error when the file cannot be written.
  std::filesystem::path write_ca_file(const std::filesystem::path& dir) const;
  proxy::Stats stats() const { return server_.stats(); }

  // Once the client is done: lets the server finish what it was writing, stops it (which
  // ends a response still stalling on purpose) and returns every request it logged.
  std::vector<proxy::LogRecord> finish();

 private:
  proxy::Server server_;
};

}  // namespace sisyphus::runner::detail
