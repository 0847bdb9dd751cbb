// `sisyphus proxy --record` with a real client (issue 19's round trip): the reference client
// (sisyphus::client) downloads through a recording proxy from a scripted sisyphus origin that
// cuts with a FIN, answers 503 with Retry-After, cuts with an RST, ignores Range once and
// changes its ETag; the recorded scenario, served again by a second proxy::Server, gives the
// same client the same request log: ranges, If-Range, statuses, outcomes and body bytes per
// attempt exactly, attempt start times within kStartTolerance.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sisyphus/client/download.hpp"
#include "sisyphus/core/sha256.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::uint64_t kSize = 1024 * 1024;
// Attempt starts differ by the loopback's and the scheduler's noise only: the waits between
// attempts (the Retry-After of 1 s) are the same in both runs, the rest is milliseconds of
// local transfer. 300 ms holds on a loaded two-core machine; a lost Retry-After (1 s) or an
// extra throttle would not fit in it.
constexpr auto kStartTolerance = 300ms;

// 1: 40 % then FIN. 2: 503, Retry-After: 1s. 3: the resumed body cut by an RST at 70 %.
// 4: Range ignored (a 200 from byte 0), cut at 25 %. 5: a new version: the stale If-Range
// gets the whole new file.
constexpr const char* kOrigin = R"(name: flaky-origin
seed: 3
resource: {size: 1MiB, seed: 9}
attempts:
  - drop: {at: 40%, how: close}
  - status: {code: 503, retry_after: 1s}
  - drop: {at: 70%, how: reset}
  - {no_range: {}, drop: {at: 25%, how: close}}
  - {}
changes:
  - before_attempt: 5
)";

client::Options client_options(const std::string& url, const fs::path& output) {
  client::Options o;
  o.url = url;
  o.output = output;
  o.max_attempts = 10;
  // No backoff of its own: the waits are the server's Retry-After (capped at 2 s).
  o.backoff = client::BackoffOptions{client::BackoffStrategy::none, 0ms, 2s, 1};
  o.connect_timeout = 2s;
  o.read_timeout = 5s;
  o.timeout = 25s;
  o.fsync = false;
  return o;
}

void expect_same_requests(const client::Result& recorded, const client::Result& replayed) {
  ASSERT_EQ(replayed.attempt_log.size(), recorded.attempt_log.size());
  for (std::size_t i = 0; i < recorded.attempt_log.size(); ++i) {
    const auto& a = recorded.attempt_log[i];
    const auto& b = replayed.attempt_log[i];
    SCOPED_TRACE(::testing::Message()
                 << "attempt " << a.number << ": " << a.detail << " / " << b.detail);
    EXPECT_EQ(b.range, a.range);
    EXPECT_EQ(b.if_range.has_value(), a.if_range.has_value());
    EXPECT_EQ(b.status, a.status);
    EXPECT_EQ(b.outcome, a.outcome);
    EXPECT_EQ(b.offset, a.offset);
    EXPECT_EQ(b.bytes, a.bytes);
    const auto gap = b.start > a.start ? b.start - a.start : a.start - b.start;
    EXPECT_LE(gap, kStartTolerance);
  }
  EXPECT_EQ(replayed.ok, recorded.ok);
  EXPECT_EQ(replayed.bytes_received, recorded.bytes_received);
}

