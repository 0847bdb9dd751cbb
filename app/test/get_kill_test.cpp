// `sisyphus get` killed with SIGKILL at seeded random moments of a download from the
// in-process origin server, then rerun to completion: the file is byte-identical every time
// and every rerun resumes, with If-Range, from exactly what the state file counted. The
// moments are picked on inotify events, so they land where they are meant to: when the part
// reaches a byte offset, or the instant the k-th state update creates or writes its
// temporary file (the metadata window). Two more tests kill in the windows where nothing is
// counted yet and where the file is already in place.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "get_crash.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/dir_watch.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::uint64_t kSize = 4 * 1024 * 1024;
constexpr int kMoments = 20;
// Attempt 1 takes a second (the moments spread over it); the rerun is attempt 2, at full speed.
const std::string kScenario =
    scenario_yaml("crash", "size: 4MiB, seed: 7", "attempts:\n  - throttle: {rate: 4MiB/s}\n");

// Where a download is killed.
struct Moment {
  enum Kind { part_reaches, state_created, state_written, output_renamed } kind;
  std::uint64_t n = 0;  // part_reaches: a byte offset; state_*: the k-th state update
  std::string text() const {
    switch (kind) {
      case part_reaches:
        return fmt::format("when the part reaches {} bytes (and the state counts some)", n);
      case state_created:
        return fmt::format("when state update {} creates its temporary file", n);
      case state_written:
        return fmt::format("when state update {} has written its temporary file", n);
      case output_renamed:
        return "when the part is renamed to the output";
    }
    return "?";
  }
};

