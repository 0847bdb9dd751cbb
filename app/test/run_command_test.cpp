// `sisyphus run` as a user runs it: the built binary as a subprocess, exit codes, reports on
// disk, shards and their merge, Ctrl-C, and the real curl, wget and aria2c binaries.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cerrno>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_test.hpp"

namespace sisyphus::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Everything but wall-clock readings: what must be equal between two runs of the same thing.
void strip_times(json::value& v) {
  if (v.is_object()) {
    auto& o = v.as_object();
    for (const char* key : {"started_at", "duration_s", "t", "gap_s"}) o.erase(key);
    const auto* name = o.if_contains("name");
    if (name != nullptr && *name == "max_duration") o.erase("actual");
    for (auto& [k, child] : o) strip_times(child);
  } else if (v.is_array()) {
    for (auto& child : v.as_array()) strip_times(child);
  }
}

TEST_F(CliTest, MalformedScenarioExitsTwoNamingFileLineColumnAndRunsNothing) {
  std::ofstream(path("good.yaml")) << "name: good\nresource: {size: 1KiB}\n";
  std::ofstream(path("bad.yaml")) << "name: bad\nresource:\n  size: 12 parsecs\n";
  const Output o = sisyphus({"run", path("good.yaml"), path("bad.yaml"), "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(std::regex_search(o.err, std::regex(path("bad.yaml") + ":3:9: .*parsecs"))) << o.err;
  EXPECT_NE(o.err.find("nothing was run"), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  const std::string data = SISYPHUS_TEST_DATA;
  Output o = sisyphus({"run", data, "--client", "lynx", "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("unknown client 'lynx': expected one of aria2c, 'command: TEMPLATE', curl, "
                       "curl-h2, naive, reference, reference-cli, wget"),
            std::string::npos)
      << o.err;
  o = sisyphus({"run", data, "--shard", "3/2", "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("bad shard '3/2'"), std::string::npos) << o.err;
  o = sisyphus({"run", data, "--filter", "nope*", "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("no scenario matches --filter nope*"), std::string::npos) << o.err;
  o = sisyphus({"run", path("missing.yaml")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find(path("missing.yaml") + ": no such file or directory"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

// Not a terminal (CI): one line per scenario on stdout the moment it finishes, long before
// the run ends; then the table.
TEST_F(CliTest, WithoutATerminalEachScenarioPrintsALineAsItFinishes) {
  std::ofstream(path("a-fast.yaml")) << "name: a-fast\nresource: {size: 1KiB}\n";
  std::ofstream(path("b-slow.yaml"))
      << "name: b-slow\nresource: {size: 1KiB}\nfaults:\n  - latency: {first_byte: 3s}\n";
  Child run({SISYPHUS_BINARY, "run", path("a-fast.yaml"), path("b-slow.yaml"), "--jobs", "1",
             "--out", path("out")},
            path("run.out"), path("run.err"), {"NO_COLOR=1"});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  std::string out;
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    out = read_file(path("run.out"));
  }
  // b-slow waits 3 s for its first byte: the run is still going.
  EXPECT_EQ(run.wait(0ms), std::nullopt);
  EXPECT_TRUE(std::regex_match(
      out,
      std::regex(R"(\[1/2\] PASS a-fast \(reference\): ok, 1 attempt, 0 B wasted, 0\.\d\d s\n)")))
      << out;
  ASSERT_EQ(run.wait(30s), 0) << read_file(path("run.err"));
  out = read_file(path("run.out"));
  EXPECT_TRUE(std::regex_search(
      out,
      std::regex(
          R"(\n\[2/2\] PASS b-slow \(reference\): ok, 1 attempt, 0 B wasted, 3\.\d\d s\n\nscenario )")))
      << out;
  EXPECT_NE(out.find("2 passed, 0 failed\n"), std::string::npos) << out;
}

// `--client 'command: …'` is checked by the rule a scenario's client.command is.
TEST_F(CliTest, ClientTemplateTypoIsAUsageErrorWithDidYouMean) {
  const Output o = sisyphus(
      {"run", SISYPHUS_TEST_DATA, "--client", "command: x {url} {ouptut}", "--out", path("out")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err,
            "sisyphus run: bad client 'command: x {url} {ouptut}': unknown placeholder '{ouptut}' "
            "in command, did you mean '{output}'?\n");
  EXPECT_EQ(o.out, "");
  EXPECT_FALSE(std::filesystem::exists(path("out")));
  // Other braces are shell code and stay allowed.
  EXPECT_EQ(sisyphus({"run", std::string(SISYPHUS_TEST_DATA) + "/clean.yaml", "--client",
                      "command: curl -s -o {output} ${CURL_URL:-{url}}", "--out", path("ok")})
                .exit_code,
            0);
}

// A client that cannot start is the harness's error (exit 2), with what the shell said, on
// the console and in summary.md; not the client's failed-clean.
TEST_F(CliTest, AClientThatCannotStartExitsTwoSayingWhy) {
  const Output o = sisyphus({"run", std::string(SISYPHUS_TEST_DATA) + "/clean.yaml", "--client",
                             "command: ./no-such-tool {url} {output}", "--out", path("out")},
                            {"NO_COLOR=1"});
  EXPECT_EQ(o.exit_code, 2) << o.out << o.err;
  const std::string said =
      "client could not start (exit 127): /bin/sh: 1: ./no-such-tool: not found";
  EXPECT_NE(o.out.find("[1/1] FAIL clean (command: ./no-such-tool {url} {output}): error, 0 "
                       "attempts, 0 B wasted"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("  error: " + said + "\n"), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("sisyphus run: the client of 1 scenario could not start"), std::string::npos)
      << o.err;
  EXPECT_NE(read_file(path("out") + "/summary.md").find("- error: " + said), std::string::npos);
  EXPECT_EQ(verdicts(results(path("out"))),
            (std::map<std::string, std::string>{{"clean", "error"}}));
  // merge keeps the exit code.
  EXPECT_EQ(sisyphus({"report", "merge", path("out"), "--out", path("m")}).exit_code, 2);
}

TEST_F(CliTest, ShardsMergedEqualTheUnshardedRun) {
  const std::string data = SISYPHUS_TEST_DATA;
  const Output all = sisyphus({"run", data, "--out", path("all")});
  EXPECT_EQ(all.exit_code, 1) << all.out << all.err;  // `gone` fails on purpose
  const Output s1 = sisyphus({"run", data, "--shard", "1/2", "--out", path("s1")});
  const Output s2 = sisyphus({"run", data, "--shard", "2/2", "--out", path("s2")});
  EXPECT_EQ(results(path("s1")).at("scenarios").as_array().size(), 3u);
  EXPECT_EQ(results(path("s2")).at("scenarios").as_array().size(), 2u);
  EXPECT_EQ(s1.exit_code + s2.exit_code, 1);  // exactly one shard holds `gone`
  const Output merged = sisyphus({"report", "merge", path("s1"), path("s2"), "--out", path("m")});
  // The merged set holds `gone`'s failure: merge exits as the unsharded run did.
  ASSERT_EQ(merged.exit_code, 1) << merged.err;
  EXPECT_NE(merged.out.find("merged 5 scenarios from 2 result sets into " + path("m") +
                            ": 1 failed (see summary.md)"),
            std::string::npos)
      << merged.out;
  const Output passing =
      sisyphus({"report", "merge", path("s1") + "/results.json", "--out", path("m1")});
  EXPECT_EQ(passing.exit_code, s1.exit_code) << passing.out << passing.err;

  json::value a = results(path("all"));
  json::value m = results(path("m"));
  strip_times(a);
  strip_times(m);
  EXPECT_TRUE(a == m) << json::serialize(a) << "\n" << json::serialize(m);
  EXPECT_EQ(verdicts(a.as_object()), (std::map<std::string, std::string>{{"clean", "ok"},
                                                                         {"drop-close", "ok"},
                                                                         {"etag-change", "ok"},
                                                                         {"gone", "failed-clean"},
                                                                         {"status-503", "ok"}}));
}

TEST_F(CliTest, TableReplayAndJunitOfARunWithAFailure) {
  const std::string data = SISYPHUS_TEST_DATA;
  const Output o = sisyphus({"run", data, "--out", path("r"), "--seed", "77"}, {"NO_COLOR=1"});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out.find("\x1b["), std::string::npos);  // not a terminal: no colour
  EXPECT_NE(o.out.find("4 passed, 1 failed"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("FAIL gone (reference): failed-clean"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("verdict: expected ok, got failed-clean"), std::string::npos) << o.out;
  const std::string replay = "sisyphus run " + std::string(SISYPHUS_TEST_DATA) +
                             "/gone.yaml --client reference --seed 77 --time-scale 1";
  EXPECT_NE(o.out.find("replay: " + replay), std::string::npos) << o.out;
  const auto r = results(path("r"));
  EXPECT_EQ(r.at("seed").as_int64(), 77);
  EXPECT_EQ(r.at("client").as_string(), "reference");

  // The replay command reproduces the failure on its own.
  std::vector<std::string> args{"run",          std::string(SISYPHUS_TEST_DATA) + "/gone.yaml",
                                "--client",     "reference",
                                "--seed",       "77",
                                "--time-scale", "1",
                                "--out",        path("replay")};
  EXPECT_EQ(sisyphus(args).exit_code, 1);
  EXPECT_EQ(verdicts(results(path("replay"))),
            (std::map<std::string, std::string>{{"gone", "failed-clean"}}));

  // junit.xml parses as XML, one testcase per scenario, the failed expectation as message.
  const std::string script =
      "import sys, xml.etree.ElementTree as ET\n"
      "root = ET.parse(sys.argv[1]).getroot()\n"
      "cases = root.findall('.//testcase')\n"
      "print(root.tag, len(cases), root.get('tests'), root.get('failures'))\n"
      "for c in cases:\n"
      "    f = c.find('failure')\n"
      "    print(c.get('name'), 'FAIL ' + f.get('message') if f is not None else 'pass')\n";
  std::ofstream(path("junit.py")) << script;
  const RunResult junit =
      run({"python3", path("junit.py"), path("r") + "/junit.xml"}, dir_.path(), 60s);
  ASSERT_EQ(junit.exit_code, 0) << junit.err;
  EXPECT_EQ(junit.out,
            "testsuites 5 5 1\n"
            "clean pass\n"
            "drop-close pass\n"
            "etag-change pass\n"
            "gone FAIL verdict: expected ok, got failed-clean\n"
            "status-503 pass\n");
}

TEST_F(CliTest, NaiveClientIsCorruptWhereVersionsSplice) {
  // (timed-change-mid-download is left out: on a machine slow enough to take 300 ms before
  // the first request, both attempts see the new version and naive is right by luck.)
  std::vector<std::string> args{"run", "--client", "naive", "--out", path("naive")};
  for (const char* name :
       {"etag-change-between-attempts", "last-modified-only-change", "prefill-half-changed",
        "prefill-half-unchanged", "resume-range-policy-etag-change", "weak-etag-only",
        "drop-at-95-then-98-percent"}) {
    args.insert(args.end(), {"--filter", name});
  }
  const Output o = sisyphus(args);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const auto r = results(path("naive"));
  EXPECT_EQ(r.at("client").as_string(), "naive");
  EXPECT_EQ(verdicts(r), (std::map<std::string, std::string>{
                             {"drop-at-95-then-98-percent", "ok"},
                             {"etag-change-between-attempts", "corrupt"},
                             {"last-modified-only-change", "corrupt"},
                             {"prefill-half-changed", "corrupt"},
                             {"prefill-half-unchanged", "ok"},
                             {"resume-range-policy-etag-change", "corrupt"},
                             {"weak-etag-only", "corrupt"},
                         }));
  for (const auto& s : r.at("scenarios").as_array()) {
    if (s.at("verdict").as_string() != "corrupt") continue;
    const auto& c = s.at("corruption").as_object();
    EXPECT_EQ(c.at("kind").as_string(), "mismatch") << s.at("name");
  }
}

// The verdicts measured for the real tools (docs/runner.md has the whole catalogue).
TEST_F(CliTest, RealToolPresetsReachTheirMeasuredVerdicts) {
  const std::vector<std::string> filter{"--filter", "etag-change-between-attempts",
                                        "--filter", "drop-reset-mid-body",
                                        "--filter", "no-range-server",
                                        "--filter", "status-500-once",
                                        "--filter", "already-complete-416"};
  const std::map<std::string, std::map<std::string, std::string>> want{
      {"curl",
       {{"already-complete-416", "failed-clean"},  // 416 is an error for curl -f -C -
        {"drop-reset-mid-body", "ok"},
        {"etag-change-between-attempts", "corrupt"},  // -C - sends no If-Range
        {"no-range-server", "failed-clean"},          // "server doesn't support byte ranges"
        {"status-500-once", "ok"}}},
      {"wget",
       {{"already-complete-416", "ok"},
        {"drop-reset-mid-body", "ok"},
        {"etag-change-between-attempts", "corrupt"},
        {"no-range-server", "ok"},
        {"status-500-once", "ok"}}},
      {"aria2c",
       {{"already-complete-416", "ok"},
        {"drop-reset-mid-body", "ok"},
        {"etag-change-between-attempts", "corrupt"},
        {"no-range-server", "failed-clean"},
        {"status-500-once", "failed-clean"}}},  // aria2c retries no 500
  };
  for (const auto& [client, expected] : want) {
    std::vector<std::string> args{"run", "--client", client, "--out", path(client)};
    args.insert(args.end(), filter.begin(), filter.end());
    const Output o = sisyphus(args);
    EXPECT_EQ(o.exit_code, 1) << client << o.out << o.err;
    const auto r = results(path(client));
    EXPECT_EQ(verdicts(r), expected) << client << "\n" << o.out;
    for (const auto& s : r.at("scenarios").as_array()) {
      EXPECT_FALSE(s.at("timed_out").as_bool()) << client << " " << s.at("name");
    }
  }
}

// The head faults (docs/faults.md: empty_reply, head_cut, endless_head, garbage) against the
// real tools, as measured in docs/runner.md: curl and wget take a head cut by a FIN before
// any framing field for an empty close-delimited answer, wget keeps garbage as an HTTP/0.9
// body, aria2c gives up on it.
TEST_F(CliTest, RealToolsMeetTheHeadFaultsAsMeasured) {
  const std::vector<std::string> filter{"--filter",     "empty-reply",      "--filter",
                                        "endless-head", "--filter",         "garbage-then-close",
                                        "--filter",     "head-cut-mid-head"};
  const std::map<std::string, std::map<std::string, std::string>> want{
      {"curl",
       {{"empty-reply", "ok"},
        {"endless-head", "ok"},
        {"garbage-then-close", "ok"},  // "Received HTTP/0.9 when not allowed", exit 1, retried
        {"head-cut-mid-head", "corrupt"}}},  // exit 0 with an empty file
      {"wget",
       {{"empty-reply", "ok"},
        {"endless-head", "ok"},
        {"garbage-then-close", "corrupt"},  // the 64 bytes saved as the file
        {"head-cut-mid-head", "corrupt"}}},
      {"aria2c",
       {{"empty-reply", "ok"},
        {"endless-head", "ok"},
        {"garbage-then-close", "failed-clean"},  // "Bad Status-Line", not retried
        {"head-cut-mid-head", "ok"}}},
  };
  for (const auto& [client, expected] : want) {
    std::vector<std::string> args{"run", "--client", client, "--out", path(client)};
    args.insert(args.end(), filter.begin(), filter.end());
    const Output o = sisyphus(args);
    EXPECT_EQ(o.exit_code, 1) << client << o.out << o.err;
    EXPECT_EQ(verdicts(results(path(client))), expected) << client << "\n" << o.out;
  }
}

// The state letter of /proc/PID/stat (R, S, Z, ...), or 0 when there is no such process.
char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return 0;
  const auto paren = line.rfind(')');  // the command name may hold spaces and parentheses
  return paren != std::string::npos && paren + 2 < line.size() ? line[paren + 2] : 0;
}

TEST_F(CliTest, InterruptingTheRunKillsTheClientProcesses) {
  const std::string work = path("w");
  std::filesystem::create_directories(work);
  Child runner({SISYPHUS_BINARY, "run", SISYPHUS_TEST_DATA, "--client",
                "command: echo $$ > {workdir}/pid; exec sleep 1000", "--jobs", "2", "--deadline",
                "60s", "--work-dir", work, "--out", path("out")},
               "/dev/null", "/dev/null");
  // Both jobs' clients are running once both pid files exist.
  std::vector<pid_t> clients;
  for (int i = 0; i < 500 && clients.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    clients.clear();
    for (const auto& d : std::filesystem::directory_iterator(work)) {
      pid_t pid = 0;
      if (std::ifstream(d.path() / "pid") >> pid) clients.push_back(pid);
    }
  }
  ASSERT_EQ(clients.size(), 2u);
  for (pid_t pid : clients) EXPECT_EQ(::kill(pid, 0), 0);
  runner.signal(SIGINT);
  const std::optional<int> status = runner.wait_status(60s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGINT) << *status;
  for (pid_t pid : clients) {
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
      // Killed is gone, even while a zombie that init has not reaped yet.
      gone = (::kill(pid, 0) != 0 && errno == ESRCH) || process_state(pid) == 'Z';
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(gone) << "client " << pid << " outlived the interrupted run";
  }
}

TEST_F(CliTest, EachFilterTakesOneGlobAndInputsMayFollow) {
  const Output o = sisyphus(
      {"run", "--filter", "drop-*", SISYPHUS_TEST_DATA, "--filter", "clean", "--out", path("f")});
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_EQ(verdicts(results(path("f"))),
            (std::map<std::string, std::string>{{"clean", "ok"}, {"drop-close", "ok"}}));
}

TEST_F(CliTest, CatalogueDirectoryCanBeOverridden) {
  const Output o = sisyphus({"run", "--out", path("env"), "--filter", "clean"},
                            {std::string("SISYPHUS_CATALOGUE=") + SISYPHUS_TEST_DATA});
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_EQ(verdicts(results(path("env"))), (std::map<std::string, std::string>{{"clean", "ok"}}));
}

}  // namespace
}  // namespace sisyphus::testing