TEST(RecordClient, TheReferenceClientMeetsTheRecordingAsItMetTheUpstream) {
  TempDir dir;
  proxy::Server origin({}, scenario_from(kOrigin));
  origin.start();
  const fs::path recording = dir.path() / "recorded.yaml";
  client::Result recorded;
  {
    proxy::ServerOptions options;
    options.upstream = origin.base_url();
    options.record = recording;
    proxy::Server relay(std::move(options),
                        proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    relay.start();
    recorded = client::download(client_options(relay.base_url() + "/file", dir.path() / "a.bin"));
    relay.stop();
    ASSERT_EQ(relay.record_error(), "");
  }
  // What the client met, to be sure the origin played its part.
  ASSERT_TRUE(recorded.ok) << recorded.error;
  ASSERT_EQ(recorded.attempt_log.size(), 5u);
  EXPECT_EQ(recorded.attempt_log[0].bytes, 419430u);
  EXPECT_EQ(recorded.attempt_log[1].status, 503);
  EXPECT_EQ(recorded.attempt_log[2].status, 206);
  EXPECT_EQ(recorded.attempt_log[2].bytes, 734003u - 419430u);
  EXPECT_EQ(recorded.attempt_log[3].status, 200);
  EXPECT_EQ(recorded.attempt_log[3].bytes, 262144u);
  EXPECT_EQ(recorded.attempt_log[4].status, 200);
  EXPECT_EQ(recorded.attempt_log[4].bytes, kSize);
  EXPECT_GE(recorded.attempt_log[2].start - recorded.attempt_log[1].start, 1s);

  const std::string yaml = read_file(recording);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("  - {drop: {after: 419430, how: close}}"), std::string::npos);
  EXPECT_NE(yaml.find("  - {status: {code: 503, retry_after: 1s}}"), std::string::npos);
  EXPECT_NE(yaml.find("  - {drop: {after: 314573, how: reset}}"), std::string::npos);
  EXPECT_NE(yaml.find("  - {no_range: {}, drop: {after: 262144, how: close}}"), std::string::npos);
  // The fifth 200 is If-Range's answer to a stale validator, not a Range ignored.
  EXPECT_NE(yaml.find("  - {}  # attempt 5: 200"), std::string::npos);
  EXPECT_NE(yaml.find("changes:  #"), std::string::npos);
  EXPECT_NE(yaml.find("  - before_attempt: 5\n"), std::string::npos);
  // What the recording tells of the client: it got all of the new version, in one answer,
  // and a 200 to a resume it could have appended.
  EXPECT_NE(yaml.find("  # - every byte of the current version ("), std::string::npos);
  EXPECT_NE(yaml.find(") came through this proxy, in 1 answer;\n"), std::string::npos);
  EXPECT_NE(yaml.find("  # - attempt 4 got a 200 (the whole file) to Range bytes=734003-: a "
                      "client that appended\n  #   it at byte 734003 wrote a corrupt file;"),
            std::string::npos);
  EXPECT_EQ(yaml.find("without If-Range"), std::string::npos);

  proxy::Server replay({}, proxy::load_scenario_file(recording));
  replay.start();
  const client::Result replayed =
      client::download(client_options(replay.url(), dir.path() / "b.bin"));
  expect_same_requests(recorded, replayed);
}

