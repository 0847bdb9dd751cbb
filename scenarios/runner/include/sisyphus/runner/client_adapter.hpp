#pragma once
// The client under test, behind one small interface. Each adapter lives in its own file
// under scenarios/runner/src/clients/ and is registered by file name, like the proxy's faults.
// `--client KIND` or `--client 'command: TEMPLATE'` picks one (make_client).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/core/units.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/original_head.hpp"

namespace sisyphus::runner {

// What the adapter is asked to do for one scenario run.
// One resource of the scenario as a client is given it.
struct ResourceTarget {
  std::string id;
  std::string url;               // on the in-process server
  std::filesystem::path output;  // where its download must end up
};

struct ClientContext {
  const model::Scenario* scenario = nullptr;  // the effective scenario (seed override applied)
  std::string url;                            // the resource on the in-process server
  std::filesystem::path output;               // where the download must end up
  // Every resource, for {url:ID} and {output:ID} (docs/scenarios.md "Several resources").
  std::vector<ResourceTarget> resources;
  std::filesystem::path workdir;  // the scenario's own directory
  TimeScale time_scale{1.0};
  Duration deadline{0};  // wall time from the start of run(); the client is stopped by then
  std::optional<std::string> sha256;      // expected digest (hex) when `client.sha256: true`
  std::filesystem::path sisyphus_binary;  // for reference-cli
  // `server.tls`: the PEM file of the CA that signed the server's certificate ({ca_file});
  // empty over plain HTTP.
  std::filesystem::path ca_file;
};

// What the adapter observed. `success` is what the client claimed: for a process, exit 0.
struct ClientOutcome {
  bool success = false;
  std::optional<int> exit_code;      // processes only; null when killed or in-process
  bool timed_out = false;            // stopped at the deadline
  std::string output;                // tail of what the client printed (or its own summary)
  std::optional<std::string> error;  // the client could not be run at all (harness error)
};

// `client.prefill`: an earlier process was killed after writing `bytes` of the original content.
struct PrefillContext {
  std::string url;  // the URL the client will be given
  std::filesystem::path output;
  std::uint64_t bytes = 0;
  std::uint64_t original_seed = 0;            // content seed of generation 0 (synthetic resources)
  std::optional<std::filesystem::path> file;  // the resource's file, for `file:` resources
  proxy::RepresentationHead original;         // what the server sent for it (validators, size)
};

class ClientAdapter {
 public:
  virtual ~ClientAdapter() = default;
  virtual std::string_view kind() const = 0;
  // The column tables show; unique per client configuration.
  virtual std::string label() const { return std::string(kind()); }
  // What `--client` takes to get this adapter back (used in replay commands).
  virtual std::string spec() const { return std::string(kind()); }
  // The run serves the scenario over HTTPS with HTTP/2 for this client (curl-h2).
  virtual bool wants_http2() const { return false; }
  // Puts the prefill where an earlier, killed run of this client would have left it.
  // Default: the first `bytes` bytes of the original content at `output`.
  virtual void prefill(const PrefillContext& ctx) const;
  // Runs the client to completion or to the deadline; never leaves a process behind.
  virtual ClientOutcome run(const ClientContext& ctx) const = 0;
};

struct ClientKind {
  std::string_view name;     // "reference", "curl", ...
  std::string_view summary;  // one line for `sisyphus list clients` and docs
  // `argument` is the text after "command:" for the command kind, empty otherwise.
  std::unique_ptr<ClientAdapter> (*make)(std::string_view argument) = nullptr;
};

// Every adapter of scenarios/runner/src/clients/, sorted by name.
const std::vector<const ClientKind*>& client_kinds();

// "reference", "naive", "curl", "command: mytool {url} -o {output}"... Throws
// sisyphus::ParseError naming the text and the accepted kinds.
std::unique_ptr<ClientAdapter> make_client(std::string_view spec);
// The scenario's own `client:` (kind, or the command template).
std::unique_ptr<ClientAdapter> make_client(const model::ClientOptions& options);

// Writes the first `bytes` bytes of the original content to `path` (used by prefill()).
void write_original_prefix(const PrefillContext& ctx, const std::filesystem::path& path);

}  // namespace sisyphus::runner
