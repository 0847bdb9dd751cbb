// The runner end to end through the library: a real in-process server on 127.0.0.1:0, real
// clients (in-process and subprocesses), exact metrics from the server's log.
#include "sisyphus/runner/runner.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

#include "sisyphus/core/content.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/memoryless.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

using reports::Verdict;
using namespace std::chrono_literals;

class RunnerTest : public ::testing::Test {
 protected:
  model::Scenario load(const std::string& file, const std::string& yaml) {
    const auto path = dir_.path() / file;
    std::ofstream(path) << yaml;
    return proxy::load_scenario_file(path);
  }

  RunOptions options() const {
    RunOptions o;
    o.work_root = dir_.path() / "work";
    o.sisyphus_binary = SISYPHUS_TEST_BINARY;
    return o;
  }
  RunOptions reference() const {
    RunOptions o = options();
    o.client = "reference";
    return o;
  }

  // The one work directory a kept run left under work_root.
  std::filesystem::path kept_dir() const {
    std::vector<std::filesystem::path> dirs;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path() / "work")) {
      dirs.push_back(e.path());
    }
    EXPECT_EQ(dirs.size(), 1u);
    return dirs.empty() ? std::filesystem::path() : dirs.front();
  }

  static bool process_gone(pid_t pid) {
    // A killed orphan is reaped by init shortly after; give it a moment.
    for (int i = 0; i < 200; ++i) {
      if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  sisyphus::testing::TempDir dir_;
};

constexpr const char* kDropHalf = R"(name: drop-half
description: drop at 50 %
seed: 5
resource: {size: 1MiB}
attempts:
  - drop: {at: 50%, how: close}
expect:
  max_attempts: 2
  max_wasted_bytes: 0
  max_duration: 5s
)";

TEST_F(RunnerTest, ReferenceResumesAndTheLogGivesExactMetrics) {
  const auto s = load("drop-half.yaml", kDropHalf);
  RunOptions o = options();
  o.client = "reference";
  const reports::ScenarioResult r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.client.kind, "reference");
  EXPECT_EQ(r.client.label, "reference");
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_sent, 1048576u);
  EXPECT_EQ(r.bytes_written, 1048576u);  // the client read all it was sent
  EXPECT_EQ(r.bytes_wasted, 0u);
  EXPECT_EQ(r.size, 1048576u);
  EXPECT_EQ(r.seed, 5u);
  EXPECT_FALSE(r.corruption);
  EXPECT_FALSE(r.timed_out);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].attempt, 1u);
  EXPECT_EQ(r.attempt_log[0].range, std::nullopt);
  EXPECT_EQ(r.attempt_log[0].status, 200);
  EXPECT_EQ(r.attempt_log[0].bytes_sent, 524288u);
  EXPECT_EQ(r.attempt_log[0].bytes_written, 524288u);
  EXPECT_EQ(r.attempt_log[0].fault, "drop");
  EXPECT_EQ(r.attempt_log[0].gap_s, std::nullopt);
  EXPECT_EQ(r.attempt_log[1].range, "bytes=524288-");
  ASSERT_TRUE(r.attempt_log[1].if_range);
  EXPECT_EQ(r.attempt_log[1].if_range->front(), '"');  // a strong ETag
  EXPECT_EQ(r.attempt_log[1].status, 206);
  EXPECT_EQ(r.attempt_log[1].bytes_sent, 524288u);
  EXPECT_EQ(r.attempt_log[1].bytes_written, 524288u);
  EXPECT_EQ(r.attempt_log[1].fault, std::nullopt);
  ASSERT_TRUE(r.attempt_log[1].gap_s);
  EXPECT_GE(*r.attempt_log[1].gap_s, 0.0);
  EXPECT_EQ(r.expectations.size(), 4u);
  EXPECT_EQ(r.replay, "sisyphus run " + (dir_.path() / "drop-half.yaml").string() +
                          " --client reference --seed 5 --time-scale 1");
  // The work directory is gone.
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "work"));
}

