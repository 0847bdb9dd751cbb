#include "attempt_log.hpp"

#include <algorithm>

namespace sisyphus::runner::detail {

std::vector<proxy::LogRecord> resource_gets(const std::vector<proxy::LogRecord>& log,
                                            const std::string& path) {
  std::vector<proxy::LogRecord> out;
  for (const auto& r : log) {
    if (r.method == "GET" && r.path == path) out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.attempt < b.attempt; });
  return out;
}

std::vector<reports::AttemptRecord> attempt_log(const std::vector<proxy::LogRecord>& gets) {
  std::vector<reports::AttemptRecord> out;
  const proxy::LogRecord* previous = nullptr;
  for (const auto& g : gets) {
    // A black-box client's backoff: from the end of one response to the next request.
    std::optional<double> gap;
    if (previous != nullptr) gap = std::max(0.0, g.t - (previous->t + previous->duration_s));
    out.push_back({.attempt = g.attempt,
                   .t = g.t,
                   .range = g.range,
                   .if_range = g.if_range,
                   .status = g.status,
                   .bytes_sent = g.bytes_sent,
                   .bytes_written = g.bytes_written,
                   .fault = g.fault,
                   .gap_s = gap,
                   .path = std::nullopt});
    previous = &g;
  }
  return out;
}

BodyBytes body_bytes(const std::vector<proxy::LogRecord>& gets) {
  BodyBytes sum;
  for (const auto& g : gets) {
    sum.sent += g.bytes_sent;
    sum.written += g.bytes_written;
  }
  return sum;
}

}  // namespace sisyphus::runner::detail