// Several paths (a file and its checksum): one resource each, with its own attempts.
TEST(RecordClient, SeveralPathsAreRecordedAsOneResourceEachAndReplayedSo) {
  TempDir dir;
  proxy::Server origin({}, scenario_from(R"(name: two-paths
resources:
  - id: file
    path: /app.bin
    size: 100000
    attempts:
      - drop: {at: 50%, how: close}
  - id: sum
    path: /app.bin.sha256
    text: "{sha256:file}  app.bin\n"
)"));
  origin.start();
  const fs::path recording = dir.path() / "recorded.yaml";
  client::Result file;
  client::Result sum;
  {
    proxy::ServerOptions options;
    options.upstream = origin.base_url();
    options.record = recording;
    proxy::Server relay(std::move(options),
                        proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    relay.start();
    file = client::download(client_options(relay.base_url() + "/app.bin", dir.path() / "a.bin"));
    sum = client::download(
        client_options(relay.base_url() + "/app.bin.sha256", dir.path() / "a.sha256"));
    relay.stop();
    ASSERT_EQ(relay.record_error(), "");
  }
  ASSERT_TRUE(file.ok) << file.error;
  ASSERT_TRUE(sum.ok) << sum.error;
  ASSERT_EQ(file.attempt_log.size(), 2u);

  const std::string yaml = read_file(recording);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("resources:\n  - id: app-bin\n    path: /app.bin\n    size: 100000\n"
                      "    attempts:\n      - {drop: {after: 50000, how: close}}  # attempt 1"),
            std::string::npos);
  EXPECT_NE(yaml.find("  - id: app-bin-sha256\n    path: /app.bin.sha256\n    size: 74\n"
                      "    attempts:\n      - {}  # attempt 1"),
            std::string::npos);
  EXPECT_NE(yaml.find("  verify: [app-bin, app-bin-sha256]"), std::string::npos);

  const model::Scenario recorded = proxy::load_scenario_file(recording);
  ASSERT_EQ(recorded.resources.size(), 2u);
  proxy::Server replay({}, recorded);
  replay.start();
  expect_same_requests(
      file, client::download(client_options(replay.base_url() + "/app.bin", dir.path() / "b.bin")));
  expect_same_requests(sum, client::download(client_options(replay.base_url() + "/app.bin.sha256",
                                                            dir.path() / "b.sha256")));
}

std::string sha256_of_file(const fs::path& file) {
  return to_hex(Sha256::of(read_file(file)));
}

// What a recording with --record-body gave: the reference client's result through it, the
// scenario's text, and a replay of it (a second proxy::Server serving the recorded bytes).
struct BodyRoundTrip {
  client::Result recorded;
  std::string yaml;
  client::Result replayed;
};

BodyRoundTrip round_trip_with_bytes(const TempDir& dir, const char* origin_yaml) {
  proxy::Server origin({}, scenario_from(origin_yaml));
  origin.start();
  const fs::path recording = dir.path() / "recorded.yaml";
  BodyRoundTrip r;
  {
    proxy::ServerOptions options;
    options.upstream = origin.base_url();
    options.record = recording;
    options.record_body = dir.path() / "bodies";
    proxy::Server relay(std::move(options),
                        proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    relay.start();
    r.recorded = client::download(client_options(relay.base_url() + "/file", dir.path() / "a.bin"));
    relay.stop();
    EXPECT_EQ(relay.record_error(), "");
  }
  r.yaml = read_file(recording);
  // Served as `sisyphus serve --scenario recorded.yaml` serves it: files below the
  // scenario's directory.
  proxy::ServerOptions replay_options;
  replay_options.file_root = dir.path();
  proxy::Server replay(replay_options, proxy::load_scenario_file(recording));
  replay.start();
  r.replayed = client::download(client_options(replay.url(), dir.path() / "b.bin"));
  return r;
}

// --record-body: the upstream's bytes (a cut at 40 %, then the resume) kept whole; the replay
// serves exactly them, through the same requests.
TEST(RecordClient, WithRecordBodyTheReplayServesTheUpstreamsOwnBytes) {
  TempDir dir;
  const BodyRoundTrip r = round_trip_with_bytes(dir, R"(name: cut-origin
resource: {size: 1MiB, seed: 9}
attempts:
  - drop: {at: 40%, how: close}
)");
  SCOPED_TRACE(r.yaml);
  ASSERT_TRUE(r.recorded.ok) << r.recorded.error;
  ASSERT_EQ(r.recorded.attempt_log.size(), 2u);
  EXPECT_NE(r.yaml.find("resource: {path: /file, file: bodies/recorded-file.bin}\n"),
            std::string::npos);
  EXPECT_NE(r.yaml.find("# The bytes are the upstream's, kept by --record-body in "),
            std::string::npos);
  const std::string origin_sha = sha256_hex_of_content(9, kSize);
  EXPECT_EQ(sha256_of_file(dir.path() / "bodies" / "recorded-file.bin"), origin_sha);
  // Nothing else left in DIR (no partial files).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "bodies"), fs::directory_iterator()),
            1);
  expect_same_requests(r.recorded, r.replayed);
  ASSERT_TRUE(r.replayed.ok) << r.replayed.error;
  EXPECT_EQ(sha256_of_file(dir.path() / "b.bin"), origin_sha);
  EXPECT_EQ(sha256_of_file(dir.path() / "a.bin"), origin_sha);
}

// A new version between the cut and the resume: the stale If-Range gets the whole new file.
// The bytes kept are the new version's (the last answer's), not the 40 % of the old one.
TEST(RecordClient, WithRecordBodyTheBytesAreTheCurrentVersionsAfterAChange) {
  TempDir dir;
  const BodyRoundTrip r = round_trip_with_bytes(dir, R"(name: changing-origin
resource: {size: 1MiB, seed: 9}
attempts:
  - drop: {at: 40%, how: close}
changes:
  - before_attempt: 2
)");
  SCOPED_TRACE(r.yaml);
  ASSERT_TRUE(r.recorded.ok) << r.recorded.error;
  ASSERT_EQ(r.recorded.attempt_log.size(), 2u);
  EXPECT_EQ(r.recorded.attempt_log[1].status, 200);
  EXPECT_NE(r.yaml.find("  - before_attempt: 2\n"), std::string::npos);
  const std::string new_version = sha256_hex_of_content(10, kSize);  // seed 9 + 1 change
  EXPECT_NE(new_version, sha256_hex_of_content(9, kSize));
  EXPECT_EQ(sha256_of_file(dir.path() / "bodies" / "recorded-file.bin"), new_version);
  expect_same_requests(r.recorded, r.replayed);
  EXPECT_EQ(sha256_of_file(dir.path() / "a.bin"), new_version);
  EXPECT_EQ(sha256_of_file(dir.path() / "b.bin"), new_version);
}

// The GETs a server answered, as the comparison of two runs needs them: range, status and
// body bytes written, in order.
struct Served {
  std::optional<std::string> range;
  int status = 0;
  std::uint64_t written = 0;
  bool operator==(const Served&) const = default;
};

std::vector<Served> served(const proxy::Server& server) {
  std::vector<Served> out;
  for (const auto& r : get_requests(server.log()))
    out.push_back({r.range, r.status, r.bytes_written});
  return out;
}

void PrintTo(const Served& s, std::ostream* os) {
  *os << s.range.value_or("-") << " " << s.status << " " << s.written;
}

// curl as a second client (its own retry rules: --retry-all-errors restarts a cut transfer
// from 0, Retry-After is waited): the origin and the replay of its recording answer it the
// same GETs, and it ends with the origin's bytes (--record-body).
TEST(RecordClient, CurlMeetsTheRecordingAsItMetTheUpstream) {
  TempDir dir;
  proxy::Server origin({}, scenario_from(R"(name: curl-origin
resource: {size: 256KiB, seed: 9}
attempts:
  - drop: {at: 40%, how: close}
  - status: {code: 503, retry_after: 1s}
)"));
  origin.start();
  auto curl = [&](const std::string& url, const fs::path& out) {
    return run({"/usr/bin/curl", "-sS", "--retry", "4", "--retry-all-errors", "-o", out.string(),
                url},
               dir.path(), 20s)
        .exit_code;
  };
  const fs::path recording = dir.path() / "curl.yaml";
  {
    proxy::ServerOptions options;
    options.upstream = origin.base_url();
    options.record = recording;
    options.record_body = dir.path() / "bodies";
    proxy::Server relay(std::move(options),
                        proxy::load_relay_scenario_string("name: pass\n", "pass.yaml"));
    relay.start();
    EXPECT_EQ(curl(relay.base_url() + "/file", dir.path() / "a.bin"), 0);
    relay.stop();
    ASSERT_EQ(relay.record_error(), "");
  }
  const std::vector<Served> upstream = served(origin);
  ASSERT_EQ(upstream.size(), 3u);
  EXPECT_EQ(upstream[0], (Served{std::nullopt, 200, 104857}));
  EXPECT_EQ(upstream[1], (Served{std::nullopt, 503, upstream[1].written}));
  EXPECT_EQ(upstream[2], (Served{std::nullopt, 200, 262144}));

  proxy::ServerOptions replay_options;
  replay_options.file_root = dir.path();
  proxy::Server replay(replay_options, proxy::load_scenario_file(recording));
  replay.start();
  EXPECT_EQ(curl(replay.url(), dir.path() / "b.bin"), 0);
  EXPECT_EQ(served(replay), upstream) << read_file(recording);
  const std::string origin_sha = sha256_hex_of_content(9, 256 * 1024);
  EXPECT_EQ(sha256_of_file(dir.path() / "a.bin"), origin_sha);
  EXPECT_EQ(sha256_of_file(dir.path() / "b.bin"), origin_sha);
}

}  // namespace
}  // namespace sisyphus::testing
