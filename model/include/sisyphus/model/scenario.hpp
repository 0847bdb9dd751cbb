#pragma once
// The scenario model: one YAML file (or the same schema in JSON via the admin API) as
// plain data. The schema is DESIGN.md's "Scenario file"; docs/scenarios.md documents it.
//
// This library depends on core only. Fault kinds are not known here: a fault is kept as
// its kind name plus its parameters (FaultSpec), read by the kind's key table; the proxy
// library's fault registry supplies the tables and builds the faults (see FaultCatalog).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/units.hpp"
#include "sisyphus/model/params.hpp"
#include "sisyphus/model/scenario_error.hpp"

namespace sisyphus::model {

enum class EtagKind { strong, weak, none };

// `server.over_capacity`: the answer to a request that finds max_active transfers active
// (docs/server.md, "Overload and outages").
struct OverCapacity {
  bool refuse = false;                  // `refuse`: accept and close at once, no response
  int status = 503;                     // else this status (400-599) with a short text body
  std::optional<Duration> retry_after;  // and Retry-After (whole seconds, rounded up)
};

// How an outage fails the transfers in flight at its start and the requests during it.
enum class OutageHow {
  reset,        // RST
  refuse,       // close (FIN) without a response
  unavailable,  // written `503`: in flight closed; new requests get 503
};

// `server.outages` entry: from `at` (since the server started serving the scenario) for
// `length`, both unscaled as written.
struct Outage {
  Duration at{0};
  Duration length{0};
  OutageHow how = OutageHow::reset;
  SourceLocation where;
};

struct ServerOptions {
  bool ranges = true;    // false: ignore Range, 200 + whole body, no Accept-Ranges
  bool chunked = false;  // true: Transfer-Encoding: chunked, no Content-Length
  // true: `sisyphus run` serves the scenario over HTTPS with a certificate made at start
  // and gives templates {ca_file} (docs/server.md "HTTPS").
  bool tls = false;
  std::optional<std::uint32_t> max_active;  // transfers at once; none: unlimited
  OverCapacity over_capacity;
  std::vector<Outage> outages;  // in order of `at`, never overlapping (the loader checks)
};

// One fault as written: `drop: {at: 95%, how: close}` -> kind "drop", params {at, how}.
struct FaultSpec {
  std::string kind;
  FaultParams params;  // as written under the kind's key, and typed, with file positions
};

// `attempts:` entry k applies to the k-th request for the resource. `{}` is clean; an entry
// may hold several faults (`{latency: {...}, drop: {...}}`).
struct AttemptEntry {
  std::vector<FaultSpec> faults;
  SourceLocation where;
};

// `faults:` rule: applies to every request, narrowed by `attempts:` (list of attempt
// numbers, 1-based) and `probability:` (seeded by the scenario seed).
struct FaultRule {
  FaultSpec fault;
  std::vector<std::uint32_t> attempts;  // empty: every attempt
  double probability = 1.0;
  SourceLocation where;
  // `resource:` as written: a resource id, or a glob of paths; empty: every resource.
  std::string resource;
  std::vector<std::size_t> resources;  // the indices in Scenario::resources it selects
};

// `changes:` the resource gets a new content seed and new validators. Exactly one of the
// three forms.
struct Change {
  std::optional<std::uint32_t> before_attempt;  // applies from that attempt on
  std::optional<Duration> at_time;              // or from that time since the scenario started
  SourceLocation where;
  // Or `{before_each_attempt: true, probability: p}`: before each GET k >= 2 of a path the
  // resource is republished with probability p, drawn from a stream of (scenario seed, path,
  // k) only (docs/faults.md, "resource change").
  bool before_each_attempt = false;
  double probability = 1.0;
  bool random() const { return before_each_attempt; }
};

struct Resource {
  // `resources:` entries name themselves (`{url:ID}`, `expect.verify`, a rule's `resource:`);
  // the single `resource:` is "resource".
  std::string id = "resource";
  std::string path = "/file";
  std::uint64_t size = 0;           // synthetic size; for file: the file's size at load
  std::uint64_t seed = 1;           // content seed (synthetic)
  std::optional<std::string> file;  // serve this file's bytes instead (path as written)
  std::string resolved_file;        // `file` resolved against the scenario's directory
  // `text: …`: a small body written in the scenario, its `{sha256:ID}`, `{size:ID}` and
  // `{path:ID}` filled from another resource as served at the moment (text_template.hpp).
  std::optional<std::string> text;
  EtagKind etag = EtagKind::strong;
  bool last_modified = true;
  bool digest = false;  // Repr-Digest: sha-256=:…:
  // A `resources:` entry's own `attempts:` and `changes:`: they replace the scenario's for
  // this resource; absent, the scenario's apply (each path counts its own attempts).
  std::optional<std::vector<AttemptEntry>> attempts;
  std::optional<std::vector<Change>> changes;
  SourceLocation where;
  // Loaded for `sisyphus proxy` (LoadMode::relay): the bytes are the upstream's, `path` is a
  // glob of the request paths the faults apply to, and the fields above it do not apply.
  bool relayed = false;
  bool is_file() const { return file.has_value(); }
  bool is_text() const { return text.has_value(); }
  // The content seed of generation g is `seed + g`: generation 0 is the original, each change
  // applied adds one (docs/faults.md, "resource change"). The server serves it and the runner
  // verifies against it, so this is the one place the rule is written.
  std::uint64_t content_seed(std::uint64_t generation) const { return seed + generation; }
};

struct Backoff {
  std::string strategy =
      "full-jitter";  // none|constant|exponential|full-jitter|equal-jitter|decorrelated-jitter
  Duration base = std::chrono::milliseconds(100);
  Duration cap = std::chrono::seconds(2);
};

struct ClientOptions {
  std::string kind =
      "reference";      // reference | reference-cli | naive | curl | wget | aria2c | command
  std::string command;  // for kind == command: the template
  std::uint32_t max_attempts = 10;
  Backoff backoff;
  std::string resume = "if-range";  // if-range | range | restart
  std::optional<SizeSpec> prefill;  // output already holds this much of the original content
  bool prefill_changed = false;     // `prefill: {size: 50%, changed: true}`: server already changed
  bool sha256 = false;  // give the client the expected SHA-256 (`--sha256`) when it takes one
  std::optional<Duration> read_timeout;
  std::optional<Duration> connect_timeout;
};

struct Expectations {
  std::optional<std::string> verdict;  // ok | failed-clean | failed-dirty | corrupt
  std::optional<std::uint32_t> max_attempts;
  std::optional<std::uint32_t> min_attempts;
  std::optional<SizeSpec> max_wasted_bytes;
  std::optional<Duration> max_duration;
  // `verify: [ID, …]`: the resources whose downloads the runner checks, in order; empty:
  // the first resource only.
  std::vector<std::string> verify;
};

struct Scenario {
  std::string name;  // [a-z0-9-]+
  std::string description;
  std::uint64_t seed = 0;
  // `resource:` (one) or `resources:` (several, in the order written); never empty.
  std::vector<Resource> resources{1};
  const Resource& resource() const { return resources.front(); }
  Resource& resource() { return resources.front(); }
  // The resource served at exactly `path`; nullptr when none is.
  const Resource* find_resource(std::string_view path) const;
  const Resource* find_resource_id(std::string_view id) const;
  // What `expect.verify` names, as resources (the first resource when it names none).
  std::vector<const Resource*> verified() const;
  // The attempts: and changes: that apply to `r`: its own, else the scenario's.
  const std::vector<AttemptEntry>& attempts_of(const Resource& r) const {
    return r.attempts ? *r.attempts : attempts;
  }
  const std::vector<Change>& changes_of(const Resource& r) const {
    return r.changes ? *r.changes : changes;
  }
  ServerOptions server;
  std::vector<AttemptEntry> attempts;
  std::vector<Change> changes;
  std::vector<FaultRule> faults;
  ClientOptions client;
  Expectations expect;
  std::string source_file;  // where it was loaded from ("<admin>" for the API)
};

}  // namespace sisyphus::model
