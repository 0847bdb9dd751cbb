// One scenario run, top to bottom: work directory, server, prefill, client, log, verdict,
// expectations. Then many of them on a few threads.
#include "sisyphus/runner/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "sisyphus/core/sha256.hpp"
#include "sisyphus/core/version.hpp"
#include "sisyphus/proxy/original_head.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "sisyphus/runner/expectations.hpp"
#include "sisyphus/runner/verify.hpp"
#include "subprocess.hpp"
#include "work_dir.hpp"

namespace sisyphus::runner {
namespace {

using Clock = std::chrono::steady_clock;

// The output file's name in the work directory (the reference client adds .part to it).
constexpr const char* kOutputName = "download";
constexpr auto kSettleGrace = std::chrono::milliseconds(500);

ExpectedContent expected_content(const model::Scenario& s, std::uint64_t seed) {
  if (s.resource.is_file()) return ExpectedContent::file(s.resource.resolved_file);
  return ExpectedContent::synthetic(seed, s.resource.size);
}

std::string sha256_of(const ExpectedContent& content) {
  Sha256 sha;
  std::vector<std::byte> block(1 << 20);
  for (std::uint64_t off = 0; off < content.size(); off += block.size()) {
    const auto n =
        static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), content.size() - off));
    content.read(off, std::span(block).first(n));
    sha.update(std::span<const std::byte>(block).first(n));
  }
  const auto digest = sha.finish();
  return to_hex(digest);
}

std::filesystem::path scenario_dir(const model::Scenario& s) {
  auto dir = std::filesystem::path(s.source_file).parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

// The GET requests for the resource, in attempt order.
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
    reports::AttemptRecord a;
    a.attempt = g.attempt;
    a.t = g.t;
    a.range = g.range;
    a.if_range = g.if_range;
    a.status = g.status;
    a.bytes_sent = g.bytes_sent;
    a.fault = g.fault;
    // A black-box client's backoff: from the end of one response to the next request.
    if (previous != nullptr) a.gap_s = std::max(0.0, g.t - (previous->t + previous->duration_s));
    out.push_back(std::move(a));
    previous = &g;
  }
  return out;
}

// A client that gives up after reading a response head (a 410, say) closes while the server
// may still be writing the body: give the server a moment to finish and log what it wrote,
// so the log does not depend on who won that race. A response still stalling on purpose
// is cut short by stop() after the grace period.
void settle(const proxy::Server& server) {
  const auto give_up = Clock::now() + kSettleGrace;
  while (server.stats().connections_open > 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// Runs the scenario into `r` (everything except expectations and `passed`).
void execute(const model::Scenario& s, const ClientAdapter& client, const RunOptions& options,
             Duration deadline, reports::ScenarioResult& r) {
  detail::WorkDir dir(options.work_root, s.name, options.keep);

  // `prefill: {changed: true}`: the version the earlier run saw is gone before this one starts.
  model::Scenario served = s;
  if (s.client.prefill && s.client.prefill_changed) {
    model::Change change;
    change.before_attempt = 1;
    served.changes.insert(served.changes.begin(), change);
  }
  proxy::ServerOptions server_options;
  server_options.threads = 1;
  server_options.time_scale = options.time_scale;
  server_options.file_root = scenario_dir(s);
  proxy::Server server(server_options, served);
  server.start();

  const std::filesystem::path output = dir.path() / kOutputName;
  std::uint64_t prefill_bytes = 0;
  if (s.client.prefill) {
    PrefillContext p;
    p.url = server.url();
    p.output = output;
    p.bytes = prefill_bytes = s.client.prefill->resolve(s.resource.size);
    p.original_seed = s.resource.content_seed(0);
    if (s.resource.is_file()) p.file = s.resource.resolved_file;
    p.original = proxy::original_head(s, server_options.file_root);
    client.prefill(p);
  }

  ClientContext ctx;
  ctx.scenario = &s;
  ctx.url = server.url();
  ctx.output = output;
  ctx.workdir = dir.path();
  ctx.time_scale = options.time_scale;
  ctx.deadline = deadline;
  ctx.sisyphus_binary = find_sisyphus_binary(options);
  if (s.client.sha256) {
    // The last version the scenario defines: every change applied.
    ctx.sha256 = sha256_of(expected_content(s, s.resource.content_seed(served.changes.size())));
  }

  const auto start = Clock::now();
  const ClientOutcome outcome = client.run(ctx);
  r.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  settle(server);
  server.stop();  // ends stalled responses, so that every request is in the log

  const auto gets = resource_gets(server.log(), s.resource.path);
  r.attempts = gets.size();
  for (const auto& g : gets) r.bytes_sent += g.bytes_sent;
  r.attempt_log = attempt_log(gets);
  r.timed_out = outcome.timed_out;
  r.client_exit_code = outcome.exit_code;
  if (!outcome.output.empty()) r.client_output = outcome.output;
  if (options.keep) {
    r.client_output = r.client_output.value_or("") +
                      fmt::format("[sisyphus] work directory kept: {}\n", dir.path().string());
  }
  if (outcome.error) {
    r.verdict = reports::Verdict::error;
    r.error = *outcome.error;
    return;
  }

  // The output must be the version the server served last (the one in effect at the end).
  // With no request at all, nothing was served: the version in effect at the start.
  const std::uint64_t final_seed = gets.empty()
                                       ? s.resource.content_seed(s.client.prefill_changed ? 1 : 0)
                                       : gets.back().content_seed;
  const ExpectedContent expected = expected_content(s, final_seed);
  const reports::OutputCheck check = compare_output(output, expected);
  bool other_prefix = false;
  if (!outcome.success && !check.clean_prefix(expected.size()) && !s.resource.is_file()) {
    std::set<std::uint64_t> seen{s.resource.content_seed(0)};
    for (const auto& g : gets) seen.insert(g.content_seed);
    seen.erase(final_seed);
    for (std::uint64_t seed : seen) {
      const ExpectedContent other = expected_content(s, seed);
      if (compare_output(output, other).clean_prefix(other.size())) other_prefix = true;
    }
  }
  const reports::Classification c =
      reports::classify(outcome.success, check, expected.size(), other_prefix);
  r.verdict = c.verdict;
  r.corruption = c.corruption;
  const std::uint64_t reusable = s.client.prefill_changed ? 0 : prefill_bytes;
  r.bytes_wasted = reports::compute_bytes_wasted(r.verdict, r.bytes_sent, r.size, reusable);
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
  r.size = s.resource.size;
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
