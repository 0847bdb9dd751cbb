// `sisyphus get` onto a full file system (a 4 MiB tmpfs in a mount namespace of its own,
// skipped with the reason where none can be made): it exits 1 naming the file and "No space
// left on device", leaves no FILE, keeps the part and a state that counts only good bytes,
// and once space is freed a rerun resumes from that count with If-Range to the right bytes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "get_crash.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/small_file_system.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::uint64_t kFsSize = 4 * 1024 * 1024;
constexpr std::uint64_t kFiller = 3 * 1024 * 1024;  // leaves 1 MiB for a 2 MiB download
constexpr std::uint64_t kSize = 2 * 1024 * 1024;

class GetFullDiskTest : public ServerTest {
 protected:
  // A small file system, or a skip saying why there is none.
  void SetUp() override {
    std::string why;
    small_ = SmallFileSystem::make(kFsSize, why);
    if (!small_) GTEST_SKIP() << "no small file system can be made here: " << why;
  }
  // Writes `size` bytes of filler, or as many as fit when `size` is more than is free.
  void fill(std::uint64_t size) {
    std::ofstream f(*small_ / "filler", std::ios::binary);
    const std::string block(64 * 1024, 'x');
    for (std::uint64_t done = 0; done < size && f; done += block.size()) {
      f.write(block.data(),
              static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), size - done)));
    }
  }

  std::unique_ptr<SmallFileSystem> small_;
  TempDir logs_{"get-full-disk"};
};

TEST_F(GetFullDiskTest, FailsNamingTheFileKeepsAResumablePartAndResumesOnceThereIsSpace) {
  fill(kFiller);
  // Attempt 1 at 2 MiB/s: the state is refreshed (every 50 ms) before the disk fills, half a
  // second in; the rerun is attempt 2, at full speed.
  start(scenario_yaml("full-disk", "size: 2MiB, seed: 7",
                      "attempts:\n  - throttle: {rate: 2MiB/s}\n"));
  const std::string etag = head("/file").header("ETag").value_or("");
  const fs::path out = *small_ / "out.bin";
  const fs::path part = client::part_path(out);

  const RunResult failed = run(crash_get_argv(url(), out, {"--json"}), logs_.path(), 20s);
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  // The error names the file that could not be written (the part, or the state's temporary
  // file when the disk filled between two state updates) and the reason, as the last line.
  const std::string tmp = client::state_path(out).string() + ".tmp";
  const std::string part_error =
      fmt::format("cannot write {}: No space left on device", part.string());
  const std::string tmp_error = fmt::format("cannot write {}: No space left on device", tmp);
  EXPECT_TRUE(failed.err.ends_with("failed: attempt 1: " + part_error + "\n") ||
              failed.err.ends_with("failed: attempt 1: " + tmp_error + "\n"))
      << failed.err;
  const json::object summary = json::parse(failed.out).as_object();
  EXPECT_EQ(summary.at("exit_code").to_number<int>(), 1);
  EXPECT_EQ(summary.at("attempts").to_number<int>(), 1);  // a local error is not retried
  EXPECT_EQ(summary.at("attempt_log").as_array().at(0).at("outcome").as_string(), "local-error");

  const LeftOnDisk left = left_on_disk(out);
  EXPECT_FALSE(left.output);
  ASSERT_TRUE(left.state.has_value());
  ASSERT_TRUE(left.part_size.has_value());
  expect_consistent(left, etag, kSize, kContentSeed);
  EXPECT_GT(left.state->bytes, 0u) << "nothing counted: nothing to resume";
  EXPECT_LT(*left.part_size, kFiller) << "the disk never filled";
  fmt::print("full disk: part holds {} bytes, the state counts {}\n", *left.part_size,
             left.state->bytes);

  // Space again: the rerun resumes from the count.
  fs::remove(*small_ / "filler");
  const RunResult rerun = run(crash_get_argv(url(), out, {"--json"}), logs_.path(), 20s);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_TRUE(same_bytes(read_file(out), content_bytes(kContentSeed, 0, kSize)));
  EXPECT_EQ(names_in(small_->path()), std::set<std::string>{"out.bin"});
  const auto log = get_requests(log_with(3));  // the HEAD above and both GETs
  ASSERT_EQ(log.size(), 2u);
  expect_rerun_resumed(left, json::parse(rerun.out).as_object(), log[1], etag, kSize);
}

TEST_F(GetFullDiskTest, AlreadyFullFailsAtTheFirstStateWriteAndLeavesNothingBehind) {
  fill(2 * kFsSize);  // every block taken
  start(scenario_yaml("full-disk", "size: 2MiB, seed: 7", ""));
  const fs::path out = *small_ / "out.bin";
  const RunResult failed = run(crash_get_argv(url(), out), logs_.path(), 20s);
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_EQ(failed.err, fmt::format("failed: cannot write {}.tmp: No space left on device\n",
                                    client::state_path(out).string()));
  // The failed state update took its temporary file with it, and the part, empty (opened and
  // locked before the state was written), went too: a download that gives up holding nothing
  // leaves nothing.
  EXPECT_EQ(names_in(small_->path()), (std::set<std::string>{"filler"}));
  EXPECT_TRUE(get_requests(server_->log()).empty());

  fs::remove(*small_ / "filler");
  const RunResult rerun = run(crash_get_argv(url(), out), logs_.path(), 20s);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_TRUE(same_bytes(read_file(out), content_bytes(kContentSeed, 0, kSize)));
  EXPECT_EQ(names_in(small_->path()), std::set<std::string>{"out.bin"});
}

}  // namespace
}  // namespace sisyphus::testing