// server.outages end to end: the first transfer dies with RST at 200 ms, retries during the
// outage are reset without a response, and the reference client's backoff carries it past
// 500 ms, where it resumes and finishes.
TEST_F(RunnerTest, ReferenceWithBackoffSurvivesAnOutage) {
  const auto s = load("outage.yaml", R"(name: outage
seed: 3
resource: {size: 1MiB}
server: {outages: [{at: 200ms, for: 300ms, how: reset}]}
attempts:
  - throttle: {rate: 1MiB/s}
client: {max_attempts: 10, backoff: {strategy: exponential, base: 100ms, cap: 400ms}}
)");
  const reports::ScenarioResult r = run_scenario(s, reference());
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("");
  ASSERT_GE(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log.front().fault, "throttle,outage");
  EXPECT_GT(r.attempt_log.front().bytes_sent, 0u);
  EXPECT_LT(r.attempt_log.front().bytes_sent, 1048576u);
  for (std::size_t i = 1; i + 1 < r.attempt_log.size(); ++i) {
    EXPECT_EQ(r.attempt_log[i].fault, "outage") << i;
    EXPECT_EQ(r.attempt_log[i].status, 0) << i;
  }
  EXPECT_EQ(r.attempt_log.back().status, 206);
  EXPECT_EQ(r.attempt_log.back().fault, std::nullopt);
  EXPECT_EQ(r.bytes_wasted, 0u);
}

TEST_F(RunnerTest, SeedOverrideAndTimeScaleReachTheReplayCommand) {
  const auto s = load("drop-half.yaml", kDropHalf);
  RunOptions o = options();
  o.client = "naive";
  o.seed = 99;
  o.time_scale = TimeScale(0.5);
  o.deadline = 7s;
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.seed, 99u);
  EXPECT_EQ(r.replay, "sisyphus run " + (dir_.path() / "drop-half.yaml").string() +
                          " --client naive --seed 99 --time-scale 0.5 --deadline 7s");
}

constexpr const char* kChange = R"(name: change
seed: 3
resource: {size: 256KiB}
attempts:
  - drop: {at: 100000, how: close}
changes:
  - before_attempt: 2
)";

TEST_F(RunnerTest, NaiveSplicesTwoVersionsAndIsCorrupt) {
  const auto s = load("change.yaml", kChange);
  RunOptions o = options();
  o.client = "naive";
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::corrupt);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_sent, 262144u);  // 100000 of version 1, the rest of version 2
  EXPECT_EQ(r.bytes_wasted, 262144u);
  ASSERT_TRUE(r.corruption);
  // The output holds the original (content seed 1, the default) in [0, 100000); the server's
  // last version is generation 1, content seed 2.
  std::vector<std::byte> v1(100000), v2(100000);
  content::fill(1, 0, v1);
  content::fill(2, 0, v2);
  std::uint64_t differing = 0;
  for (std::size_t i = 0; i < v1.size(); ++i) differing += v1[i] != v2[i] ? 1 : 0;
  EXPECT_EQ(r.corruption->kind, reports::CorruptionKind::mismatch);
  EXPECT_EQ(r.corruption->bad_bytes, differing);
  ASSERT_EQ(r.corruption->bad_ranges.size(), 1u);
  EXPECT_EQ(r.corruption->first_bad_offset, r.corruption->bad_ranges[0].first);
  EXPECT_LE(r.corruption->bad_ranges[0].first, 15u);
  EXPECT_GE(r.corruption->bad_ranges[0].last, 99984u);
  EXPECT_LE(r.corruption->bad_ranges[0].last, 99999u);

  o.client = "reference";
  const auto ref = run_scenario(s, o);
  EXPECT_EQ(ref.verdict, Verdict::ok);
  EXPECT_EQ(ref.bytes_sent, 100000u + 262144u);  // If-Range failed: the whole new version
  EXPECT_EQ(ref.bytes_wasted, 100000u);
}

TEST_F(RunnerTest, PrefillGoesWhereEachClientKeepsItsPartialDownload) {
  const auto s = load("prefill.yaml", R"(name: prefill
seed: 8
resource: {size: 200000}
client:
  prefill: 50%
expect:
  max_wasted_bytes: 0
)");
  for (const char* client : {"reference", "naive"}) {
    RunOptions o = options();
    o.client = client;
    const auto r = run_scenario(s, o);
    EXPECT_EQ(r.verdict, Verdict::ok) << client << "\n" << r.client_output.value_or("");
    EXPECT_EQ(r.attempts, 1u) << client;
    EXPECT_EQ(r.bytes_sent, 100000u) << client;
    ASSERT_EQ(r.attempt_log.size(), 1u);
    EXPECT_EQ(r.attempt_log[0].range, "bytes=100000-") << client;
    EXPECT_EQ(r.bytes_wasted, 0u) << client;
    EXPECT_TRUE(r.passed) << client;
  }
}

