#pragma once
// What every process-based adapter shares: run argv in the work directory with the
// deadline, and turn the process's end into a ClientOutcome.
#include <string>
#include <vector>

#include "sisyphus/runner/client_adapter.hpp"

namespace sisyphus::runner::detail {

// stdout and stderr go to <workdir>/client.log; its tail becomes ClientOutcome::output.
ClientOutcome run_external(const ClientContext& ctx, std::vector<std::string> argv);

// Over HTTPS (server.tls): `flag` followed by the CA file (wget's and aria2c's
// "--ca-certificate=") goes in before argv's last argument, the URL. Nothing over HTTP.
void insert_ca_option(const ClientContext& ctx, std::vector<std::string>& argv,
                      std::string_view flag);

// Tools that take whole seconds get the duration rounded up, at least 1.
std::string whole_seconds(Duration d);
// Tools that take fractions (wget): "0.25".
std::string decimal_seconds(Duration d);

}  // namespace sisyphus::runner::detail
