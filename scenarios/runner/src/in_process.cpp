#include "in_process.hpp"

#include <fmt/format.h>

#include <chrono>

#include "sisyphus/client/download.hpp"

namespace sisyphus::runner::detail {
namespace {

// The client's own defaults (client::Options), named here because they are scaled.
constexpr Duration kDefaultReadTimeout = std::chrono::seconds(30);
constexpr Duration kDefaultConnectTimeout = std::chrono::seconds(10);

std::string summary(const client::Result& r) {
  std::string out;
  for (const auto& a : r.attempt_log) {
    out += fmt::format("attempt {}: status {}, {} bytes at offset {}, {}{}{}\n", a.number, a.status,
                       a.bytes, a.offset, client::to_string(a.outcome),
                       a.detail.empty() ? "" : ": ", a.detail);
  }
  for (const auto& restart : r.restarts) {
    out += fmt::format("restart before attempt {}: {} ({} bytes discarded)\n", restart.attempt + 1,
                       restart.reason, restart.discarded);
  }
  out += r.ok ? fmt::format("ok ({})\n", r.verified_by.empty() ? "unverified" : r.verified_by)
              : fmt::format("failed (exit {}): {}\n", r.exit_code, r.error);
  return out;
}

}  // namespace

Duration read_timeout(const ClientContext& ctx) {
  return ctx.time_scale(ctx.scenario->client.read_timeout.value_or(kDefaultReadTimeout));
}

Duration connect_timeout(const ClientContext& ctx) {
  return ctx.time_scale(ctx.scenario->client.connect_timeout.value_or(kDefaultConnectTimeout));
}

client::Options reference_options(const ClientContext& ctx) {
  const model::ClientOptions& c = ctx.scenario->client;
  client::Options o;
  o.url = ctx.url;
  o.output = ctx.output;
  o.sha256 = ctx.sha256;
  o.max_attempts = c.max_attempts;
  o.backoff.strategy = client::parse_backoff_strategy(c.backoff.strategy);
  o.backoff.base = c.backoff.base;
  o.backoff.cap = c.backoff.cap;
  o.backoff.seed = ctx.scenario->seed;
  o.resume = client::parse_resume_policy(c.resume);
  o.read_timeout = read_timeout(ctx);
  o.connect_timeout = connect_timeout(ctx);
  o.time_scale = ctx.time_scale;
  if (!ctx.ca_file.empty()) o.ca_file = ctx.ca_file;
  return o;
}

ClientOutcome run_in_process(client::Options options, Duration deadline) {
  options.timeout = deadline;
  const auto start = std::chrono::steady_clock::now();
  const client::Result r = client::download(std::move(options));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ClientOutcome out;
  out.success = r.ok;
  out.output = summary(r);
  // The client stops itself at its overall timeout; that is this runner's deadline.
  out.timed_out = !r.ok && elapsed >= deadline;
  if (!r.ok && r.exit_code == client::kExitUsage)
    out.error = "client refused its options: " + r.error;
  return out;
}

}  // namespace sisyphus::runner::detail
