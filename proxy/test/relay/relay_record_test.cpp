// `sisyphus proxy --record` (ServerOptions::record): a scripted sisyphus origin plays the real
// upstream (a cut with FIN, a 503 with Retry-After, a cut with RST, a new version, a Range
// ignored); the same requests go through a recording proxy; the recorded scenario, served
// again, gives those requests the same answers: statuses, ranges and body bytes per attempt.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sisyphus/core/error.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kOrigin = R"(name: flaky-origin
seed: 3
resource: {size: 1MiB, seed: 9}
attempts:
  - drop: {at: 50%, how: close}
  - status: {code: 503, retry_after: 1s}
  - drop: {at: 75%, how: reset}
  - {}
  - no_range: {}
changes:
  - before_attempt: 4
)";

// The requests of the client being recorded, in order, each on its own connection.
const std::vector<Headers> kRequests = {
    {},
    {{"Range", "bytes=524288-"}},
    {{"Range", "bytes=524288-"}},
    {{"Range", "bytes=786432-"}},
    {{"Range", "bytes=0-"}},
};

// What one answer looked like to the client: status, ETag and body bytes received.
struct Seen {
  int status = 0;
  std::string etag;
  std::size_t body = 0;
};

std::vector<Seen> play(std::uint16_t port) {
  std::vector<Seen> seen;
  for (auto headers : kRequests) {
    headers.emplace_back("Connection", "close");
    RawClient c = RawClient::connect("127.0.0.1", port);
    c.send(request("GET", "/file", headers));
    const std::string head = c.read_head_only(5s);
    std::string body;
    c.wait_close(5s, &body);
    Seen s;
    s.status = std::stoi(head.substr(9, 3));
    if (const auto at = head.find("ETag: "); at != std::string::npos) {
      s.etag = head.substr(at + 6, head.find("\r\n", at) - at - 6);
    }
    s.body = body.size();
    seen.push_back(s);
  }
  return seen;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RelayRecord, TheRecordedScenarioReplaysWhatTheUpstreamDid) {
  TempDir dir;
  proxy::Server origin({}, scenario_from(kOrigin));
  origin.start();
  const std::vector<Seen> direct = [&] {
    // What the client sees from the origin itself (its counters reset after).
    auto seen = play(origin.port());
    origin.reset();
    return seen;
  }();

  const auto recording = dir.path() / "recorded.yaml";
  {
    proxy::ServerOptions options;
    options.upstream = origin.base_url();
    options.record = recording;
    proxy::Server relay(std::move(options),
                        proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    relay.start();
    const auto relayed = play(relay.port());
    ASSERT_EQ(relayed.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) {
      EXPECT_EQ(relayed[i].status, direct[i].status) << "attempt " << i + 1;
      EXPECT_EQ(relayed[i].body, direct[i].body) << "attempt " << i + 1;
    }
    relay.stop();
    EXPECT_EQ(relay.record_error(), "");
  }
  const std::string yaml = read_text(recording);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("drop: {after: 524288, how: close}"), std::string::npos);
  EXPECT_NE(yaml.find("status: {code: 503, retry_after: 1s}"), std::string::npos);
  EXPECT_NE(yaml.find("drop: {after: 262144, how: reset}"), std::string::npos);
  EXPECT_NE(yaml.find("no_range: {}"), std::string::npos);
  EXPECT_NE(yaml.find("before_attempt: 4"), std::string::npos);

  // Served again: the same answers to the same requests.
  proxy::Server replay({}, proxy::load_scenario_file(recording));
  replay.start();
  const auto replayed = play(replay.port());
  ASSERT_EQ(replayed.size(), direct.size());
  for (std::size_t i = 0; i < direct.size(); ++i) {
    EXPECT_EQ(replayed[i].status, direct[i].status) << "attempt " << i + 1;
    EXPECT_EQ(replayed[i].body, direct[i].body) << "attempt " << i + 1;
  }
  // The version changed where the origin's did, and only there.
  EXPECT_EQ(replayed[2].etag, replayed[0].etag);
  EXPECT_NE(replayed[3].etag, replayed[2].etag);
  EXPECT_EQ(replayed[4].etag, replayed[3].etag);
}

TEST(RelayRecord, ARecordingWithNoGetSaysSoAndAnUnwritablePathFailsAtOnce) {
  TempDir dir;
  proxy::Server origin({}, scenario_from("name: o\nresource: {size: 1KiB}\n"));
  origin.start();
  proxy::ServerOptions options;
  options.upstream = origin.base_url();
  options.record = dir.path() / "none.yaml";
  {
    proxy::Server relay(options, proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    relay.start();
    relay.stop();
    EXPECT_NE(relay.record_error().find("no GET was relayed"), std::string::npos)
        << relay.record_error();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "none.yaml"));

  options.record = dir.path() / "no-such-dir" / "x.yaml";
  try {
    proxy::Server relay(options, proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    FAIL() << "a recording into a missing directory was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write there"), std::string::npos) << e.what();
  }
}

