// `sisyphus get` as a subprocess against the in-process origin server: kill -9 in the
// middle and a rerun, exit codes, the --json summary, the per-attempt lines.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "sisyphus/client/state.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using client::load_part_state;
using client::part_path;
using client::state_path;

constexpr std::uint64_t kSize = 4 * 1024 * 1024;

class CliTest : public ServerTest {
 protected:
  fs::path out() const { return dir_ / "out.bin"; }
  RunResult get(std::vector<std::string> extra, std::chrono::milliseconds timeout = 20s) {
    std::vector<std::string> argv{SISYPHUS_BINARY, "get",       url(),  "-o",
                                  out().string(),  "--backoff", "none", "--no-progress"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv, dir_.path(), timeout);
  }
  std::vector<proxy::LogRecord> gets(std::size_t n) { return get_requests(log_with(n)); }

  TempDir dir_;
};

TEST_F(CliTest, KillDashNineMidDownloadThenARerunResumesWithRange) {
  // 2 MiB/s: the 4 MiB download is still going when it is killed.
  start("name: t\nseed: 1\nresource:\n  size: 4MiB\nfaults:\n  - throttle: {rate: 2MiB/s}\n");
  std::uint64_t counted = 0;
  {
    Child child({SISYPHUS_BINARY, "get", url(), "-o", out().string(), "--no-progress"},
                dir_ / "killed.out", dir_ / "killed.err");
    // Wait until the state file counts at least 1 MiB (it is refreshed every second).
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (auto st = load_part_state(state_path(out())); st && st->bytes >= 1024 * 1024) break;
      } catch (const ParseError&) {
        // Never a torn state: the rename is atomic. Fail loudly if it happens.
        FAIL() << "state file unreadable while the download runs";
      }
      std::this_thread::sleep_for(10ms);
    }
    child.signal(SIGKILL);
    EXPECT_EQ(child.wait(5s), 128 + SIGKILL);
  }
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  counted = st->bytes;
  ASSERT_GE(counted, 1024u * 1024u);
  ASSERT_LT(counted, kSize);
  EXPECT_GE(fs::file_size(part_path(out())), counted);
  EXPECT_FALSE(fs::exists(out()));

  const RunResult rerun = get({"--json"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  const std::string data = read_file(out());
  EXPECT_EQ(data.size(), kSize);
  EXPECT_EQ(first_mismatch(data, 1), std::nullopt);
  EXPECT_FALSE(fs::exists(part_path(out())));
  EXPECT_FALSE(fs::exists(state_path(out())));

  auto summary = json::parse(rerun.out).as_object();
  EXPECT_EQ(summary.at("bytes_resumed").to_number<std::uint64_t>(), counted);
  EXPECT_EQ(summary.at("bytes_received").to_number<std::uint64_t>(), kSize - counted);
  EXPECT_EQ(summary.at("attempts").to_number<int>(), 1);

  auto log = gets(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].range, std::nullopt);
  EXPECT_GE(log[0].bytes_sent, counted);
  EXPECT_EQ(log[1].range, fmt::format("bytes={}-", counted));
  EXPECT_EQ(log[1].if_range, st->etag);
  EXPECT_EQ(log[1].status, 206);
  EXPECT_EQ(log[1].bytes_sent, kSize - counted);
}

