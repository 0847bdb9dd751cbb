#pragma once
// One trial of a herd (docs/compare.md "Herds"): N in-process reference clients against one
// scenario server, each with its own client id (so the server numbers its attempts apart,
// docs/server.md "Clients") and its own jitter seed, started at seeded moments spread over
// `start_spread`, all on one io_context. They stream instead of writing files: each client's
// kept bytes are hashed as they arrive and compared at the end with the version the server
// served it last. Each client is judged and measured from the server's log like a one-client
// trial; the log also gives the server's load over time.
#include <cstdint>
#include <string>
#include <vector>

#include "sisyphus/core/units.hpp"
#include "sisyphus/model/scenario.hpp"
#include "sisyphus/reports/compare.hpp"
#include "sisyphus/runner/runner.hpp"

namespace sisyphus::runner::detail {

struct HerdTrial {
  std::vector<reports::Trial> clients;  // client 0..N-1, each with `trial` and `client` set
  reports::ServerSeries server;         // this trial's series (one trial summed)
};

// The id client i of a herd sends as Sisyphus-Client: "c<i>".
std::string herd_client_id(std::uint32_t client);

// Runs trial `trial` of `scenario` (its seed already the trial's) with `clients` clients.
// Never throws: a harness failure gives every client verdict error with the reason.
HerdTrial run_herd(const model::Scenario& scenario, std::uint32_t trial, std::uint32_t clients,
                   Duration start_spread, const RunOptions& options);

}  // namespace sisyphus::runner::detail
