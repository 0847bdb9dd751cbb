#pragma once
// The server's request log read as the run's attempts: the GETs of the resource (HEAD does
// not count) in attempt order, and the attempt log results.json shows for them.
#include <cstdint>
#include <string>
#include <vector>

#include "sisyphus/proxy/log.hpp"
#include "sisyphus/reports/results.hpp"

namespace sisyphus::runner::detail {

std::vector<proxy::LogRecord> resource_gets(const std::vector<proxy::LogRecord>& log,
                                            const std::string& path);

// One record per GET; gap_s is this request's start minus the previous response's end.
std::vector<reports::AttemptRecord> attempt_log(const std::vector<proxy::LogRecord>& gets);

// Body bytes over all of them (error bodies included: a 503's text counts), DESIGN.md "Byte
// accounting".
struct BodyBytes {
  std::uint64_t sent = 0;     // reached the client (its TCP acknowledged them)
  std::uint64_t written = 0;  // written into the server's socket
};
BodyBytes body_bytes(const std::vector<proxy::LogRecord>& gets);

}  // namespace sisyphus::runner::detail
