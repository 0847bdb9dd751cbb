#pragma once
// The fault interface, one implementation per file in proxy/faults/ (like toxiproxy's
// toxics/). Each kind declares its keys once, in a table in its file; the loader checks a
// fault's parameters against it, the kind's parser adds its own rules and builds the fault,
// which then edits the plan of every response it applies to.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/model/fault_catalog.hpp"
#include "sisyphus/model/param_table.hpp"
#include "sisyphus/model/params.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy {

struct RequestContext {
  std::string_view method;
  std::string_view path;
  std::uint32_t attempt = 0;        // k-th GET of this path (by this client, if named), 1-based
  std::uint64_t resource_size = 0;  // size of the representation being answered
  bool proxied = false;             // relaying an upstream response (sisyphus proxy)
  TimeScale time_scale{1.0};
};

class Fault {
 public:
  virtual ~Fault() = default;
  virtual std::string_view kind() const = 0;
  // Edit the plan of one response. `rng` is seeded from (scenario seed, path, client, attempt,
  // rule), so the same request in a replay makes the same choices whatever the concurrency.
  virtual void apply(ResponsePlan& plan, const RequestContext& ctx, Rng& rng) const = 0;
};

struct FaultKind {
  std::string_view name;     // the scenario key: "drop", "status", ...
  std::string_view summary;  // one line for `sisyphus list faults`
  bool relayable = true;     // can apply to a relayed upstream response (sisyphus proxy)
  // Every key the kind takes: name, type, default, one doc line. The loader checks the
  // parameters against it (unknown keys, types, required keys) before `parse` runs;
  // `sisyphus list faults` and docs/faults.md show it.
  model::ParamTable params = {};  // none: the kind takes no parameters
  // Reads the typed parameters (defaults included), checks the kind's own rules across keys
  // (errors via FaultParams::fail, which carry file:line:column) and builds the fault.
  std::unique_ptr<Fault> (*parse)(const model::FaultParams& params,
                                  const model::Scenario& scenario) = nullptr;
  // Why a kind with relayable = false cannot be relayed: the reason check_relayable() gives.
  std::string_view not_relayable_because = {};
};

// Every fault kind of proxy/faults/, registered by file (the build generates the list).
class FaultRegistry final : public model::FaultCatalog {
 public:
  static const FaultRegistry& instance();

  const FaultKind* find(std::string_view name) const;
  const std::vector<const FaultKind*>& all() const { return kinds_; }  // sorted by name
  // `spec` as the loader made it: its parameters read by its kind's table.
  std::unique_ptr<Fault> build(const model::FaultSpec& spec, const model::Scenario& scenario) const;

  // model::FaultCatalog
  std::vector<std::string> kinds() const override;
  bool knows(std::string_view kind) const override;
  const model::ParamTable& params(std::string_view kind) const override;
  void validate(const model::FaultSpec& spec, const model::Scenario& scenario) const override;

  // For `sisyphus proxy` (its scenario loading and Server with an upstream): throws
  // model::ScenarioError (file:line:column of the fault) for the first fault whose kind is
  // not relayable.
  void check_relayable(const model::Scenario& scenario) const;
  // For a server that serves the scenario over plain HTTP: throws model::ScenarioError at
  // the first fault key that means something only over HTTPS (ParamKey::tls_only).
  void check_plain_http(const model::Scenario& scenario) const;

 private:
  FaultRegistry();
  std::vector<const FaultKind*> kinds_;
};

}  // namespace sisyphus::proxy