TEST_F(RunnerTest, PrefillChangedServesTheNewVersionFromTheFirstRequest) {
  const auto s = load("prefill-changed.yaml", R"(name: prefill-changed
seed: 9
resource: {size: 200000}
client:
  prefill: {size: 50%, changed: true}
)");
  RunOptions o = options();
  o.client = "reference";
  const auto ref = run_scenario(s, o);
  EXPECT_EQ(ref.verdict, Verdict::ok);
  ASSERT_EQ(ref.attempt_log.size(), 1u);
  EXPECT_EQ(ref.attempt_log[0].status, 200);  // If-Range with the old ETag does not hold
  EXPECT_EQ(ref.bytes_sent, 200000u);
  EXPECT_EQ(ref.bytes_wasted, 0u);  // nothing the client held was reusable

  o.client = "naive";
  const auto naive = run_scenario(s, o);
  EXPECT_EQ(naive.verdict, Verdict::corrupt);
  ASSERT_EQ(naive.attempt_log.size(), 1u);
  EXPECT_EQ(naive.attempt_log[0].status, 206);
  ASSERT_TRUE(naive.corruption);
  EXPECT_EQ(naive.corruption->kind, reports::CorruptionKind::mismatch);
  EXPECT_LE(naive.corruption->first_bad_offset, 15u);
}

TEST_F(RunnerTest, FileResourceIsServedAndVerified) {
  {
    std::ofstream data(dir_.path() / "data.bin", std::ios::binary);
    for (int i = 0; i < 300000; ++i) data.put(static_cast<char>(i * 7 % 253));
  }
  const auto s = load("file.yaml", R"(name: file-resource
seed: 1
resource: {file: data.bin}
attempts:
  - drop: {at: 123456, how: reset}
)");
  RunOptions o = options();
  o.client = "reference";
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("") << r.error.value_or("");
  EXPECT_EQ(r.size, 300000u);
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_sent, 300000u);
}

TEST_F(RunnerTest, HangingCommandIsKilledAtTheDeadline) {
  const auto s = load("hang.yaml", R"(name: hang
resource: {size: 1KiB}
expect: {verdict: failed-clean}
)");
  RunOptions o = options();
  o.client = "command: echo $$ > {workdir}/pid; exec sleep 1000";
  o.deadline = 1s;
  o.keep = true;
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_scenario(s, o);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.verdict, Verdict::failed_clean);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.client_exit_code, std::nullopt);
  EXPECT_GE(r.duration_s, 1.0);
  EXPECT_LT(took, 10.0);
  ASSERT_EQ(r.expectations.size(), 2u);
  EXPECT_EQ(r.expectations[1].name, "deadline");
  EXPECT_FALSE(r.expectations[1].passed);
  EXPECT_EQ(r.client.label, "command: echo $$ > {workdir}/pid; exec sleep 1000");
  EXPECT_NE(r.client_output.value_or("").find("killed (SIGKILL to the process group) at the "
                                              "1.000s deadline"),
            std::string::npos);
  std::ifstream pid_file(kept_dir() / "pid");
  pid_t pid = 0;
  ASSERT_TRUE(pid_file >> pid);
  EXPECT_TRUE(process_gone(pid));
}

TEST_F(RunnerTest, WhatTheClientLeftInItsProcessGroupIsKilled) {
  const auto s = load("bg.yaml", "name: background\nresource: {size: 1KiB}\n");
  RunOptions o = options();
  o.client = "command: sleep 1000 & echo $! > {workdir}/child; exit 0";
  o.keep = true;
  const auto r = run_scenario(s, o);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.client_exit_code, 0);
  EXPECT_EQ(r.verdict, Verdict::corrupt);  // claimed success, wrote nothing
  ASSERT_TRUE(r.corruption);
  EXPECT_EQ(r.corruption->kind, reports::CorruptionKind::truncated);
  EXPECT_EQ(r.corruption->bad_bytes, 1024u);
  std::ifstream pid_file(kept_dir() / "child");
  pid_t pid = 0;
  ASSERT_TRUE(pid_file >> pid);
  EXPECT_TRUE(process_gone(pid));
}

TEST_F(RunnerTest, CommandTemplateGetsQuotedValuesAndItsExitCodeIsKept) {
  const auto s = load("cmd.yaml", R"(name: cmd
resource: {size: 4KiB}
client: {max_attempts: 7}
)");
  RunOptions o = options();
  o.client = "command: curl -fsS -o {output} {url} && echo attempts={max_attempts}; exit 3";
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.client_exit_code, 3);
  EXPECT_EQ(r.verdict, Verdict::failed_clean);  // said failure; the file is whole and right
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.client_output, "attempts=7\n");
}

// A client that reads the head of the answer and gives up (as axel and aria2c do with some
// connections), with a 4 KiB receive buffer, once the server's socket holds 64 KiB it has not
// acknowledged (/proc/net/tcp): it is charged what reached it, not what the server wrote.
constexpr const char* kHeadThenClose = R"(import socket, sys, time, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((url.hostname, url.port))
s.sendall(f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode())
head = b""
while not head.endswith(b"\r\n\r\n"):
    head += s.recv(1)
