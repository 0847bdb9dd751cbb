// A herd opened at once is all accepted and served: 2,000 connections opened within 200 ms
// against a server that is busy pacing throttled bodies to the first of them. The accept loop
// once took one socket per wake-up and waited behind every write of its thread, so a herd
// overflowed the listen queue and its clients were reset (docs/server.md "Holding a herd").
// Bounded time, no timed assertion: every client must be answered and read to the end.
#include <gtest/gtest.h>

#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/slow_readers.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

constexpr unsigned kConnections = 2000;
constexpr std::uint64_t kSize = 32 * 1024;  // 1 s at the throttle's rate

TEST_F(ServerTest, AHerdOpenedAtOnceIsAllAcceptedAndServedWithoutAReset) {
  // Each connection costs the test two descriptors (client and server side).
  if (raise_open_files_limit(2 * kConnections + 256) < 2 * kConnections + 256) {
    GTEST_SKIP() << "the open-files limit is below " << 2 * kConnections + 256;
  }
  start(scenario_yaml("herd", "size: " + std::to_string(kSize) + ", seed: 7",
                      "faults:\n  - throttle: {rate: 32KiB/s}\n"));
  SlowReadersOptions o;
  o.port = port();
  o.path = "/file";
  o.connections = kConnections;
  o.open_within = 200ms;
  o.read_rate = 0;  // the server's throttle paces them
  o.hold = 60s;     // a bound: the herd ends as soon as every response is complete
  const SlowReadersCounts c = run_slow_readers(o);
  EXPECT_EQ(c.resets, 0u) << to_json(c);
  EXPECT_EQ(c.connect_failed, 0u) << to_json(c);
  EXPECT_EQ(c.answered, kConnections) << to_json(c);
  EXPECT_EQ(c.not_ok, 0u) << to_json(c);
  EXPECT_EQ(c.complete, kConnections) << to_json(c);
  EXPECT_EQ(c.stalled, 0u) << to_json(c);
  const auto log = log_with(kConnections);
  ASSERT_EQ(log.size(), kConnections);
  for (const auto& record : log) ASSERT_EQ(record.bytes_sent, kSize);
}

}  // namespace
}  // namespace sisyphus::testing