std::uint64_t crash_seed() {
  const char* env = std::getenv("SISYPHUS_CRASH_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 20250611;
}

class GetKillTest : public ServerTest {
 protected:
  void SetUp() override { expected_ = content_bytes(kContentSeed, 0, kSize); }

  fs::path out() const { return work_ / "out.bin"; }

  // A fresh server (its attempt count starts over: attempt 1 is throttled again) and an
  // empty output directory; the served ETag.
  void fresh_round() {
    start(kScenario);
    for (const auto& name : names_in(work_.path())) fs::remove_all(work_ / name);
    etag_ = head("/file").header("ETag").value_or("");
    ASSERT_FALSE(etag_.empty());
  }

  // Starts `get`, SIGKILLs it at `moment`; false (with a failure) when the moment never came.
  bool kill_at(const Moment& moment) {
    const std::string part = client::part_path(out()).filename();
    const std::string state = client::state_path(out()).filename();
    const std::string tmp = state + ".tmp";
    DirWatch watch(work_.path());  // before the child: no event may be missed
    Child child(crash_get_argv(url(), out()), logs_ / "killed.out", logs_ / "killed.err");
    std::uint64_t counted = 0;
    std::uint64_t updates = 0;  // temporary state files created so far
    const bool reached = watch.wait_until(
        [&](const FileEvent& e) {
          if (e.name == tmp && (e.mask & IN_CREATE)) ++updates;
          if (e.name == state && (e.mask & IN_MOVED_TO)) {
            try {
              if (auto s = client::load_part_state(work_ / state)) counted = s->bytes;
            } catch (const ParseError&) {
              // Replaced again meanwhile, or torn: left_on_disk() tells after the kill.
            }
          }
          switch (moment.kind) {
            case Moment::part_reaches:
              return e.name == part && (e.mask & IN_MODIFY) && counted > 0 &&
                     fs::file_size(work_ / part) >= moment.n;
            case Moment::state_created:
              return e.name == tmp && (e.mask & IN_CREATE) && updates == moment.n;
            case Moment::state_written:
              return e.name == tmp && (e.mask & IN_MODIFY) && updates == moment.n;
            case Moment::output_renamed:
              return e.name == out().filename() && (e.mask & IN_MOVED_TO);
          }
          return false;
        },
        10s);
    child.signal(SIGKILL);
    const auto code = child.wait(5s);
    EXPECT_TRUE(reached) << "the moment never came; get: " << read_file(logs_ / "killed.err");
    EXPECT_EQ(code, 128 + SIGKILL) << "get ended by itself: " << read_file(logs_ / "killed.err");
    return reached && code == 128 + SIGKILL;
  }

  // Reruns `get` to completion: the file is the content, FILE is all that is left.
  json::object rerun() {
    const RunResult r = run(crash_get_argv(url(), out(), {"--json"}), logs_.path(), 20s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(same_bytes(read_file(out()), expected_));
    EXPECT_EQ(names_in(work_.path()), std::set<std::string>{"out.bin"});
    json::error_code ec;
    json::value v = json::parse(r.out, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "no JSON summary: " << r.out;
      return {};
    }
    return v.as_object();
  }

  // How many GETs the killed run made the server answer (0 when it was killed before its
  // request; the server logs a response once the connection is gone).
  std::size_t killed_requests() {
    wait_connections_closed();
    return get_requests(server_->log()).size();
  }

  // The server's record of the rerun's request, after the `killed` ones (each a plain GET).
  proxy::LogRecord rerun_request(std::size_t killed) {
    auto log = get_requests(log_with(killed + 1));
    EXPECT_EQ(log.size(), killed + 1);
    if (log.size() != killed + 1) return {};
    for (std::size_t i = 0; i < killed; ++i) {
      EXPECT_EQ(log[i].range, std::nullopt);
      EXPECT_EQ(log[i].status, 200);
    }
    return log.back();
  }

  // Kill at `moment`, check what is on disk, rerun, check the rerun; the bytes counted.
  std::uint64_t crash_and_rerun(const Moment& moment) {
    fresh_round();
    if (!kill_at(moment)) return 0;
    const LeftOnDisk left = left_on_disk(out());
    // What each moment left, for the record (and for a replay to compare).
    fmt::print("killed {}: state counts {}, part holds {}{}\n", moment.text(),
               left.state ? fmt::format("{} bytes", left.state->bytes) : std::string("nothing"),
               left.part_size ? fmt::format("{} bytes", *left.part_size) : std::string("no part"),
               left.state_tmp ? ", a state update was cut" : "");
    expect_consistent(left, etag_, kSize, kContentSeed);
    EXPECT_FALSE(left.output);
    const std::size_t killed = killed_requests();
    EXPECT_LE(killed, 1u);
    const json::object summary = rerun();
    if (summary.empty()) return 0;
    expect_rerun_resumed(left, summary, rerun_request(killed), etag_, kSize);
    return left.state ? left.state->bytes : 0;
  }

  std::string expected_;
  std::string etag_;
  TempDir work_{"get-kill"};
  TempDir logs_{"get-kill-logs"};
};

TEST_F(GetKillTest, TwentySeededKillsEachRerunResumesWithIfRangeToTheSameBytes) {
  const std::uint64_t seed = crash_seed();
  Rng rng(derive_seed(seed, "get kill moments"));
  for (int i = 0; i < kMoments; ++i) {
    Moment m{Moment::part_reaches};
    switch (rng.below(4)) {
      case 0:
      case 1:
        // Past the first state update (~200 KiB in), and a quarter of a second short of the
        // end, so that a busy machine still kills before the download is done.
        m = {Moment::part_reaches, rng.between(256 * 1024, kSize - 1024 * 1024)};
        break;
      case 2:
        // Updates 1 and 2 count nothing (start, validators); 3 counts the first bytes.
        m = {Moment::state_created, rng.between(4, 9)};
        break;
      default:
        m = {Moment::state_written, rng.between(4, 9)};
        break;
    }
    SCOPED_TRACE(
        fmt::format("seed {}, moment {} of {}: killed {}; replay with SISYPHUS_CRASH_SEED={} "
                    "app_get_crash_test --gtest_filter=GetKillTest.*",
                    seed, i + 1, kMoments, m.text(), seed));
    const std::uint64_t counted = crash_and_rerun(m);
    EXPECT_GT(counted, 0u) << "killed before anything was counted: nothing to resume";
    if (HasFailure()) return;  // one failing moment says enough
  }
}

TEST_F(GetKillTest, KilledBeforeAnyByteIsCountedTheRerunStartsOverWithoutRange) {
  // Update 1 writes the empty state of a new download, update 2 the validators with 0 bytes;
  // update 3 is the first to count bytes (when killed inside it, the old state counts 0).
  for (std::uint64_t k = 1; k <= 3; ++k) {
    for (auto kind : {Moment::state_created, Moment::state_written}) {
      const Moment m{kind, k};
      SCOPED_TRACE("killed " + m.text());
      crash_and_rerun(m);
      if (HasFailure()) return;
    }
  }
}

TEST_F(GetKillTest, KilledAsTheFileAppearsTheFileIsCompleteAndARerunFetchesItAgain) {
  // After the rename only the state file's removal is left. A rerun never takes FILE as a
  // prefix (docs/client.md): it finds a state without its part, discards it, starts over.
  fresh_round();
  ASSERT_TRUE(kill_at({Moment::output_renamed}));
  const LeftOnDisk left = left_on_disk(out());
  EXPECT_TRUE(left.output);
  EXPECT_EQ(left.part_size, std::nullopt);
  EXPECT_TRUE(same_bytes(read_file(out()), expected_));
  ASSERT_EQ(killed_requests(), 1u);
  const json::object summary = rerun();
  ASSERT_FALSE(summary.empty());
  const auto& restarts = summary.at("restarts").as_array();
  if (left.state) {
    ASSERT_EQ(restarts.size(), 1u);
    EXPECT_EQ(restarts[0].at("reason").as_string(),
              fmt::format("out.bin.part holds 0 bytes, fewer than the {} its state counts",
                          left.state->bytes));
  } else {
    EXPECT_TRUE(restarts.empty());
  }
  const proxy::LogRecord request = rerun_request(1);
  EXPECT_EQ(request.range, std::nullopt);
  EXPECT_EQ(request.status, 200);
  EXPECT_EQ(request.bytes_sent, kSize);
}

}  // namespace
}  // namespace sisyphus::testing