me = "0100007F:%04X" % s.getsockname()[1]
server = "0100007F:%04X" % url.port
for _ in range(5000):
    rows = [line.split() for line in open("/proc/net/tcp").readlines()[1:]]
    if any(r[1] == server and r[2] == me and int(r[4].split(":")[0], 16) >= 65536 for r in rows):
        break
    time.sleep(0.001)
print(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
s.close()
sys.exit(1)
)";

TEST_F(RunnerTest, AClientThatDropsTheAnswerAfterItsHeadIsChargedWhatReachedIt) {
  const auto s = load("head.yaml", "name: head\nresource: {size: 8MiB}\n");
  const auto script = dir_.path() / "head_then_close.py";
  std::ofstream(script) << kHeadThenClose;
  RunOptions o = options();
  o.client = "command: python3 " + script.string() + " {url}";
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::failed_clean) << r.client_output.value_or("");
  ASSERT_EQ(r.attempt_log.size(), 1u);
  const std::uint64_t receive_buffer = std::stoull(r.client_output.value_or("0"));
  EXPECT_EQ(receive_buffer, 8192u);  // as Linux keeps it: twice what was asked
  EXPECT_LE(r.bytes_sent, receive_buffer);
  EXPECT_GE(r.bytes_written, 65536u);
  EXPECT_EQ(r.attempt_log[0].bytes_sent, r.bytes_sent);
  EXPECT_EQ(r.attempt_log[0].bytes_written, r.bytes_written);
  EXPECT_EQ(r.bytes_wasted, r.bytes_sent);  // a failure wastes what it fetched, no more
}

TEST_F(RunnerTest, AClientThatCannotStartIsAHarnessError) {
  const auto s = load("cli.yaml", "name: cli\nresource: {size: 1KiB}\n");
  RunOptions o = options();
  o.client = "reference-cli";
  o.sisyphus_binary = dir_.path() / "no-such-sisyphus";
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_FALSE(r.passed);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->rfind("client could not start: cannot start '", 0), 0u) << *r.error;
  reports::RunResults run;
  run.scenarios = {r};
  EXPECT_EQ(reports::exit_code(reports::tally(run)), 2);
}

// A shell's 127 (not found) and 126 (not executable) before any request: the harness's
// error, with what the shell said, not the client's failed-clean.
TEST_F(RunnerTest, AShellThatCannotRunTheCommandIsAHarnessError) {
  const auto s = load("sh.yaml", "name: sh\nresource: {size: 1KiB}\n");
  std::ofstream(dir_.path() / "not-executable") << "#!/bin/sh\n";
  RunOptions o = options();
  o.client = "command: ./no-such-tool {url} {output}";
  auto r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.client_exit_code, 127);
  EXPECT_EQ(r.attempts, 0u);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "client could not start (exit 127): /bin/sh: 1: ./no-such-tool: not found");

  o.client = "command: " + (dir_.path() / "not-executable").string() + " {url}";
  r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.client_exit_code, 126);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "client could not start (exit 126): /bin/sh: 1: " +
                          (dir_.path() / "not-executable").string() + ": Permission denied");

  // After a request, 127 is the client's own answer: judged like any failure.
  o.client = "command: curl -s -o {output} {url}; exit 127";
  r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::failed_clean) << r.error.value_or("");
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_FALSE(r.error);
}

TEST_F(RunnerTest, ReferenceCliRunsSisyphusGet) {
  const auto s = load("drop-half.yaml", kDropHalf);
  RunOptions o = options();
  o.client = "reference-cli";
  const auto r = run_scenario(s, o);
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("") << r.error.value_or("");
  EXPECT_EQ(r.client_exit_code, 0);
  EXPECT_EQ(r.attempts, 2u);
  EXPECT_EQ(r.bytes_wasted, 0u);
}

TEST_F(RunnerTest, DeadlineRules) {
  model::Scenario s;
  RunOptions o;
  EXPECT_EQ(deadline_for(s, o), 60s);
  s.expect.max_duration = 2s;
  EXPECT_EQ(deadline_for(s, o), 6s);
  o.time_scale = TimeScale(0.1);
  EXPECT_EQ(deadline_for(s, o), 1s);  // 0.6 s, raised to the 1 s minimum
  s.expect.max_duration = std::nullopt;
  EXPECT_EQ(deadline_for(s, o), 6s);
  o.deadline = 500ms;
  EXPECT_EQ(deadline_for(s, o), 500ms);  // as given
}

