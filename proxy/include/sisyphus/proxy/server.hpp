#pragma once
// The fault-injecting origin server (and, with `upstream`, the reverse proxy) as a library:
// start one in-process on an ephemeral port, point a client at url(), read the log.
// No Beast types in this header on purpose (compile times; usable from any test suite).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/log.hpp"

namespace sisyphus::proxy {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT; port 0 picks a free one
  // HTTPS on `listen` (docs/server.md "HTTPS"): `tls` with neither file makes a CA and a
  // certificate it signs (for localhost, 127.0.0.1 and ::1) at start(); with both, serves
  // that certificate chain and key (PEM). start() throws when a file cannot be read or the
  // key does not match. The admin API stays plain HTTP.
  bool tls = false;
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  // Where start() writes the made CA's certificate (PEM), for a client's trust store.
  std::optional<std::filesystem::path> ca_out;
  // HTTP/2 over HTTPS (docs/server.md "HTTP/2"): ALPN offers h2 before http/1.1, and each
  // stream is served as an HTTP/1.1 request is, faults and all.
  bool http2 = false;
  std::optional<std::string> admin;  // admin API HOST:PORT, off when absent
  // The admin API replaces the scenario and has no authentication, so start() refuses to
  // put it on an address other than loopback (127.0.0.0/8, ::1) unless this is set.
  bool admin_allow_remote = false;
  std::optional<std::filesystem::path> log_file;  // request log as JSON lines
  // Records the in-memory request log (log(), GET /v1/log) keeps, the latest ones: each
  // newer record evicts the oldest beyond it (Stats::dropped counts them); 0 keeps none.
  // About 300 bytes a record. The log file still gets every record.
  std::size_t log_capacity = 100'000;
  std::filesystem::path file_root = ".";               // `resource.file` is confined to this root
  unsigned threads = 2;                                // io threads
  TimeScale time_scale{1.0};                           // scales every scenario duration
  Duration header_timeout = std::chrono::seconds(10);  // slow-loris defence
  Duration idle_timeout = std::chrono::seconds(30);    // keep-alive idle close
  // Set glibc's M_ARENA_MAX to 1 for the whole process before the io threads start, so that
  // memory freed after a burst goes back to the system (docs/server.md "Memory"). For a
  // process that is a server (`serve`, `proxy`); off in a process that is mostly something
  // else (a herd's thousands of in-process clients contend for one arena's lock).
  bool one_malloc_arena = false;

  // `sisyphus proxy`: relay every request to this http:// or https:// URL (a path prefix
  // allowed) instead of serving the scenario's resource (docs/proxy.md). Nothing else is
  // ever contacted.
  std::optional<std::string> upstream;
  std::optional<std::filesystem::path> ca_file;  // https: trust these CAs, not the system store
  bool insecure = false;  // https: skip certificate and host-name verification
  Duration upstream_connect_timeout = std::chrono::seconds(10);  // resolve, connect, TLS
  Duration upstream_timeout = std::chrono::seconds(30);          // for the head, then per body read
  unsigned upstream_idle_connections = 32;                       // kept alive for reuse
  // `sisyphus proxy --record FILE` (docs/proxy.md "Recording"): what the upstream did with
  // each relayed GET becomes a scenario that replays it, written to this file by stop().
  // The constructor fails when the file cannot be written.
  std::optional<std::filesystem::path> record;
  // `--record-body DIR`: a recording also keeps the upstream's bytes under DIR (created when
  // missing) and its scenario serves them (`resource: {file: …}`); representations above
  // record_body_limit bytes (counted together while kept) are not kept.
  std::optional<std::filesystem::path> record_body;
  std::uint64_t record_body_limit = std::uint64_t{1} << 30;
};

struct Stats {
  std::uint64_t requests = 0;
  std::uint64_t bytes_sent = 0;         // body bytes the clients acknowledged, over all requests
  std::uint64_t bytes_written = 0;      // body bytes written into sockets, over all requests
  std::uint64_t connections_open = 0;   // right now
  std::uint64_t connections_total = 0;  // accepted since start or the last reset
  std::uint64_t dropped = 0;            // log records evicted from the in-memory log (log_capacity)
  // server.max_active (docs/server.md, "Overload and outages"): transfers active now, the
  // most active at once since start or reset, and the requests answered over_capacity.
  std::uint64_t active = 0;
  std::uint64_t peak_active = 0;
  std::uint64_t over_capacity = 0;
  // `sisyphus proxy`: body bytes held in user-space relay buffers right now, over every
  // connection (a spliced body holds none; a copied one a write's worth: docs/server.md
  // "Holding a herd").
  std::uint64_t relay_buffer_bytes = 0;
};

class Server {
 public:
  Server(ServerOptions options, model::Scenario scenario);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  // binds and listens (throws std::runtime_error on failure), serves on own threads
  void stop();   // closes listeners and every connection; idempotent
  // Why stop() wrote no recording though one ran (--record, or POST /v1/record/start
  // without a stop); "" when it wrote one, when none ran, or before stop().
  std::string record_error() const;

  std::uint16_t port() const;
  std::uint16_t admin_port() const;  // 0 when no admin API
  // The admin API listens on an address other than loopback (allowed by admin_allow_remote).
  bool admin_remote() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT" ("https://" with tls)
  // The made CA's certificate (PEM) once start()ed with `tls` and no certificate files;
  // "" otherwise.
  std::string ca_pem() const;
  std::string url() const;  // base_url() + resource path

  model::Scenario scenario() const;
  void set_scenario(model::Scenario scenario);  // also resets counters and the log
  void reset();                                 // attempt counters, the log, the clock

  // The in-memory request log (at most options.log_capacity records, the latest), in order
  // of request start.
  std::vector<LogRecord> log() const;
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Loads a scenario file and validates every fault against the registry in proxy/faults/.
model::Scenario load_scenario_file(const std::filesystem::path& file);
model::Scenario load_scenario_string(std::string_view text, std::string_view name);

// The same for `sisyphus proxy` (model::LoadMode::relay): `resource` may give only `path`,
// a glob of the request paths to break, and a fault kind that cannot apply to a relayed
// response is an error naming its file:line:column and why.
model::Scenario load_relay_scenario_file(const std::filesystem::path& file);
model::Scenario load_relay_scenario_string(std::string_view text, std::string_view name);

}  // namespace sisyphus::proxy
