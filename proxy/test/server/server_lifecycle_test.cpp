// Server start/stop (also under a stream of connections), the request log as JSON lines (file and
// parser), set_scenario, reset.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = "name: life\nresource: {size: 1000, seed: 2}\n";

TEST(LogRecordJson, RoundTripsEveryField) {
  proxy::LogRecord r;
  r.t = 1.25;
  r.path = "/file \"quoted\"\n";
  r.attempt = 3;
  r.method = "GET";
  r.range = "bytes=0-99";
  r.if_range = "\"1-3e8\"";
  r.status = 206;
  r.bytes_sent = 100;
  r.fault = "drop,latency";
  r.content_seed = 18446744073709551615ull;
  r.connection = 7;
  r.duration_s = 0.5;
  r.error = "connection reset by peer";
  const std::string line = proxy::to_json_line(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  proxy::LogRecord back = proxy::log_record_from_json(line);
  EXPECT_EQ(back.t, 1.25);
  EXPECT_EQ(back.path, r.path);
  EXPECT_EQ(back.attempt, 3u);
  EXPECT_EQ(back.method, "GET");
  EXPECT_EQ(back.range, r.range);
  EXPECT_EQ(back.if_range, r.if_range);
  EXPECT_EQ(back.status, 206);
  EXPECT_EQ(back.bytes_sent, 100u);
  EXPECT_EQ(back.fault, r.fault);
  EXPECT_EQ(back.content_seed, r.content_seed);
  EXPECT_EQ(back.connection, 7u);
  EXPECT_EQ(back.duration_s, 0.5);
  EXPECT_EQ(back.error, r.error);
  EXPECT_EQ(back.protocol, "http/1.1");
  EXPECT_EQ(back.stream, std::nullopt);
  r.protocol = "h2";
  r.stream = 4294967295u;
  const std::string h2 = proxy::to_json_line(r);
  EXPECT_NE(h2.find("\"connection\":7,\"protocol\":\"h2\",\"stream\":4294967295,"),
            std::string::npos)
      << h2;
  EXPECT_EQ(proxy::log_record_from_json(h2).protocol, "h2");
  EXPECT_EQ(proxy::log_record_from_json(h2).stream, 4294967295u);

  proxy::LogRecord empty;
  const std::string nulls = proxy::to_json_line(empty);
  EXPECT_NE(nulls.find("\"range\":null"), std::string::npos);
  EXPECT_NE(nulls.find("\"fault\":null"), std::string::npos);
  EXPECT_FALSE(proxy::log_record_from_json(nulls).fault.has_value());
}

TEST(LogRecordJson, ListsFaultMatchesWholeKindsOfTheCommaSeparatedList) {
  proxy::LogRecord r;
  EXPECT_FALSE(proxy::lists_fault(r, proxy::kOverCapacityFault));
  r.fault = "throttle,over_capacity";
  EXPECT_TRUE(proxy::lists_fault(r, "throttle"));
  EXPECT_TRUE(proxy::lists_fault(r, proxy::kOverCapacityFault));
  EXPECT_FALSE(proxy::lists_fault(r, "over"));
  EXPECT_FALSE(proxy::lists_fault(r, "capacity"));
  r.fault = "outage";
  EXPECT_TRUE(proxy::lists_fault(r, proxy::kOutageFault));
  EXPECT_FALSE(proxy::lists_fault(r, proxy::kOverCapacityFault));
}

TEST(LogRecordJson, BadLinesAreErrorsNamingTheProblem) {
  auto error_of = [](std::string_view line) {
    try {
      proxy::log_record_from_json(line);
    } catch (const ParseError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("{").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1]").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(error_of(R"({"t": 1})").find("missing field 'path'"), std::string::npos);
  EXPECT_NE(
      error_of(R"({"t":1,"path":"/","attempt":-1,"method":"GET","status":200,"bytes_sent":0})")
          .find("'attempt' must be a non-negative integer"),
      std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"t":1,"path":"/","attempt":1,"method":"GET","status":200,"bytes_sent":0,"fault":3})")
          .find("'fault' must be a string or null"),
      std::string::npos);
}

