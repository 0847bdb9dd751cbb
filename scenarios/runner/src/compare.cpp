// A comparison, top to bottom: the selected strategies of each matrix, each over its trials
// (a scenario run per trial, seeded by the trial), a few trials at a time.
#include "sisyphus/runner/compare.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "herd.hpp"
#include "sisyphus/core/version.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "subprocess.hpp"

namespace sisyphus::runner {
namespace {

bool selected(const model::Strategy& s, const std::vector<std::string>& globs) {
  if (globs.empty()) return true;
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
    return ::fnmatch(g.c_str(), s.name.c_str(), 0) == 0;
  });
}

// A glob that matches `name` only: its wildcard characters escaped.
std::string literal_glob(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::uint64_t matrix_seed(const model::Matrix& m, const CompareOptions& o) {
  return o.seed.value_or(m.seed);
}

std::uint32_t matrix_trials(const model::Matrix& m, const CompareOptions& o) {
  return o.trials.value_or(m.trials);
}

// The trials of one strategy this run makes: all, the one --trial names, or a shard's.
std::vector<std::uint32_t> trial_numbers(const model::Matrix& m, const CompareOptions& o) {
  std::vector<std::uint32_t> out;
  const std::uint32_t n = matrix_trials(m, o);
  for (std::uint32_t t = 0; t < n; ++t) {
    if (o.trial && *o.trial != t) continue;
    if (o.shard && !o.shard->contains(t)) continue;
    out.push_back(t);
  }
  return out;
}

// The scenario trial t of `strategy` runs: the matrix's scenario with the strategy's client
// and the trial's seed.
model::Scenario trial_scenario(const model::Matrix& m, const model::Strategy& strategy,
                               std::uint64_t seed) {
  model::Scenario s = m.scenario;
  s.client = strategy.client;
  s.seed = seed;
  return s;
}

reports::Trial to_trial(std::uint32_t t, const reports::ScenarioResult& r) {
  reports::Trial out;
  out.trial = t;
  out.seed = r.seed;
  out.verdict = r.verdict;
  out.timed_out = r.timed_out;
  out.attempts = r.attempts;
  out.bytes_sent = r.bytes_sent;
  out.bytes_written = r.bytes_written;
  out.bytes_wasted = r.bytes_wasted;
  out.duration_s = r.duration_s;
  out.error = r.error;
  return out;
}

reports::Bound to_bound(const model::MatrixBound& b) {
  return reports::Bound{b.strategy, b.key, b.limit, b.written};
}

// One unit of work: trial `trial` of cell `cell` of matrix `matrix`.
struct Job {
  std::size_t matrix = 0;
  std::size_t cell = 0;
  std::uint32_t trial = 0;
};

// A trial's records: one, or one per client of a herd (with the server's series).
struct TrialRecords {
  std::vector<reports::Trial> records;
  std::optional<reports::ServerSeries> server;
};

TrialRecords run_trial(const model::Matrix& m, const model::Strategy& strategy,
                       std::uint64_t matrix_seed, std::uint32_t t, const RunOptions& run) {
  const model::Scenario s = trial_scenario(m, strategy, model::trial_seed(matrix_seed, t));
  if (!m.herd) return {{to_trial(t, run_scenario(s, run))}, std::nullopt};
  detail::HerdTrial herd = detail::run_herd(s, t, strategy.clients, m.start_spread, run);
  return {std::move(herd.clients), std::move(herd.server)};
}

}  // namespace

std::string compare_replay_command(const model::Matrix& m, const model::Strategy& strategy,
                                   const CompareOptions& o) {
  std::string out = fmt::format("{} compare {} --filter {} --seed {} --trials {} --time-scale {}",
                                o.run.program, detail::shell_quote(m.source_file),
                                detail::shell_quote(literal_glob(strategy.name)), matrix_seed(m, o),
                                matrix_trials(m, o), o.run.time_scale.factor());
  if (o.run.deadline) out += " --deadline " + format_duration(*o.run.deadline);
  return out;
}

