// Many downloads at once on one io_context, run by one thread or by four.
#include <fmt/format.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <thread>
#include <vector>

#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

TEST_F(ClientServerTest, HundredsOfDownloadsShareOneIoContext) {
  start("name: t\nseed: 1\nresource:\n  size: 256KiB\n");
  boost::asio::io_context io;
  constexpr int kCount = 200;
  std::vector<Result> results(kCount);
  int done = 0;
  for (int i = 0; i < kCount; ++i) {
    Options o = quick_options(url(), dir_ / fmt::format("out-{}.bin", i));
    o.buffer_size = 64 * 1024;
    async_download(io, o, [&, i](Result r) {
      results[static_cast<std::size_t>(i)] = std::move(r);
      ++done;
    });
  }
  io.run();  // one thread for all of them
  EXPECT_EQ(done, kCount);
  const std::string expected = content_bytes(1, 0, 256 * 1024);
  for (int i = 0; i < kCount; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(results[static_cast<std::size_t>(i)].ok)
        << results[static_cast<std::size_t>(i)].error;
    EXPECT_EQ(read_file(dir_ / fmt::format("out-{}.bin", i)), expected);
  }
  EXPECT_EQ(get_requests(log_with(kCount)).size(), static_cast<std::size_t>(kCount));
}

TEST_F(ClientServerTest, DownloadsOnAnIoContextRunByFourThreads) {
  // Each download runs on its own strand, so run() may be called on several threads.
  start(scenario("attempts:\n  - drop: {at: 50%, how: reset}\n"));
  boost::asio::io_context io;
  constexpr int kCount = 24;
  std::atomic<int> ok{0};
  for (int i = 0; i < kCount; ++i) {
    Options o = quick_options(url(), dir_ / fmt::format("t-{}.bin", i));
    o.buffer_size = 64 * 1024;
    async_download(io, o, [&](Result r) {
      if (r.ok) ++ok;
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kCount);
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(first_mismatch(read_file(dir_ / fmt::format("t-{}.bin", i)), 1), std::nullopt);
  }
  // The first request was cut at 50 %; every other one was clean.
  auto log = get_requests(log_with(kCount + 1));
  EXPECT_EQ(log.size(), static_cast<std::size_t>(kCount + 1));
}

}  // namespace
}  // namespace sisyphus::client::test