TEST(ServerLifecycle, LogFileGetsOneFlushedLinePerRequest) {
  const TempDir dir("log-test");
  const fs::path file = dir / "log.jsonl";
  proxy::ServerOptions options;
  options.log_file = file;
  proxy::Server server(options, scenario_from(kScenario));
  server.start();
  fetch("127.0.0.1", server.port(), "GET", "/file");
  fetch("127.0.0.1", server.port(), "GET", "/file", {{"Range", "bytes=1-2"}});
  auto deadline = Clock::now() + 5s;
  while (server.log().size() < 2 && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  // Readable while the server runs: each line is flushed as it is written.
  std::ifstream in(file);
  std::string line;
  std::vector<proxy::LogRecord> records;
  while (std::getline(in, line)) records.push_back(proxy::log_record_from_json(line));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].bytes_sent, 1000u);
  EXPECT_EQ(records[1].range, "bytes=1-2");
  EXPECT_EQ(records[1].attempt, 2u);
  server.stop();
}

TEST(ServerLifecycle, StopIsIdempotentAndEndsOpenConnections) {
  proxy::Server server({}, scenario_from(R"(
name: stall
resource: {size: 100000, seed: 2}
attempts:
  - drop: {at: 5000, how: stall, for: 60s}
)"));
  server.start();
  RawClient c = RawClient::connect("127.0.0.1", server.port());
  c.send(request("GET", "/file"));
  HttpResponse r = c.read_response(false, 300ms);
  EXPECT_EQ(r.end, End::timeout);  // stalled after 5000 bytes
  EXPECT_EQ(r.body.size(), 5000u);
  EXPECT_EQ(server.stats().connections_open, 1u);
  const auto t0 = Clock::now();
  server.stop();
  EXPECT_LT(Clock::now() - t0, 2s);  // the 60 s stall does not hold stop() up
  EXPECT_NE(c.wait_close(2s), End::timeout);
  server.stop();
  EXPECT_EQ(server.stats().connections_open, 0u);
  EXPECT_THROW(RawClient::connect("127.0.0.1", server.port(), 500ms), std::runtime_error);
}

// Issue 11, defect 6: stop() closed an acceptor while accept_loop, on an io thread, was using
// it. Under ThreadSanitizer (scripts/tsan, docs/sanitizers.md) this is the test that reports
// such a race. In every build it stops servers in the middle of a stream of connections to
// both listeners, some of them in the middle of a request head: stop() must end every
// connection it accepted without waiting for its 2 s give-up (one accepted after abort_all()
// had looked would wait for it), listen no more, and every response a client got in full is
// exact. (The partial heads are sent so that a connection the kernel dropped while the
// listener closed learns it by a reset: an idle client would never hear of it.)
TEST(ServerLifecycle, StartsAndStopsManyTimesWhileClientsConnect) {
  constexpr int kRounds = 30;
  enum class Role { admin, file, partial };
  constexpr Role kRoles[] = {Role::admin, Role::file, Role::file, Role::partial, Role::partial};
  constexpr int kAnswersBeforeStop = 6;
  constexpr std::size_t kHeld = 8;  // per partial client, the oldest is let go
  const std::string file = content_bytes(2, 0, 64 * 1024);
  proxy::ServerOptions options;
  options.threads = 3;
  options.admin = "127.0.0.1:0";
  for (int round = 0; round < kRounds; ++round) {
    proxy::Server server(options, scenario_from("name: churn\nresource: {size: 65536, seed: 2}\n"));
    server.start();
    const std::uint16_t port = server.port();
    const std::uint16_t admin_port = server.admin_port();
    std::atomic<bool> done{false};
    std::atomic<int> complete{0};
    std::atomic<int> wrong{0};
    std::vector<std::vector<RawClient>> held(std::size(kRoles));
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < std::size(kRoles); ++i) {
      clients.emplace_back([&, role = kRoles[i], &mine = held[i]] {
        while (!done) {
          try {
            RawClient c =
                RawClient::connect("127.0.0.1", role == Role::admin ? admin_port : port, 1s);
            if (role == Role::partial) {
              c.send("GET /file HTTP/1.1\r\n");
              if (mine.size() == kHeld) mine.erase(mine.begin());
              mine.push_back(std::move(c));
              continue;
            }
            c.send(request("GET", role == Role::admin ? "/v1/stats" : "/file"));
            const HttpResponse r = c.read_response(false, 2s);
            if (r.end != End::complete) continue;  // cut short by stop()
            ++complete;
            if (r.status != 200 || (role == Role::file && r.body != file)) ++wrong;
          } catch (const std::runtime_error&) {
            // Refused or reset: stop() closed the listener or the connection.
          }
        }
      });
    }
    // Stop once answers flow, so that the acceptors close between and during accepts.
    const auto flowing = Clock::now() + 10s;
    while (complete < kAnswersBeforeStop && Clock::now() < flowing) {
      std::this_thread::sleep_for(1ms);
    }
    const auto t0 = Clock::now();
    server.stop();
    const auto took = Clock::now() - t0;
    done = true;
    for (auto& t : clients) t.join();
    EXPECT_LT(took, 2s) << "round " << round << ": stop() waited for a connection it never aborted";
    EXPECT_GE(complete, kAnswersBeforeStop) << "round " << round;
    EXPECT_EQ(wrong, 0) << "round " << round;
    for (auto& mine : held) {
      for (RawClient& c : mine) EXPECT_NE(c.wait_close(1s), End::timeout) << "round " << round;
    }
    EXPECT_THROW(RawClient::connect("127.0.0.1", port, 500ms), std::runtime_error);
    EXPECT_THROW(RawClient::connect("127.0.0.1", admin_port, 500ms), std::runtime_error);
  }
}