TEST_F(CliTest, WrongSha256ExitsWith3AndLeavesNoFile) {
  start("name: t\nseed: 1\nresource:\n  size: 1MiB\n");
  const RunResult r = get({"--sha256", std::string(64, 'a'), "--json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_FALSE(fs::exists(out()));
  EXPECT_FALSE(fs::exists(part_path(out())));
  EXPECT_FALSE(fs::exists(state_path(out())));
  auto summary = json::parse(r.out).as_object();
  EXPECT_EQ(summary.at("ok").as_bool(), false);
  EXPECT_EQ(summary.at("exit_code").to_number<int>(), 3);
  EXPECT_EQ(summary.at("attempts").to_number<int>(), 2);  // verified, restarted once, failed
  EXPECT_EQ(summary.at("restarts").as_array().size(), 1u);
  EXPECT_TRUE(r.err.find("failed: SHA-256 of the download is ") != std::string::npos) << r.err;
}

TEST_F(CliTest, JsonSummaryAndOneLinePerAttemptWhenNotATerminal) {
  start(
      "name: t\nseed: 1\nresource:\n  size: 1MiB\nattempts:\n"
      "  - drop: {at: 50%, how: close}\n");
  const std::string expected_sha = sha256_hex_of_content(1, 1024 * 1024);
  const RunResult r = get({"--json", "--sha256", expected_sha});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = json::parse(r.out).as_object();
  EXPECT_EQ(s.at("ok").as_bool(), true);
  EXPECT_EQ(s.at("exit_code").to_number<int>(), 0);
  EXPECT_EQ(s.at("attempts").to_number<int>(), 2);
  EXPECT_EQ(s.at("bytes_received").to_number<std::uint64_t>(), 1024u * 1024u);
  EXPECT_EQ(s.at("bytes_discarded").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(s.at("size").to_number<std::uint64_t>(), 1024u * 1024u);
  EXPECT_EQ(s.at("sha256").as_string(), expected_sha);
  EXPECT_EQ(s.at("verified_by").as_string(), "sha256");
  EXPECT_TRUE(s.at("restarts").as_array().empty());
  EXPECT_TRUE(s.at("error").is_null());
  const auto& log = s.at("attempt_log").as_array();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].at("outcome").as_string(), "interrupted");
  EXPECT_EQ(log[1].at("range").as_string(), "bytes=524288-");
  EXPECT_EQ(log[1].at("status").to_number<int>(), 206);

  // stderr: exactly one line per attempt, then the verdict; no progress bar escapes.
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < r.err.size()) {
    auto nl = r.err.find('\n', pos);
    lines.push_back(r.err.substr(pos, nl - pos));
    pos = nl == std::string::npos ? r.err.size() : nl + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_TRUE(
      lines[0].starts_with("attempt 1: no Range -> 200, 524288 bytes at offset 0, "
                           "interrupted: connection closed by the server"))
      << lines[0];
  EXPECT_TRUE(lines[1].starts_with("attempt 2: Range bytes=524288-, If-Range \"")) << lines[1];
  EXPECT_TRUE(
      lines[2].starts_with("saved " + out().string() + " (1048576 bytes, verified by sha256)"))
      << lines[2];
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
  EXPECT_EQ(r.err.find('\033'), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitWith2) {
  start("name: t\nseed: 1\nresource:\n  size: 1KiB\n");
  auto r = get({"--backoff", "fibonacci"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.find("invalid backoff strategy 'fibonacci'") != std::string::npos) << r.err;
  r = get({"--base", "10 parsecs"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = get({"--sha256", "xyz"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.find("invalid sha256 'xyz': expected 64 hexadecimal digits") !=
              std::string::npos)
      << r.err;
  r = get({"-H", "no colon here"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.find("invalid header 'no colon here'") != std::string::npos) << r.err;
  r = run({SISYPHUS_BINARY, "get", url()}, dir_.path(), 10s);  // no -o
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(CliTest, GaveUpExitsWith1AndKeepsThePartForARerun) {
  start(
      "name: t\nseed: 1\nresource:\n  size: 1MiB\nattempts:\n"
      "  - drop: {at: 25%, how: reset}\n  - drop: {at: 50%, how: reset}\n");
  auto r = get({"--max-attempts", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(fs::exists(out()));
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->bytes, 512u * 1024u);
  r = get({});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(first_mismatch(read_file(out()), 1), std::nullopt);
  auto log = gets(3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].range, "bytes=524288-");
}

// `-o -`: the body on stdout, resumed after a cut (Range + If-Range from the byte stdout is
// at), and no file at all.
TEST_F(CliTest, DashOWritesTheBodyToStdoutAndResumesWhereItIs) {
  start(
      "name: t\nseed: 1\nresource:\n  size: 1MiB\nattempts:\n"
      "  - drop: {at: 50%, how: close}\n");
  const std::string sha = sha256_hex_of_content(1, 1024 * 1024);
  const RunResult r =
      run({SISYPHUS_BINARY, "get", url(), "-o", "-", "--backoff", "none", "--sha256", sha},
          dir_.path(), 20s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), 1024u * 1024u);
  EXPECT_EQ(first_mismatch(r.out, 1), std::nullopt);
  EXPECT_NE(r.err.find("wrote stdout (1048576 bytes, verified by sha256)"), std::string::npos)
      << r.err;
  // Nothing but the captured output files in the directory: no part, no state.
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    EXPECT_TRUE(e.path().filename().string().starts_with("std")) << e.path();
  }
  auto log = gets(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, "bytes=524288-");
  EXPECT_EQ(log[1].status, 206);
}

// What went to stdout cannot be taken back: when the file changes after 512 KiB went out,
// the retry would start again at byte 0, so the download ends there, saying why.
TEST_F(CliTest, DashOEndsWhenARetryWouldStartAgainAfterOutput) {
  start(
      "name: t\nseed: 1\nresource:\n  size: 1MiB\nattempts:\n"
      "  - drop: {at: 50%, how: close}\nchanges:\n  - before_attempt: 2\n");
  const RunResult r =
      run({SISYPHUS_BINARY, "get", url(), "-o", "-", "--backoff", "none"}, dir_.path(), 20s);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.size(), 512u * 1024u);
  EXPECT_EQ(first_mismatch(r.out, 1), std::nullopt);  // the old version's prefix, intact
  EXPECT_NE(r.err.find("failed: attempt 2: 524288 bytes already went to stdout and the download "
                       "would start again at byte 0"),
            std::string::npos)
      << r.err;
  const RunResult json = run({SISYPHUS_BINARY, "get", url(), "-o", "-", "--json"}, dir_.path(), 5s);
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_NE(json.err.find("--json and -o - both write to stdout"), std::string::npos) << json.err;
}

// A 404 at once: nothing was held, so nothing is left (no empty part, no state counting 0).
TEST_F(CliTest, GivingUpOnA404LeavesNoPartOrStateFile) {
  start("name: t\nseed: 1\nresource:\n  size: 1KiB\n");
  const std::string missing = url().substr(0, url().rfind('/')) + "/missing";
  const RunResult r =
      run({SISYPHUS_BINARY, "get", missing, "-o", out().string()}, dir_.path(), 20s);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("failed: attempt 1: unexpected status 404"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out()));
  EXPECT_FALSE(fs::exists(part_path(out())));
  EXPECT_FALSE(fs::exists(state_path(out())));
}

TEST_F(CliTest, CustomHeadersReachTheServerAndNaiveModeWritesInPlace) {
  start(
      "name: t\nseed: 1\nresource:\n  size: 1MiB\nattempts:\n"
      "  - drop: {at: 50%, how: close}\n");
  auto r = get({"--naive", "-H", "X-Test: 1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(first_mismatch(read_file(out()), 1), std::nullopt);
  EXPECT_FALSE(fs::exists(state_path(out())));
  auto log = gets(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, "bytes=524288-");
  EXPECT_EQ(log[1].if_range, std::nullopt);
}

// The server numbers the named download's attempts from 1 (its first is cut), apart from the
// unnamed GET before it; a malformed id is a usage error before any request.
TEST_F(CliTest, ClientIdIsSentOnEveryAttempt) {
  start(
      "name: t\nseed: 1\nresource:\n  size: 1MiB\nattempts:\n"
      "  - drop: {at: 50%, how: close}\n");
  ASSERT_EQ(fetch("127.0.0.1", port(), "GET", "/file").body.size(), 512u * 1024u);
  auto r = get({"--client-id", "cli-1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(first_mismatch(read_file(out()), 1), std::nullopt);
  auto log = gets(3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].client, std::nullopt);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(log[i].client, "cli-1");
    EXPECT_EQ(log[i].attempt, i);
  }
  EXPECT_EQ(log[2].range, "bytes=524288-");
  r = get({"--client-id", "no spaces"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid client id 'no spaces'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sisyphus::testing
