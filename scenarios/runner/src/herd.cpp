// A herd trial, top to bottom: one server, N streaming clients on one io_context started at
// their seeded moments, then each client judged and measured from the server's log, and the
// server's load over time from the same log.
#include "herd.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "attempt_log.hpp"
#include "in_process.hpp"
#include "output_verdict.hpp"
#include "prefill.hpp"
#include "scenario_server.hpp"
#include "sisyphus/client/download.hpp"
#include "sisyphus/core/rng.hpp"
#include "sisyphus/core/sha256.hpp"
#include "sisyphus/runner/verify.hpp"
#include "work_dir.hpp"

namespace sisyphus::runner::detail {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes per socket read of each herd client: ten thousand clients streaming at once hold
// 160 MiB of buffers, not the 40 GiB of the client's default ring.
constexpr std::size_t kHerdBuffer = 16 * 1024;

// What one client kept, checked as it streams: the SHA-256 of the bytes from offset 0 on,
// started again when the client starts over at 0. A chunk anywhere else than the end of the
// ones before is a hole or an overlap: the output is wrong whatever follows.
class StreamCheck {
 public:
  void take(std::uint64_t offset, std::span<const std::byte> bytes) {
    if (offset == 0 && size_ != 0) {
      sha_.reset();
      size_ = 0;
      contiguous_ = true;
    }
    if (offset != size_) contiguous_ = false;
    sha_.update(bytes);
    size_ = offset + bytes.size();
  }
  // Whether the stream is exactly `expected` (its size and SHA-256 hex digest).
  bool is(std::uint64_t size, const std::string& sha256_hex) {
    return contiguous_ && size_ == size && to_hex(sha_.finish()) == sha256_hex;
  }

 private:
  Sha256 sha_;
  std::uint64_t size_ = 0;
  bool contiguous_ = true;
};

struct Client {
  client::Options options;
  Duration start_after{0};  // wall time after the herd starts
  StreamCheck check;
  client::Result result;
  Clock::time_point started, ended;
};

// Two descriptors per client in this process (its socket and the server's end), and a few:
// the soft limit is raised towards that, as far as the hard limit allows. Past it, a client
// that finds no descriptor fails to connect ("Too many open files") and retries like after
// any connect error; a herd spread over time (start_spread, short transfers) needs fewer.
void raise_open_files(std::uint32_t clients) {
  const rlim_t need = 2 * static_cast<rlim_t>(clients) + 64;
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= need) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? need : std::min(need, lim.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &lim);
}

// What a streaming client ends with: it keeps no file, so a failure leaves nothing behind
// (failed-clean), and a success is judged by the bytes it streamed.
reports::Verdict herd_verdict(bool success, bool identical) {
  if (!success) return reports::Verdict::failed_clean;
  return identical ? reports::Verdict::ok : reports::Verdict::corrupt;
}

std::vector<Client> make_clients(const model::Scenario& s, const client::Options& base,
                                 std::uint32_t n, Duration start_spread, TimeScale scale) {
  std::vector<Client> clients(n);
  Rng starts(derive_seed(s.seed, "herd-start"));
  for (std::uint32_t i = 0; i < n; ++i) {
    Client& c = clients[i];
    c.options = base;
    c.options.client_id = herd_client_id(i);
    // Each its own jitter: one seed for all would make a jittered herd retry in lockstep.
    c.options.backoff.seed = derive_seed(s.seed, fmt::format("client:{}", i));
    c.options.on_body = [&check = c.check](std::uint64_t offset, std::span<const std::byte> b) {
      check.take(offset, b);
    };
    const double at = starts.uniform01() * std::chrono::duration<double>(start_spread).count();
    c.start_after = scale(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(at)));
  }
  return clients;
}

void run_clients(std::vector<Client>& clients) {
  boost::asio::io_context io;
  const auto start = Clock::now();
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers;
  timers.reserve(clients.size());
  for (Client& c : clients) {
    auto& timer = *timers.emplace_back(
        std::make_unique<boost::asio::steady_timer>(io, start + c.start_after));
    timer.async_wait([&io, &c](const boost::system::error_code&) {
      c.started = Clock::now();
      client::async_download(io, c.options, [&c](client::Result r) {
        c.ended = Clock::now();
        c.result = std::move(r);
      });
    });
  }
  io.run();
}

