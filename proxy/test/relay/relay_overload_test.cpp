// server.max_active and server.outages through `sisyphus proxy` (docs/server.md, "Overload
// and outages"): the proxy admits and kills relayed transfers as the origin does its own.
#include <thread>

#include "relay_fixture.hpp"

namespace sisyphus::testing {
namespace {

TEST_F(RelayTest, MaxActiveRelaysExactlyKTransfersAndAnswersTheRest) {
  // 8 MiB at 4 MiB/s: each relayed transfer lasts 2 s.
  start(
      "name: relay-herd\nresource: {path: /file.bin}\n"
      "server: {max_active: 3, over_capacity: {status: 429, retry_after: 3s}}\n"
      "faults:\n  - throttle: {rate: 4MiB/s}\n");
  std::vector<RawClient> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(connect());
  for (auto& c : clients) c.send(request("GET", "/file.bin"));
  int whole = 0;
  int turned_away = 0;
  for (auto& c : clients) {
    const HttpResponse r = c.read_response();
    ASSERT_EQ(r.end, End::complete);
    if (r.status == 200) {
      ++whole;
      EXPECT_EQ(r.body.size(), kFileSize);
    } else {
      ++turned_away;
      EXPECT_EQ(r.status, 429);
      EXPECT_EQ(r.header("Retry-After"), "3");
    }
  }
  EXPECT_EQ(whole, 3);
  EXPECT_EQ(turned_away, 7);
  const auto log = log_with(10);
  EXPECT_EQ(log.size(), 10u);
  const proxy::Stats stats = proxy_->stats();
  EXPECT_EQ(stats.over_capacity, 7u);
  EXPECT_EQ(stats.peak_active, 3u);
}

TEST_F(RelayTest, OutageResetKillsTheRelayedTransferAndRefusesUntilItsEnd) {
  proxy::ServerOptions options;
  options.time_scale = TimeScale(0.1);  // down from 200 ms to 500 ms
  start(
      "name: relay-outage\nresource: {path: /file.bin}\n"
      "server: {outages: [{at: 2s, for: 3s, how: reset}]}\n"
      "attempts:\n  - throttle: {rate: 1MiB/s}\n",  // x10: 8 MiB in ~800 ms
      options);
  proxy_->reset();
  const auto t0 = Clock::now();
  RawClient slow = connect();
  slow.send(request("GET", "/file.bin"));
  const HttpResponse cut = slow.read_response();
  EXPECT_EQ(cut.end, End::rst);
  EXPECT_LT(cut.body.size(), kFileSize);
  EXPECT_GE(cut.done_at - t0, 200ms);
  std::this_thread::sleep_until(t0 + 300ms);
  RawClient during = connect();
  during.send(request("GET", "/file.bin"));
  EXPECT_EQ(during.wait_close(2s), End::rst);
  std::this_thread::sleep_until(t0 + 550ms);
  const HttpResponse after = get("/file.bin", {{"Range", "bytes=0-999"}});
  EXPECT_EQ(after.status, 206);
  EXPECT_EQ(after.body, file_bytes(0, 1000));
  const auto log = by_attempt(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].fault, "throttle,outage");
  EXPECT_EQ(log[1].fault, "outage");
  EXPECT_EQ(log[2].fault, std::nullopt);
}

}  // namespace
}  // namespace sisyphus::testing
