// server.max_active and server.outages over loopback (docs/server.md, "Overload and
// outages"): exactly K transfers at once, the rest answered as configured; outage windows to
// the millisecond of the time scale, transfers in flight killed as `how` says.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 32 * 1024;

// 10 GETs at once on 10 connections, then each one's answer.
std::vector<HttpResponse> ten_at_once(std::uint16_t port) {
  std::vector<RawClient> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(RawClient::connect("127.0.0.1", port));
  for (auto& c : clients) c.send(request("GET", "/file"));
  std::vector<HttpResponse> out;
  for (auto& c : clients) out.push_back(c.read_response());
  return out;
}

TEST_F(ServerTest, MaxActiveLetsExactlyKTransfersThroughAndAnswersTheRestAsConfigured) {
  // 32 KiB at 16 KiB/s: each admitted transfer lasts 2 s, far longer than 10 arrivals take.
  start(
      "name: herd\nresource: {size: 32KiB, seed: 4}\n"
      "server: {max_active: 3, over_capacity: {status: 503, retry_after: 2s}}\n"
      "faults:\n  - throttle: {rate: 16KiB/s}\n");
  const std::vector<HttpResponse> answers = ten_at_once(port());
  int whole = 0;
  int turned_away = 0;
  for (const auto& r : answers) {
    ASSERT_EQ(r.end, End::complete);
    if (r.status == 200) {
      ++whole;
      EXPECT_EQ(r.body, content_bytes(4, 0, kSize));
    } else {
      ++turned_away;
      EXPECT_EQ(r.status, 503);
      EXPECT_EQ(r.header("Retry-After"), "2");
      EXPECT_EQ(r.body, "503 Service Unavailable\n");
    }
  }
  EXPECT_EQ(whole, 3);
  EXPECT_EQ(turned_away, 7);

  const auto log = by_attempt(log_with(10));
  ASSERT_EQ(log.size(), 10u);
  int over = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].attempt, i + 1);  // turned away requests are attempts too
    if (log[i].fault == "over_capacity") {
      ++over;
      EXPECT_EQ(log[i].status, 503);
      EXPECT_EQ(log[i].error, "over capacity: 3 transfers active (max_active)");
    } else {
      EXPECT_EQ(log[i].status, 200);
      EXPECT_EQ(log[i].bytes_sent, kSize);
    }
  }
  EXPECT_EQ(over, 7);
  const proxy::Stats stats = server_->stats();
  EXPECT_EQ(stats.over_capacity, 7u);
  EXPECT_EQ(stats.peak_active, 3u);
  EXPECT_EQ(stats.active, 0u);
}

// The slot goes back when the last byte is written, not when its delivery is confirmed (a
// poll of the send queue, a millisecond or more later): a client that read the whole
// response and asks again at once is not turned away by its own previous transfer.
TEST_F(ServerTest, MaxActiveFreesTheSlotWhenTheTransferEnds) {
  start("name: herd\nresource: {size: 64KiB}\nserver: {max_active: 1}\n");
  for (int i = 0; i < 50; ++i) ASSERT_EQ(get("/file").status, 200) << "GET " << i + 1;
  EXPECT_EQ(server_->stats().over_capacity, 0u);
  EXPECT_EQ(server_->stats().peak_active, 1u);
}

TEST_F(ServerTest, OverCapacityRefuseClosesWithoutAResponse) {
  start(
      "name: herd\nresource: {size: 32KiB}\n"
      "server: {max_active: 1, over_capacity: refuse}\n"
      "faults:\n  - throttle: {rate: 8KiB/s}\n");
  RawClient holder = connect();
  holder.send(request("GET", "/file"));
  holder.read_head_only();  // the one transfer is under way
  RawClient late = connect();
  late.send(request("GET", "/file"));
  std::string extra;
  EXPECT_EQ(late.wait_close(2s, &extra), End::fin);
  EXPECT_EQ(extra, "");
  const auto log = log_with(1);
  ASSERT_GE(log.size(), 1u);
  EXPECT_EQ(log[0].attempt, 2u);
  EXPECT_EQ(log[0].status, 0);
  EXPECT_EQ(log[0].fault, "over_capacity");
  EXPECT_EQ(server_->stats().over_capacity, 1u);
}