TEST(ServerLifecycle, DestructorStopsAndStartErrorsAreClear) {
  std::uint16_t port = 0;
  {
    proxy::Server server({}, scenario_from(kScenario));
    server.start();
    port = server.port();
    proxy::ServerOptions same;
    same.listen = fmt::format("127.0.0.1:{}", port);
    proxy::Server clash(same, scenario_from(kScenario));
    try {
      clash.start();
      ADD_FAILURE() << "two servers on one port";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(fmt::format("cannot listen on 127.0.0.1:{}", port)),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(RawClient::connect("127.0.0.1", port, 500ms), std::runtime_error);

  for (std::string bad : {"localhost:80", "127.0.0.1", "127.0.0.1:99999", "[::1]:x"}) {
    proxy::ServerOptions options;
    options.listen = bad;
    proxy::Server server(options, scenario_from(kScenario));
    EXPECT_THROW(server.start(), ParseError) << bad;
  }
}

TEST(ServerLifecycle, SetScenarioAndResetRestartCountersAndClock) {
  proxy::Server server({}, scenario_from(kScenario));
  server.start();
  fetch("127.0.0.1", server.port(), "GET", "/file");
  fetch("127.0.0.1", server.port(), "GET", "/file");
  EXPECT_EQ(server.stats().requests, 2u);
  EXPECT_EQ(server.stats().bytes_sent, 2000u);
  server.reset();
  EXPECT_EQ(server.stats().requests, 0u);
  EXPECT_TRUE(server.log().empty());
  fetch("127.0.0.1", server.port(), "GET", "/file");
  auto deadline = Clock::now() + 5s;
  while (server.log().empty() && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(server.log().size(), 1u);
  EXPECT_EQ(server.log()[0].attempt, 1u);
  EXPECT_LT(server.log()[0].t, 1.0);

  server.set_scenario(scenario_from("name: other\nresource: {path: /x, size: 5, seed: 6}\n"));
  EXPECT_TRUE(server.log().empty());
  EXPECT_EQ(server.url(), fmt::format("http://127.0.0.1:{}/x", server.port()));
  HttpResponse r = fetch("127.0.0.1", server.port(), "GET", "/x");
  EXPECT_TRUE(same_bytes(r.body, content_bytes(6, 0, 5)));
}

}  // namespace
}  // namespace sisyphus::testing
