// O_DIRECT writes whole 4 KiB blocks and carries the partial one: drops, resumes and the
// end all fall inside blocks here, and every byte must still land where it belongs.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

constexpr std::uint64_t kOdd = 3 * 1024 * 1024 + 1234;  // 3146962
std::string odd_scenario(std::string_view attempts) {
  return fmt::format("name: t\nseed: 7\nresource:\n  size: {}\n  seed: 3\n{}", kOdd, attempts);
}

// Downloads the odd resource with O_DIRECT even for so small a body (direct_io_min 0, where
// the default would write buffered), verified by its SHA-256: whole, in `attempts` attempts,
// no byte received twice.
void expect_direct_io_download(Options o, std::uint64_t attempts) {
  o.direct_io_min = 0;
  o.sha256 = sha256_hex_of_content(3, kOdd);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, attempts);
  EXPECT_EQ(r.bytes_received, kOdd);
  EXPECT_EQ(r.verified_by, "sha256");
}

TEST_F(ClientServerTest, DirectIoResumesExactlyAtOffsetsInsideBlocks) {
  start(
      odd_scenario("attempts:\n"
                   "  - drop: {at: 30%, how: close}\n"
                   "  - drop: {at: 60%, how: reset}\n"
                   "  - drop: {at: 90%, how: close}\n"));
  Options o = options();
  o.buffer_size = 64 * 1024;  // many chunks, each ending inside a block
  ASSERT_NO_FATAL_FAILURE(expect_direct_io_download(o, 4u));
  expect_output_is(3, kOdd);
  auto log = get_requests(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[1].range, "bytes=944088-");  // 944088 % 4096 == 2008
  EXPECT_EQ(log[2].range, "bytes=1888177-");
  EXPECT_EQ(log[3].range, "bytes=2832265-");
  EXPECT_EQ(total_sent(log), kOdd);
}

TEST_F(ClientServerTest, DirectIoRerunRewritesThePartialBlockItResumesIn) {
  start(odd_scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.direct_io_min = 0;
  o.max_attempts = 1;
  ASSERT_FALSE(download(o).ok);
  auto st = load_part_state(state_path(out()));
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->bytes, kOdd / 2);  // 1573481: inside block 384
  EXPECT_EQ(fs::file_size(part_path(out())), kOdd / 2);
  {
    std::ofstream app(part_path(out()), std::ios::binary | std::ios::app);
    app << std::string(5000, 'X');  // torn bytes past the count, across a block boundary
  }
  o.max_attempts = 2;
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.bytes_resumed, kOdd / 2);
  expect_output_is(3, kOdd);
  EXPECT_EQ(r.sha256, sha256_hex_of_content(3, kOdd));
}

// A file system that refuses O_DIRECT (ramfs: the open fails with EINVAL) gets buffered
// writes instead, and the same bytes. Mounting one needs root (CAP_SYS_ADMIN), as on CI;
// without it the test is skipped, saying so.
TEST_F(ClientServerTest, DirectIoFallsBackToBufferedWritesWhereTheFileSystemRefusesIt) {
  const fs::path mnt = dir_ / "ramfs";
  fs::create_directories(mnt);
  if (::mount("sisyphus-test", mnt.c_str(), "ramfs", 0, nullptr) != 0) {
    GTEST_SKIP() << "cannot mount a ramfs at " << mnt << ": " << std::strerror(errno);
  }
  struct Unmount {
    fs::path at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{mnt};
  {  // the premise
    const int fd = ::open((mnt / "probe").c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
    const int err = errno;
    if (fd >= 0) ::close(fd);
    ASSERT_LT(fd, 0) << "ramfs took O_DIRECT";
    ASSERT_EQ(err, EINVAL);
  }
  start(odd_scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  Options o = options();
  o.output = mnt / "out.bin";  // O_DIRECT would be used anywhere else
  ASSERT_NO_FATAL_FAILURE(expect_direct_io_download(o, 2u));
  const std::string data = read_file(mnt / "out.bin");
  EXPECT_EQ(data.size(), kOdd);
  EXPECT_EQ(first_mismatch(data, 3), std::nullopt);
  EXPECT_FALSE(fs::exists(part_path(o.output)));
}

}  // namespace
}  // namespace sisyphus::client::test
