// One scenario run, top to bottom: work directory, server, prefill, client, log, verdict,
// expectations. Then many of them on a few threads.
#include "sisyphus/runner/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "attempt_log.hpp"
#include "output_verdict.hpp"
#include "prefill.hpp"
#include "scenario_server.hpp"
#include "sisyphus/core/version.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "sisyphus/runner/expectations.hpp"
#include "sisyphus/runner/verify.hpp"
#include "subprocess.hpp"
#include "work_dir.hpp"

namespace sisyphus::runner {
namespace {

using Clock = std::chrono::steady_clock;

// The output file's name in the work directory (the reference client adds .part to it): the
// first resource the run verifies downloads to `download`, any other to `download.ID`.
constexpr const char* kOutputName = "download";

std::vector<ResourceTarget> resource_targets(const model::Scenario& s, const std::string& base,
                                             const detail::WorkDir& dir) {
  const model::Resource* first = s.verified().front();
  std::vector<ResourceTarget> out;
  for (const model::Resource& r : s.resources) {
    const std::string name = &r == first ? kOutputName : fmt::format("{}.{}", kOutputName, r.id);
    out.push_back({r.id, base + r.path, dir.path() / name});
  }
  return out;
}

// {url} and {output} are the first resource the run verifies. Over HTTPS the server's CA is
// written to ca.pem in the work directory ({ca_file}).
ClientContext client_context(const model::Scenario& s, const model::Scenario& served,
                             const detail::ScenarioServer& server, const detail::WorkDir& dir,
                             const RunOptions& options, Duration deadline) {
  const std::string base_url = server.base_url();
  ClientContext ctx;
  ctx.ca_file = server.write_ca_file(dir.path());
  ctx.scenario = &s;
  ctx.resources = resource_targets(s, base_url, dir);
  const model::Resource& first = *s.verified().front();
  const ResourceTarget& target =
      ctx.resources[static_cast<std::size_t>(&first - s.resources.data())];
  ctx.url = target.url;
  ctx.output = target.output;
  ctx.workdir = dir.path();
  ctx.time_scale = options.time_scale;
  ctx.deadline = deadline;
  ctx.sisyphus_binary = find_sisyphus_binary(options);
  ctx.sha256 = detail::expected_sha256(s, first, served);
  return ctx;
}

// A command downloads every resource itself in one run ({url:ID}, {output:ID}); any other
// client is run once per resource the scenario verifies, one after the other, and claims
// success when every run did.
struct ClientRun {
  const model::Resource* resource;
  ClientOutcome outcome;
};

std::vector<ClientRun> run_client(const model::Scenario& s, const model::Scenario& served,
                                  const ClientAdapter& client, const ClientContext& ctx) {
  std::vector<ClientRun> runs;
  const std::vector<const model::Resource*> verified = s.verified();
  if (client.kind() == "command") {
    const ClientOutcome outcome = client.run(ctx);
    for (const model::Resource* r : verified) runs.push_back({r, outcome});
    return runs;
  }
  for (const model::Resource* r : verified) {
    ClientContext one = ctx;
    const ResourceTarget& target = ctx.resources[static_cast<std::size_t>(r - s.resources.data())];
    one.url = target.url;
    one.output = target.output;
    one.sha256 = detail::expected_sha256(s, *r, served);
    runs.push_back({r, client.run(one)});
  }
  return runs;
}

// A shell says 127 for a command it cannot find and 126 for one it cannot execute; from a
// client that never reached the server that is the harness's problem (a wrong --client or
// a missing tool), not the client's failed-clean. The client's own words say which.
std::optional<std::string> start_failure(const ClientOutcome& outcome, bool any_request) {
  if (any_request || !outcome.exit_code) return std::nullopt;
  const int code = *outcome.exit_code;
  if (code != 126 && code != 127) return std::nullopt;
  std::string said = outcome.output;
  while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
  return fmt::format("{} (exit {}){}", reports::kClientCouldNotStart, code,
                     said.empty() ? "" : ": " + said);
}

// The verdict of the worst resource: ok < failed-clean < failed-dirty < corrupt.
bool worse(reports::Verdict a, reports::Verdict b) {
  return static_cast<int>(a) > static_cast<int>(b);
}

// Runs the scenario into `r` (everything except expectations and `passed`).
void execute(const model::Scenario& s, const ClientAdapter& client, const RunOptions& options,
             Duration deadline, reports::ScenarioResult& r) {
  const detail::WorkDir dir(options.work_root, s.name, options.keep);

  const model::Scenario served = detail::served_scenario(s);
  detail::ScenarioServer server(served, options.time_scale, client.wants_http2());

  const ClientContext ctx = client_context(s, served, server, dir, options, deadline);
  if (s.client.prefill) client.prefill(detail::prefill_context(s, ctx.url, ctx.output));

  const auto start = Clock::now();
  const std::vector<ClientRun> runs = run_client(s, served, client, ctx);
  r.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::string said;
  for (const ClientRun& run : runs) {
    const ClientOutcome& outcome = run.outcome;
    r.timed_out = r.timed_out || outcome.timed_out;
    if (!r.client_exit_code || outcome.exit_code != 0) r.client_exit_code = outcome.exit_code;
    if (outcome.output.empty() || (&run != &runs.front() && client.kind() == "command")) continue;
    said += runs.size() > 1 && client.kind() != "command"
                ? fmt::format("[sisyphus] {}:\n{}", run.resource->id, outcome.output)
                : outcome.output;
  }
  if (!said.empty()) r.client_output = said;
  if (options.keep) {
    r.client_output = r.client_output.value_or("") +
                      fmt::format("[sisyphus] work directory kept: {}\n", dir.path().string());
  }

  // Metrics from the server's side only, so black-box clients are measured like ours: the
  // GETs of every resource (a manifest costs bytes too), each resource's in attempt order.
  const std::vector<proxy::LogRecord> log = server.finish();
  const bool several = s.resources.size() > 1;
  std::vector<std::vector<proxy::LogRecord>> gets_of;
  bool any_request = false;
  r.attempts = 0;
  for (const model::Resource& resource : s.resources) {
    auto& gets = gets_of.emplace_back(detail::resource_gets(log, resource.path));
    any_request = any_request || !gets.empty();
    r.attempts += gets.size();
    const detail::BodyBytes body = detail::body_bytes(gets);
    r.bytes_sent += body.sent;
    r.bytes_written += body.written;
    for (reports::AttemptRecord& a : detail::attempt_log(gets)) {
      if (several) a.path = resource.path;
      r.attempt_log.push_back(std::move(a));
    }
  }

  bool classified = false;
  for (const ClientRun& run : runs) {
    std::optional<std::string> error = run.outcome.error;
    if (!error) error = start_failure(run.outcome, any_request);
    if (error) {
      r.verdict = reports::Verdict::error;
      r.error = *error;
      return;
    }
    const std::size_t at = static_cast<std::size_t>(run.resource - s.resources.data());
    const reports::Classification c = detail::judge_output(s, *run.resource, run.outcome.success,
                                                           ctx.resources[at].output, gets_of[at]);
    if (!classified || worse(c.verdict, r.verdict)) {
      r.verdict = c.verdict;
      r.corruption = c.corruption;
      if (several && c.corruption) r.corruption->resource = run.resource->id;
      classified = true;
    }
  }
  r.bytes_wasted =
      reports::compute_bytes_wasted(r.verdict, r.bytes_sent, r.size, detail::reusable_prefill(s));
}

}  // namespace

Duration deadline_for(const model::Scenario& s, const RunOptions& options) {
  if (options.deadline) return *options.deadline;
  const Duration d = s.expect.max_duration ? options.time_scale(*s.expect.max_duration) * 3
                                           : options.time_scale(kDefaultDeadline);
  return std::max(d, kMinimumDeadline);
}

std::string replay_command(const model::Scenario& s, std::string_view client_spec,
                           const RunOptions& options) {
  std::string out =
      fmt::format("{} run {} --client {} --seed {} --time-scale {}", options.program,
                  detail::shell_quote(s.source_file), detail::shell_quote(client_spec), s.seed,
                  options.time_scale.factor());
  if (options.deadline) out += " --deadline " + format_duration(*options.deadline);
  return out;
}

reports::ScenarioResult run_scenario(const model::Scenario& input, const RunOptions& options) {
  model::Scenario s = input;
  if (options.seed) s.seed = *options.seed;

  reports::ScenarioResult r;
  r.name = s.name;
  r.description = s.description;
  r.seed = s.seed;
  // The bytes the client needed: one copy of each resource it is checked on. Any other
  // resource's bytes (a mirror's, a manifest not verified) are counted as sent, not needed.
  r.size = 0;
  for (const model::Resource* v : s.verified()) r.size += v->size;
  const Duration deadline = deadline_for(s, options);

  std::unique_ptr<ClientAdapter> client;
  try {
    client = options.client ? make_client(*options.client) : make_client(s.client);
  } catch (const std::exception& e) {
    r.client = {options.client.value_or(s.client.kind), options.client.value_or(s.client.kind)};
    r.error = e.what();
  }
  if (client) {
    r.client = {std::string(client->kind()), client->label()};
    r.replay = replay_command(s, client->spec(), options);
    try {
      execute(s, *client, options, deadline, r);
    } catch (const std::exception& e) {
      r.verdict = reports::Verdict::error;
      r.error = e.what();
    }
  }

  r.expectations = check_expectations(s.expect, r, deadline, options.time_scale);
  r.passed =
      r.verdict != reports::Verdict::error && reports::all_expectations_passed(r.expectations);
  return r;
}

reports::RunResults run_scenarios(const std::vector<model::Scenario>& scenarios,
                                  const RunOptions& options, const std::string& client_label,
                                  const OnScenarioDone& on_done) {
  reports::RunResults results;
  results.seed = options.seed;
  results.started_at = reports::iso8601_utc(std::chrono::system_clock::now());
  results.client = client_label;
  results.sisyphus_version = kVersion;

  RunOptions shared = options;
  shared.sisyphus_binary = find_sisyphus_binary(options);
  std::vector<reports::ScenarioResult> out(scenarios.size());
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::size_t done = 0;
  const auto worker = [&] {
    for (std::size_t i = next++; i < scenarios.size(); i = next++) {
      out[i] = run_scenario(scenarios[i], shared);
      std::lock_guard lock(mutex);
      ++done;
      if (on_done) on_done(out[i], done, scenarios.size());
    }
  };
  unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(
      std::min<std::size_t>(jobs, std::max<std::size_t>(1, scenarios.size())));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  results.scenarios = std::move(out);
  reports::sort_scenarios(results);
  return results;
}

std::string run_client_label(const std::vector<model::Scenario>& scenarios,
                             const RunOptions& options) {
  if (options.client) return make_client(*options.client)->label();
  std::set<std::string> labels;
  for (const auto& s : scenarios) labels.insert(make_client(s.client)->label());
  std::string out;
  for (const auto& l : labels) out += (out.empty() ? "" : ", ") + l;
  return out;
}

std::filesystem::path find_sisyphus_binary(const RunOptions& options) {
  if (!options.sisyphus_binary.empty()) return options.sisyphus_binary;
  const char* env = std::getenv("SISYPHUS_BINARY");
  if (env != nullptr && env[0] != '\0') return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    if (self.filename() == "sisyphus") return self;
    const auto sibling = self.parent_path() / "sisyphus";
    if (std::filesystem::is_regular_file(sibling, ec)) return sibling;
  }
  return "sisyphus";  // PATH
}

}  // namespace sisyphus::runner