reports::CompareResults compare(const std::vector<model::Matrix>& matrices,
                                const CompareOptions& options, const OnTrialDone& on_done) {
  reports::CompareResults results;
  results.started_at = reports::iso8601_utc(std::chrono::system_clock::now());
  results.sisyphus_version = kVersion;
  results.time_scale = options.run.time_scale.factor();
  results.shard = options.shard;

  RunOptions run = options.run;
  run.client.reset();
  run.seed.reset();
  run.sisyphus_binary = find_sisyphus_binary(options.run);

  // Per result matrix: its model and which strategy each cell is; every job in the order
  // they start.
  std::vector<const model::Matrix*> models;
  std::vector<std::vector<const model::Strategy*>> strategies;
  std::vector<Job> jobs;
  for (const model::Matrix& m : matrices) {
    reports::MatrixResult mr;
    mr.name = m.name;
    mr.description = m.description;
    mr.source_file = m.source_file;
    mr.scenario = m.scenario.name;
    mr.size = m.scenario.resource().size;
    mr.seed = matrix_seed(m, options);
    mr.trials = matrix_trials(m, options);
    for (const auto& b : m.expect) mr.bounds.push_back(to_bound(b));
    std::vector<const model::Strategy*> chosen;
    const std::vector<std::uint32_t> numbers = trial_numbers(m, options);
    for (const model::Strategy& s : m.strategies) {
      if (!selected(s, options.filters)) continue;
      reports::Cell cell;
      cell.strategy = s.name;
      const auto client = make_client(s.client);
      cell.client = reports::ClientInfo{std::string(client->kind()), client->label()};
      cell.clients = s.clients;
      cell.replay = compare_replay_command(m, s, options);
      cell.trials.reserve(numbers.size() * s.clients);
      for (std::uint32_t t : numbers)
        jobs.push_back(Job{results.matrices.size(), mr.cells.size(), t});
      mr.cells.push_back(std::move(cell));
      chosen.push_back(&s);
    }
    if (mr.cells.empty()) continue;
    models.push_back(&m);
    strategies.push_back(std::move(chosen));
    results.matrices.push_back(std::move(mr));
  }

  // Progress counts records: a herd trial of N clients is N of them. Cells reserve them all,
  // so that a record's address stays valid while later ones are added.
  std::size_t total = 0;
  std::vector<std::vector<std::size_t>> expected(results.matrices.size());
  for (std::size_t i = 0; i < results.matrices.size(); ++i)
    expected[i].assign(results.matrices[i].cells.size(), 0);
  for (const Job& job : jobs) {
    const std::size_t n = results.matrices[job.matrix].cells[job.cell].clients;
    expected[job.matrix][job.cell] += n;
    total += n;
  }
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::size_t done = 0;
  const auto record = [&](const Job& job, TrialRecords r) {
    std::lock_guard lock(mutex);
    reports::MatrixResult& mr = results.matrices[job.matrix];
    reports::Cell& cell = mr.cells[job.cell];
    const std::size_t cell_total = expected[job.matrix][job.cell];
    if (r.server) {
      if (cell.server) {
        reports::add_series(*cell.server, *r.server);
      } else {
        cell.server = std::move(*r.server);
      }
    }
    for (reports::Trial& t : r.records) {
      cell.trials.push_back(std::move(t));
      ++done;
      if (on_done) {
        on_done(TrialProgress{&mr, &cell, &cell.trials.back(), cell.trials.size(), cell_total, done,
                              total});
      }
    }
  };
  const auto run_job = [&](const Job& job) {
    record(job, run_trial(*models[job.matrix], *strategies[job.matrix][job.cell],
                          results.matrices[job.matrix].seed, job.trial, run));
  };
  // One-client trials run `jobs` at a time; a herd trial is already many clients at once and
  // runs alone, after them.
  const auto worker = [&] {
    for (std::size_t j = next++; j < jobs.size(); j = next++) {
      if (!models[jobs[j].matrix]->herd) run_job(jobs[j]);
    }
  };
  unsigned n = options.run.jobs != 0
                   ? options.run.jobs
                   : kDefaultCompareJobsPerCore * std::max(1u, std::thread::hardware_concurrency());
  n = static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(1, jobs.size())));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (const Job& job : jobs) {
    if (models[job.matrix]->herd) run_job(job);
  }

  for (auto& mr : results.matrices) {
    for (auto& cell : mr.cells) {
      std::sort(cell.trials.begin(), cell.trials.end(),
                [](const reports::Trial& a, const reports::Trial& b) {
                  return std::pair(a.trial, a.client) < std::pair(b.trial, b.client);
                });
    }
  }
  return results;
}

}  // namespace sisyphus::runner