TEST(RelayRecord, ASlowBodyIsRecordedAsTheRateItCameAt) {
  TempDir dir;
  // 384 KiB at 256 KiB/s: 1.5 s of body.
  proxy::Server origin({}, scenario_from("name: slow\nresource: {size: 384KiB, seed: 2}\n"
                                         "faults:\n  - throttle: {rate: 256KiB/s}\n"));
  origin.start();
  proxy::ServerOptions options;
  options.upstream = origin.base_url();
  options.record = dir.path() / "slow.yaml";
  proxy::Server relay(std::move(options),
                      proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
  relay.start();
  const HttpResponse r = fetch("127.0.0.1", relay.port(), "GET", "/file");
  EXPECT_EQ(r.body.size(), 384u * 1024);
  relay.stop();
  ASSERT_EQ(relay.record_error(), "");
  const std::string yaml = read_text(dir.path() / "slow.yaml");
  const auto at = yaml.find("throttle: {rate: ");
  ASSERT_NE(at, std::string::npos) << yaml;
  const double kib_per_s = std::stod(yaml.substr(at + 17));
  // The throttle's first slice goes at once, so the measured rate is a little above it; a
  // loaded machine only makes it slower (the bound below is loose on purpose).
  EXPECT_GE(kib_per_s, 128) << yaml;
  EXPECT_LE(kib_per_s, 360) << yaml;
  EXPECT_NE(proxy::load_scenario_file(dir.path() / "slow.yaml").name, "");
}

// The proxy's own answers (no upstream answer to relay) are what the client saw: a 502 when
// the upstream refuses the connection, a 504 when its head is late, recorded as statuses with
// a comment saying the proxy made them.
TEST(RelayRecord, TheProxysOwn502And504AreRecordedAsWhatTheClientSaw) {
  TempDir dir;
  auto origin = std::make_unique<proxy::Server>(proxy::ServerOptions{},
                                                scenario_from("name: o\nresource: {size: 4KiB}\n"));
  origin->start();
  const std::uint16_t origin_port = origin->port();
  proxy::ServerOptions options;
  options.upstream = origin->base_url();
  options.record = dir.path() / "own.yaml";
  options.upstream_timeout = 300ms;
  proxy::Server relay(std::move(options),
                      proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
  relay.start();
  EXPECT_EQ(fetch("127.0.0.1", relay.port(), "GET", "/file").status, 200);
  origin->stop();  // refused from now on
  EXPECT_EQ(fetch("127.0.0.1", relay.port(), "GET", "/file").status, 502);
  proxy::ServerOptions again;
  again.listen = fmt::format("127.0.0.1:{}", origin_port);
  origin = std::make_unique<proxy::Server>(
      again, scenario_from("name: o\nresource: {size: 4KiB}\nfaults:\n"
                           "  - latency: {first_byte: 2s}\n"));
  origin->start();
  EXPECT_EQ(fetch("127.0.0.1", relay.port(), "GET", "/file").status, 504);
  relay.stop();
  ASSERT_EQ(relay.record_error(), "");
  const std::string yaml = read_text(dir.path() / "own.yaml");
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("  - {}  # attempt 1: 200"), std::string::npos);
  EXPECT_NE(yaml.find("  - {status: {code: 502}}  # attempt 2: 502 made by this proxy, not the "
                      "upstream (upstream http://127.0.0.1:"),
            std::string::npos);
  // The 504 came after the upstream timeout: the client waited that long for it.
  EXPECT_NE(yaml.find("  - {status: {code: 504}, latency: {first_byte: "), std::string::npos);
  EXPECT_NE(yaml.find("# attempt 3: 504 made by this proxy, not the upstream"), std::string::npos);
  EXPECT_NE(yaml.find("resource: {path: /file, size: 4096}"), std::string::npos);
  EXPECT_EQ(proxy::load_scenario_file(dir.path() / "own.yaml").attempts.size(), 3u);
}

// Under `expect:` the recording says what it can tell of the client: here that it resumed
// across a version change without If-Range (so it spliced two versions) and never got the
// new version's first half.
TEST(RelayRecord, TheExpectNotesSayWhatTheRecordingTellsOfTheClient) {
  TempDir dir;
  proxy::Server origin({}, scenario_from("name: o\nresource: {size: 4KiB}\nattempts:\n"
                                         "  - drop: {after: 2048, how: close}\n"
                                         "changes:\n  - before_attempt: 2\n"));
  origin.start();
  proxy::ServerOptions options;
  options.upstream = origin.base_url();
  options.record = dir.path() / "splice.yaml";
  proxy::Server relay(std::move(options),
                      proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
  relay.start();
  const HttpResponse cut = fetch("127.0.0.1", relay.port(), "GET", "/file");
  EXPECT_EQ(cut.status, 200);
  const HttpResponse resumed =
      fetch("127.0.0.1", relay.port(), "GET", "/file", {{"Range", "bytes=2048-"}});
  EXPECT_EQ(resumed.status, 206);
  EXPECT_EQ(resumed.body.size(), 2048u);
  relay.stop();
  ASSERT_EQ(relay.record_error(), "");
  const std::string old_etag = cut.header("ETag").value_or("");
  const std::string new_etag = resumed.header("ETag").value_or("");
  ASSERT_NE(old_etag, new_etag);
  const std::string yaml = read_text(dir.path() / "splice.yaml");
  SCOPED_TRACE(yaml);
  EXPECT_NE(
      yaml.find(fmt::format(
          "expect:  # what the client needed: the whole, current file\n"
          "  verdict: ok\n"
          "  # What this recording tells of the recorded client:\n"
          "  # - it did not get the whole current file ({}) through this proxy: bytes 0-2047\n"
          "  #   never came (its last GET, attempt 2: 206, 2048 of 2048 body bytes). It stopped "
          "(gave up, failed, or\n"
          "  #   was stopped) short of `verdict: ok`: a client that resumes to the end passes.\n"
          "  # - attempt 2 resumed at byte 2048 without If-Range and got another version ({}\n"
          "  #   after {}): unless it compared the validators itself, it spliced two versions\n"
          "  #   (a `corrupt` or `failed-dirty` verdict).\n",
          new_etag, new_etag, old_etag)),
      std::string::npos);
  EXPECT_EQ(proxy::load_scenario_file(dir.path() / "splice.yaml").attempts.size(), 2u);
}

}  // namespace
}  // namespace sisyphus::testing