TEST_F(RunnerTest, ManyScenariosInParallelComeBackSortedByName) {
  std::vector<model::Scenario> all;
  for (const char* name : {"zz", "mm", "aa"}) {
    all.push_back(load(std::string(name) + ".yaml",
                       std::string("name: ") + name + "\nresource: {size: 64KiB}\n"));
  }
  RunOptions o = options();
  o.jobs = 2;
  std::atomic<int> calls{0};
  const auto results =
      run_scenarios(all, o, run_client_label(all, o),
                    [&](const reports::ScenarioResult&, std::size_t done, std::size_t total) {
                      EXPECT_EQ(total, 3u);
                      EXPECT_LE(done, 3u);
                      ++calls;
                    });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(results.client, "reference");
  ASSERT_EQ(results.scenarios.size(), 3u);
  EXPECT_EQ(results.scenarios[0].name, "aa");
  EXPECT_EQ(results.scenarios[1].name, "mm");
  EXPECT_EQ(results.scenarios[2].name, "zz");
  for (const auto& r : results.scenarios) EXPECT_EQ(r.verdict, Verdict::ok);
}

// Memoryless links end to end (docs/faults.md, "Memoryless links"): the reference client with
// `drop: {after: {mean: M}}` on every GET. Resuming, every byte goes out once (bytes_sent ==
// S) and there is one attempt more than there were cuts, each where the documented draw says.
// With random changes the verdict is judged against the version served last.
// The cut of GET k by rule 0 of /file.
std::uint64_t documented_draw(std::uint64_t seed, std::uint32_t k, double mean) {
  return sisyphus::testing::documented_exponential(seed, fmt::format("/file:{}:0", k), mean);
}

constexpr std::uint64_t kMemorylessSize = 1 << 20;

TEST_F(RunnerTest, MemorylessResumingSendsEveryByteOnceWithOneAttemptPerCutPlusOne) {
  const auto s = load("memoryless.yaml", R"(name: memoryless-resume
seed: 7
resource: {size: 1MiB}
faults:
  - drop: {after: {mean: 256KiB}, how: reset}
client:
  resume: if-range
  backoff: {strategy: none}
  max_attempts: 100
expect:
  verdict: ok
  max_wasted_bytes: 0
)");
  // What the draws say: each attempt resumes where the last stopped and gets X_k more bytes.
  std::uint64_t held = 0;
  std::uint32_t cuts = 0;
  std::vector<std::uint64_t> sent;
  for (std::uint32_t k = 1;; ++k) {
    const std::uint64_t x = documented_draw(7, k, 256 * 1024);
    if (x >= kMemorylessSize - held) {
      sent.push_back(kMemorylessSize - held);
      break;
    }
    sent.push_back(x);
    held += x;
    ++cuts;
  }
  ASSERT_GT(cuts, 1u);  // the seed gives a run worth the name

  const reports::ScenarioResult r = run_scenario(s, reference());
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.bytes_sent, kMemorylessSize);
  EXPECT_EQ(r.bytes_wasted, 0u);
  EXPECT_EQ(r.attempts, 1u + cuts);
  ASSERT_EQ(r.attempt_log.size(), sent.size());
  std::uint32_t logged_cuts = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(r.attempt_log[i].bytes_sent, sent[i]) << "attempt " << i + 1;
    if (r.attempt_log[i].fault == "drop") ++logged_cuts;
  }
  EXPECT_EQ(logged_cuts, cuts);
  EXPECT_EQ(r.attempt_log.back().fault, std::nullopt);  // the last one completed
}

TEST_F(RunnerTest, MemorylessRandomChangesAreJudgedAgainstTheVersionServedLast) {
  const auto s = load("random-change.yaml", R"(name: random-change
seed: 23
resource: {size: 256KiB}
faults:
  - drop: {after: {mean: 128KiB}, how: close}
changes:
  - {before_each_attempt: true, probability: 0.5}
client:
  resume: if-range
  backoff: {strategy: none}
  max_attempts: 100
)");
  const reports::ScenarioResult careful = run_scenario(s, reference());
  EXPECT_EQ(careful.verdict, Verdict::ok) << careful.client_output.value_or("");
  EXPECT_GT(careful.attempts, 1u);

  // Resuming without If-Range across a republish splices versions: the seed republishes
  // between two cut attempts, and the output is not the last version.
  RunOptions o = options();
  o.client = "naive";
  const reports::ScenarioResult naive = run_scenario(s, o);
  EXPECT_EQ(naive.verdict, Verdict::corrupt) << naive.client_output.value_or("");
}

}  // namespace
}  // namespace sisyphus::runner
