// What a relayed body costs in descriptors. A throttled body is copied, not spliced: its
// pipe would double the descriptors of each connection for as long as the slow body lasts,
// and a herd of 4,000 slow readers ran the proxy out of them (EMFILE on the upstream
// connects, which asio's range connect had reported as "Operation canceled").
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "relay_fixture.hpp"
#include "sisyphus/testing/sanitizers.hpp"

namespace sisyphus::testing {
namespace {

using namespace std::chrono_literals;

// Pipes this process holds (the proxy's splice pipes, in this in-process test).
std::size_t open_pipes() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (!ec && target.string().starts_with("pipe:")) ++n;
  }
  return n;
}

// The pipe count once it reaches `n`, or after 2 s.
std::size_t pipes_once(std::size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (open_pipes() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  return open_pipes();
}

class RelayDescriptorTest : public RelayTest {
 protected:
  // 20 connections, each past the head of /file.bin and into its body.
  std::vector<RawClient> mid_body() {
    std::vector<RawClient> clients;
    for (int i = 0; i < 20; ++i) {
      clients.push_back(connect());
      clients.back().set_receive_buffer(16 * 1024);
      clients.back().send(request("GET", "/file.bin"));
      EXPECT_FALSE(clients.back().read_some(2s, 1000).empty());
    }
    return clients;
  }
};

TEST_F(RelayDescriptorTest, AThrottledBodyIsCopiedAndHoldsNoPipe) {
  start("name: slow\nresource: {path: /file.bin}\nfaults:\n  - throttle: {rate: 64KiB/s}\n");
  const std::size_t before = open_pipes();
  auto clients = mid_body();
  EXPECT_EQ(pipes_once(before + 1), before);  // waits the 2 s: none may come
  // The bodies still flow, copied through the relay buffer.
  EXPECT_FALSE(clients[0].read_some(2s, 64 * 1024).empty());
}

TEST_F(RelayDescriptorTest, AnUnthrottledBodyIsSplicedThroughOnePipePerConnection) {
  // The control: the count above would see the pipes if there were any.
  start("name: fast\n");
  const std::size_t before = open_pipes();
  auto clients = mid_body();
  EXPECT_EQ(pipes_once(before + 2 * 20), before + 2 * 20);
}

TEST_F(RelayDescriptorTest, OutOfDescriptorsForTheUpstreamIsA502ThatSaysSo) {
  if (sanitizer_allocator) {
    // UBSan (built with ASan in the asan preset) opens a pipe for each vptr check it has not
    // cached, so with no descriptor left it reports every such call as "invalid vptr" and
    // aborts: this test runs in the Release suite (ctest --preset release).
    GTEST_SKIP() << "a sanitizer runtime needs descriptors of its own";
  }
  start("name: pass\n");
  RawClient c = connect();
  std::this_thread::sleep_for(50ms);  // the proxy has accepted it
  // Room for nothing more: the lowest free descriptor is the limit, so the upstream
  // socket cannot be opened.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  const int lowest_free = ::dup(0);
  ASSERT_GE(lowest_free, 0);
  ::close(lowest_free);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  c.send(request("GET", "/file.bin"));
  HttpResponse r = c.read_response();
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_EQ(r.status, 502);
  EXPECT_NE(r.body.find("cannot open a socket to 127.0.0.1:"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Too many open files"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace sisyphus::testing
