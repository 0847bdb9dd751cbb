// The short soak: a herd of concurrent clients (sisyphus/testing/client_herd.hpp) against the
// in-process server serving bench/soak.yaml, the scenario of bench/soak.sh, with every fault
// kind firing at random. Every request a client wrote must be in the log, once, in memory and
// in the --log file; no answer may contradict its request; and once warmed up, more rounds
// of the same load must not leave the heap bigger (what a leak per request or per connection
// would do). The seed is fixed; SISYPHUS_SOAK_SEED=N runs another one.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/client_herd.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/sanitizers.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

std::uint64_t soak_seed() {
  const char* env = std::getenv("SISYPHUS_SOAK_SEED");
  return env ? std::strtoull(env, nullptr, 10) : 11;
}

// ServerTest with the server built here: the scenario is a file whose seed the test replaces.
class SoakTest : public ServerTest {
 protected:
  void SetUp() override {
    seed_ = soak_seed();
    model::Scenario scenario =
        proxy::load_scenario_file(std::filesystem::path(SISYPHUS_SOURCE_DIR) / "bench/soak.yaml");
    scenario.seed = seed_;
    size_ = scenario.resource().size;
    content_seed_ = scenario.resource().seed;
    proxy::ServerOptions options;
    options.log_file = log_file_;
    options.time_scale = TimeScale{0.1};  // the 200 ms stall lasts 20 ms
    options.one_malloc_arena = true;      // as `sisyphus serve` runs
    server_ = std::make_unique<proxy::Server>(options, std::move(scenario));
    server_->start();
  }

  HerdCounts run_round(unsigned clients, std::uint64_t requests, unsigned round) {
    HerdOptions o;
    o.port = port();
    o.size = size_;
    o.content_seed = content_seed_;
    o.clients = clients;
    o.requests = requests;
    o.seed = derive_seed(seed_, "round:" + std::to_string(round));
    return run_herd(o);
  }

  // Waits (up to 10 s) until the log file holds `n` lines: a client that hung up mid-body is
  // logged when the server's next write fails, which can come after the client has gone.
  std::size_t log_file_lines(std::size_t n) {
    const auto deadline = Clock::now() + 10s;
    std::size_t lines = read_lines(log_file_).size();
    while (lines < n && Clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
      lines = read_lines(log_file_).size();
    }
    return lines;
  }

  std::string replay() const {
    return "seed " + std::to_string(seed_) +
           "; replay: SISYPHUS_SOAK_SEED=" + std::to_string(seed_) +
           " ctest --test-dir build/release -R Soak";
  }

  std::uint64_t seed_ = 0, size_ = 0, content_seed_ = 0;
  TempDir dir_{"soak"};
  std::filesystem::path log_file_ = dir_ / "requests.jsonl";
};

TEST_F(SoakTest, EveryRequestIsLoggedOnceAndEveryAnswerFitsItsRequest) {
  SCOPED_TRACE(replay());
  const std::uint64_t requests = 3000;
  const HerdCounts c = run_round(50, requests, 0);
  SCOPED_TRACE(to_json(c));

  EXPECT_EQ(c.sent, requests);
  EXPECT_EQ(c.connect_failed + c.send_failed + c.errors + c.timeout + c.wrong_answers, 0u);
  EXPECT_EQ(log_file_lines(c.sent), c.sent);
  const std::vector<proxy::LogRecord> log = log_with(c.sent);
  EXPECT_EQ(log.size(), c.sent);
  EXPECT_EQ(server_->stats().requests, c.sent);

  // The faults did fire, on both sides of the wire: a soak without them proves little.
  std::map<std::string, int> faults;
  for (const auto& r : log) {
    if (!r.fault) continue;
    for (std::size_t pos = 0; pos <= r.fault->size();) {
      const std::size_t comma = std::min(r.fault->find(',', pos), r.fault->size());
      ++faults[r.fault->substr(pos, comma - pos)];
      pos = comma + 1;
    }
  }
  for (const char* kind :
       {"status", "drop", "stall", "corrupt", "chunked_cut", "latency", "throttle"}) {
    EXPECT_GT(faults[kind], 0) << kind;
  }
  EXPECT_GT(c.statuses.count(503) ? c.statuses.at(503) : 0, 0u);
  EXPECT_GT(c.fin, 0u);
  EXPECT_GT(c.rst, 0u);
  EXPECT_GT(c.corrupt_bodies, 0u);
  EXPECT_GT(c.abandoned, 0u);
  EXPECT_EQ(c.responses + c.no_head + c.abandoned, c.sent);

  wait_connections_closed();
  EXPECT_EQ(server_->stats().connections_open, 0u);
}

// Heap in use (malloc's own count, not RSS, which also holds freed pages malloc keeps) after
// a warm-up round, then after five more; the log is cleared between rounds, so what it holds
// does not count. A leak of 32 bytes per request or 1 KiB per connection would exceed the
// bound.
TEST_F(SoakTest, MoreRoundsOfTheSameLoadDoNotGrowTheHeap) {
  if (sanitizer_allocator) {
    GTEST_SKIP() << "a sanitizer replaces malloc (mallinfo2 is not its count); "
                    "LeakSanitizer checks for leaks in the ASan build";
  }
  SCOPED_TRACE(replay());
  constexpr unsigned kClients = 40;
  constexpr std::uint64_t kRequests = 2000;
  constexpr int kRounds = 5;
  auto round = [&](unsigned n) {
    const HerdCounts c = run_round(kClients, kRequests, n);
    EXPECT_EQ(c.sent, kRequests) << to_json(c);
    EXPECT_EQ(c.wrong_answers, 0u) << to_json(c);
    EXPECT_EQ(log_with(c.sent).size(), c.sent) << "round " << n;
    server_->reset();
  };
  auto heap_in_use = [] {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
  };

  // Measured with no connection open: one still closing holds its buffers.
  round(0);
  wait_connections_closed();
  const std::size_t warm = heap_in_use();
  for (int n = 1; n <= kRounds; ++n) round(n);
  wait_connections_closed();
  const std::size_t after = heap_in_use();
  const std::uint64_t requests = kRequests * kRounds;
  RecordProperty("heap_after_warm_up", std::to_string(warm));
  RecordProperty("heap_after_rounds", std::to_string(after));
  EXPECT_LT(after, warm + requests * 32) << "heap in use grew from " << warm << " to " << after
                                         << " bytes over " << requests << " requests";
  EXPECT_EQ(log_file_lines(requests + kRequests), requests + kRequests);
}

}  // namespace
}  // namespace sisyphus::testing