reports::ServerEvent event_of(const proxy::LogRecord& g, double factor) {
  reports::ServerEvent e;
  e.start_s = g.t / factor;
  e.duration_s = g.duration_s / factor;
  e.bytes = g.bytes_sent;
  e.over_capacity = proxy::lists_fault(g, proxy::kOverCapacityFault);
  return e;
}

// Client i as a one-client trial is measured: from its own GETs in the server's log.
reports::Trial measure(Client& c, std::uint32_t trial, std::uint32_t i, const model::Scenario& s,
                       const std::vector<proxy::LogRecord>& gets, Duration deadline,
                       std::map<std::uint64_t, std::string>& digests) {
  reports::Trial t;
  t.trial = trial;
  t.client = i;
  t.seed = s.seed;
  t.attempts = gets.size();
  const BodyBytes body = body_bytes(gets);
  t.bytes_sent = body.sent;
  t.bytes_written = body.written;
  const auto elapsed = c.ended - c.started;
  t.duration_s = std::chrono::duration<double>(elapsed).count();
  if (c.result.exit_code == client::kExitUsage) {
    t.verdict = reports::Verdict::error;
    t.error = "client refused its options: " + c.result.error;
    return t;
  }
  t.timed_out = !c.result.ok && elapsed >= deadline;
  bool identical = false;
  if (c.result.ok) {
    const std::uint64_t version = final_content_seed(s, s.resource(), gets);
    auto it = digests.find(version);
    if (it == digests.end())
      it = digests.emplace(version, ExpectedContent::of(s.resource(), version).sha256_hex()).first;
    identical = c.check.is(s.resource().size, it->second);
  }
  t.verdict = herd_verdict(c.result.ok, identical);
  if (!c.result.ok) t.error = c.result.error;
  t.bytes_wasted = reports::compute_bytes_wasted(t.verdict, t.bytes_sent, s.resource().size, 0);
  return t;
}

}  // namespace

std::string herd_client_id(std::uint32_t client) {
  return fmt::format("c{}", client);
}

HerdTrial run_herd(const model::Scenario& s, std::uint32_t trial, std::uint32_t n,
                   Duration start_spread, const RunOptions& options) {
  HerdTrial out;
  try {
    raise_open_files(n);
    const model::Scenario served = served_scenario(s);
    ScenarioServer server(served, options.time_scale);
    const Duration deadline = deadline_for(s, options);

    // Over HTTPS the clients trust the run's CA, from a file in a directory of the trial's.
    std::optional<WorkDir> ca_dir;
    ClientContext ctx;
    if (s.server.tls) {
      ca_dir.emplace(options.work_root, s.name, false);
      ctx.ca_file = server.write_ca_file(ca_dir->path());
    }
    ctx.scenario = &s;
    ctx.url = server.url();
    ctx.time_scale = options.time_scale;
    ctx.deadline = deadline;
    ctx.sha256 = expected_sha256(s, s.resource(), served);
    client::Options base = reference_options(ctx);
    base.output.clear();
    base.timeout = deadline;
    base.buffer_size = kHerdBuffer;

    std::vector<Client> clients = make_clients(s, base, n, start_spread, options.time_scale);
    run_clients(clients);
    const std::vector<proxy::LogRecord> log = server.finish();
    const std::uint64_t peak_active = server.stats().peak_active;

    std::map<std::string, std::vector<proxy::LogRecord>> by_client;
    std::vector<reports::ServerEvent> events;
    for (const proxy::LogRecord& g : resource_gets(log, s.resource().path)) {
      events.push_back(event_of(g, options.time_scale.factor()));
      if (g.client) by_client[*g.client].push_back(g);
    }
    std::map<std::uint64_t, std::string> digests;  // content seed -> SHA-256 hex
    for (std::uint32_t i = 0; i < n; ++i) {
      out.clients.push_back(
          measure(clients[i], trial, i, s, by_client[herd_client_id(i)], deadline, digests));
    }
    out.server = reports::server_series(events, peak_active);
  } catch (const std::exception& e) {
    out.clients.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
      reports::Trial t;
      t.trial = trial;
      t.client = i;
      t.seed = s.seed;
      t.verdict = reports::Verdict::error;
      t.error = e.what();
      out.clients.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace sisyphus::runner::detail