// Time scale 0.1: an outage at 2s for 3s is down from 200 ms to 500 ms.
class OutageTest : public ServerTest {
 protected:
  void start_outage(std::string_view how) {
    proxy::ServerOptions options;
    options.time_scale = TimeScale(0.1);
    // Attempt 1 is slow (1 MiB at 256 KiB/s, x10 under the time scale: ~400 ms), in flight
    // at 200 ms; the others are clean.
    start(fmt::format("name: outage\nresource: {{size: 1MiB, seed: 5}}\n"
                      "server: {{outages: [{{at: 2s, for: 3s, how: {}}}]}}\n"
                      "attempts:\n  - throttle: {{rate: 256KiB/s}}\n",
                      how),
          options);
    server_->reset();  // the clock of the windows starts now
    t0_ = Clock::now();
  }
  void sleep_until_ms(int ms) {
    std::this_thread::sleep_until(t0_ + std::chrono::milliseconds(ms));
  }
  HttpResponse small_get() { return get("/file", {{"Range", "bytes=0-999"}}); }

  Clock::time_point t0_;
};

TEST_F(OutageTest, ResetKillsTheTransferInFlightWithRstAndRefusesUntilTheEnd) {
  start_outage("reset");
  RawClient slow = connect();
  slow.send(request("GET", "/file"));  // 1 MiB at 2.5 MiB/s scaled: ~400 ms, in flight at 200
  sleep_until_ms(150);
  const HttpResponse before = small_get();
  EXPECT_EQ(before.status, 206);
  EXPECT_EQ(before.body, content_bytes(5, 0, 1000));
  const HttpResponse cut = slow.read_response();
  EXPECT_EQ(cut.status, 200);
  EXPECT_EQ(cut.end, End::rst);
  EXPECT_LT(cut.body.size(), 1u << 20);
  EXPECT_GE(cut.done_at - t0_, 200ms);
  EXPECT_LT(cut.done_at - t0_, 300ms);

  sleep_until_ms(250);
  RawClient during = connect();
  during.send(request("GET", "/file", {{"Range", "bytes=0-999"}}));
  std::string extra;
  EXPECT_EQ(during.wait_close(2s, &extra), End::rst);
  EXPECT_EQ(extra, "");

  sleep_until_ms(550);
  const HttpResponse after = small_get();
  EXPECT_EQ(after.status, 206);
  EXPECT_EQ(after.body, content_bytes(5, 0, 1000));

  const auto log = by_attempt(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].fault, "throttle,outage");
  EXPECT_EQ(log[0].error, "outage: the server went down with the response in flight");
  EXPECT_EQ(log[1].fault, std::nullopt);
  EXPECT_EQ(log[2].fault, "outage");
  EXPECT_EQ(log[2].status, 0);
  EXPECT_EQ(log[2].error, "outage: the server is down from 2s for 3s");
  EXPECT_GE(log[2].t, 0.2);
  EXPECT_LT(log[2].t, 0.5);
  EXPECT_EQ(log[3].fault, std::nullopt);
  EXPECT_EQ(log[3].status, 206);
}

TEST_F(OutageTest, RefuseClosesTheTransferInFlightAndNewRequestsWithFin) {
  start_outage("refuse");
  RawClient slow = connect();
  slow.send(request("GET", "/file"));
  const HttpResponse cut = slow.read_response();
  EXPECT_EQ(cut.end, End::fin);
  EXPECT_LT(cut.body.size(), 1u << 20);
  EXPECT_GE(cut.done_at - t0_, 200ms);
  sleep_until_ms(300);
  RawClient during = connect();
  during.send(request("GET", "/file"));
  std::string extra;
  EXPECT_EQ(during.wait_close(2s, &extra), End::fin);
  EXPECT_EQ(extra, "");
  const auto log = by_attempt(log_with(2));
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].fault, "throttle,outage");
  EXPECT_EQ(log[1].fault, "outage");
}

TEST_F(OutageTest, Unavailable503ClosesInFlightAndAnswers503UntilTheEnd) {
  start_outage("503");
  RawClient slow = connect();
  slow.send(request("GET", "/file"));
  const HttpResponse cut = slow.read_response();
  EXPECT_EQ(cut.end, End::fin);
  sleep_until_ms(450);
  const HttpResponse during = small_get();
  EXPECT_EQ(during.status, 503);
  EXPECT_EQ(during.body, "503 Service Unavailable\n");
  sleep_until_ms(510);
  EXPECT_EQ(small_get().status, 206);
  const auto log = by_attempt(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].status, 503);
  EXPECT_EQ(log[1].fault, "outage");
  EXPECT_EQ(log[2].status, 206);
}

}  // namespace
}  // namespace sisyphus::testing
