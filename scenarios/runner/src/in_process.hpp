#pragma once
// The in-process reference client (and its naive twin): Options from the scenario's
// `client:` block, run on a private io_context with the deadline as its overall timeout.
#include "sisyphus/client/options.hpp"
#include "sisyphus/runner/client_adapter.hpp"

namespace sisyphus::runner::detail {

// max_attempts, backoff (seeded with the scenario seed), resume, read and connect timeouts
// (time-scaled, the client's defaults when not given), time_scale, sha256.
client::Options reference_options(const ClientContext& ctx);

// Runs the download; the deadline becomes Options::timeout, so the client stops itself.
ClientOutcome run_in_process(client::Options options, Duration deadline);

// The durations the client is given: scaled like every duration of the scenario.
Duration read_timeout(const ClientContext& ctx);
Duration connect_timeout(const ClientContext& ctx);

}  // namespace sisyphus::runner::detail
