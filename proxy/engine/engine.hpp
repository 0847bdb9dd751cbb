#pragma once
// The fault engine: attempt counters per (client, path), resource changes, and which faults
// apply to a request. Thread-safe: sessions on any thread call decide().
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sisyphus/core/time_scale.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/proxy/plan.hpp"

namespace sisyphus::proxy {

struct Decision {
  std::uint32_t attempt = 0;     // k-th GET of this path by this client (HEAD: 0)
  std::uint32_t generation = 0;  // how many changes apply at this moment
  std::uint64_t content_seed = 0;
  ResponsePlan plan;  // empty when no fault applies
};

class FaultEngine {
 public:
  using Clock = std::chrono::steady_clock;

  // The attempt counters and the scenario clock: one engine's, or shared by the engines that
  // replace it when fault rules are added or removed at run time (POST/DELETE /v1/faults), so
  // that the GET after the edit is still the next attempt.
  struct Counters {
    std::mutex mutex;  // guards the two members below, nothing else
    // (path, client) -> GETs so far; client "" for requests that named none.
    std::map<std::pair<std::string, std::string>, std::uint32_t> attempts;
    Clock::time_point start = Clock::now();
  };

  // `counters`: those of the engine this one replaces; null: fresh ones.
  FaultEngine(model::Scenario scenario, TimeScale time_scale,
              std::shared_ptr<Counters> counters = nullptr);

  // Counts the request (GET only) and builds its plan. `resource_size` is the size of the
  // representation that will be answered. Relayed (proxy) responses pass proxied = true:
  // kinds that are not relayable are then skipped (the proxy rejects them at load anyway).
  // HEAD and every other method: attempt 0, the current generation, an empty plan; they are
  // not counted, so `attempts:` entry k is always the k-th GET.
  // `client` is the request's Sisyphus-Client token (docs/server.md "Clients"), empty when it
  // named none: attempts, their draws and the changes keyed to them are numbered per
  // (client, path), and every request without a name shares the path's own count.
  Decision decide(std::string_view method, std::string_view path, std::uint64_t resource_size,
                  bool proxied = false, std::string_view client = {});

  // decide() in two steps, for the proxy: it counts a request before forwarding it (a status
  // fault answers without asking the upstream) and builds the plan once the upstream has said
  // how large the resource is. count() returns an empty plan; plan_for() draws from the same
  // seeded streams as decide(), so calling it twice for one attempt gives the same plan.
  Decision count(std::string_view method, std::string_view path, std::string_view client = {});
  ResponsePlan plan_for(std::string_view path, std::uint32_t attempt, std::uint64_t resource_size,
                        bool proxied, std::string_view client = {}) const;

  // The generation right now, without counting a request (for HEAD): changes keyed to an
  // attempt count the GETs of `path` by `client` seen so far.
  std::uint32_t generation_now(std::string_view path, std::string_view client = {}) const;

  void reset();  // counters and the scenario clock
  const std::shared_ptr<Counters>& counters() const { return counters_; }
  const model::Scenario& scenario() const { return scenario_; }
  const TimeScale& time_scale() const { return time_scale_; }

 private:
  struct BuiltFault {
    std::unique_ptr<Fault> fault;
    bool relayable = true;
  };
  struct BuiltRule {
    BuiltFault fault;
    std::vector<std::uint32_t> attempts;  // empty: every attempt
    double probability = 1.0;
    std::vector<std::size_t> resources;  // empty: every resource
  };
  BuiltFault build(const model::FaultSpec& spec) const;
  // Changes keyed to an attempt happen as that GET arrives; timed ones once `elapsed` (since
  // start or reset) reaches their time-scaled moment, for every client; random ones
  // (before_each_attempt) as GET k >= 2 of `path` by `client` arrives, when its seeded draw
  // succeeds.
  // A text resource's generation is the one of the resource it describes, now.
  std::uint32_t generation_at(std::string_view path, std::string_view client, std::uint32_t attempt,
                              Clock::duration elapsed) const;
  // The resource served at `path` (exact match), else the first: a relayed resource's path
  // is a glob, and the origin answers 404 before asking for an unknown path.
  std::size_t resource_at(std::string_view path) const;
  // The content seed of `path` at `generation`: a text's is the described resource's.
  std::uint64_t content_seed_of(std::string_view path, std::uint32_t generation) const;

  model::Scenario scenario_;
  TimeScale time_scale_;
  // Per resource, per entry of the `attempts:` that applies to it (its own or the scenario's).
  std::vector<std::vector<std::vector<BuiltFault>>> attempt_faults_;
  // Per resource: the index of the resource its text describes, or npos.
  std::vector<std::size_t> described_;
  std::vector<BuiltRule> rules_;
  std::shared_ptr<Counters> counters_;
};

}  // namespace sisyphus::proxy
