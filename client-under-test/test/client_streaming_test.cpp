// Options::on_body: the reference client streams what it keeps to a callback instead of a
// file (herds, docs/compare.md "Herds"): every chunk at its offset, offset 0 again after a
// restart, the same attempts, checks and digest as with a file, and no file at all.
#include <fmt/format.h>

#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

// What a streaming download handed over: the output rebuilt from its chunks, and every
// offset a chunk started at where the one before did not end (restarts).
struct Stream {
  std::string output;
  std::vector<std::uint64_t> jumps;
};

Options streaming(Options o, Stream& stream) {
  o.output.clear();
  o.on_body = [&stream](std::uint64_t offset, std::span<const std::byte> bytes) {
    if (offset != stream.output.size()) {
      stream.jumps.push_back(offset);
      stream.output.resize(offset);
    }
    stream.output.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  return o;
}

TEST_F(ClientServerTest, AStreamingDownloadResumesLikeAFileOneAndLeavesNoFile) {
  start(scenario(three_drops("reset")));
  Stream stream;
  const Result r = download(streaming(options(), stream));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_EQ(r.bytes_discarded, 0u);
  EXPECT_EQ(r.sha256, sha256_hex_of_content(1, kSize));
  ASSERT_EQ(stream.output.size(), kSize);
  EXPECT_EQ(first_mismatch(stream.output, 1), std::nullopt);
  EXPECT_TRUE(stream.jumps.empty());
  EXPECT_TRUE(fs::is_empty(dir_.path()));  // no FILE, FILE.part or state file

  const auto log = get_requests(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  const std::uint64_t starts[] = {0, k30, k60, k90};
  for (std::size_t i = 1; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(log[i].range, fmt::format("bytes={}-", starts[i]));
    EXPECT_EQ(log[i].if_range, etag_now());
  }
}

TEST_F(ClientServerTest, AStreamingDownloadStartsAgainAtOffsetZeroWhenTheFileChanged) {
  start(scenario(kDropThenChange));
  Stream stream;
  const Result r = download(streaming(options(), stream));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].discarded, k50);
  EXPECT_EQ(stream.jumps, std::vector<std::uint64_t>{0});  // the 200 of version 2
  ASSERT_EQ(stream.output.size(), kSize);
  EXPECT_EQ(first_mismatch(stream.output, 2), std::nullopt);
  EXPECT_EQ(r.sha256, sha256_hex_of_content(2, kSize));
  EXPECT_TRUE(fs::is_empty(dir_.path()));
}

TEST_F(ClientServerTest, AStreamingDownloadStillChecksTheDigest) {
  start(scenario(kDropThenChange));
  Stream stream;
  Options o = streaming(options(), stream);
  o.sha256 = sha256_hex_of_content(1, kSize);  // the version that is gone
  o.max_attempts = 3;
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, kExitVerification);
  EXPECT_TRUE(fs::is_empty(dir_.path()));
}

TEST_F(ClientServerTest, OnBodyTakesNoOutputFileAndNotTheNaiveClient) {
  Stream stream;
  Options o = quick_options("http://127.0.0.1/x", out());
  o.on_body = [](std::uint64_t, std::span<const std::byte>) {};
  EXPECT_EQ(download(o).error, "an output file and on_body are exclusive");
  o = streaming(o, stream);
  o.naive = true;
  EXPECT_EQ(download(o).error, "the naive client writes a file: on_body is not for it");
}

}  // namespace
}  // namespace sisyphus::client::test
