// Freed heap goes back to the kernel after a peak (ServerCore::return_freed_memory()): the
// resident size of this process (the server runs in it) falls once a full request log is
// reset. glibc alone returns only the free top of an arena, which a few live allocations
// pin; the bound below leaves room for those.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "sisyphus/testing/sanitizers.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

class MemoryReturn : public ServerTest {};

TEST_F(MemoryReturn, ResettingAFullLogHandsItsMemoryBack) {
  if (sanitizer_allocator) {
    GTEST_SKIP() << "a sanitizer's allocator keeps freed memory (ASan's quarantine) and "
                    "ignores malloc_trim: RSS after a reset measures nothing here";
  }
  // Long paths make each record about 1 KB, so the log dominates what the test allocates.
  proxy::ServerOptions options;
  options.admin = "127.0.0.1:0";
  options.one_malloc_arena = true;
  start("name: trim\nresource: {path: /f, size: 10, seed: 1}\n", options);
  const std::string path = "/" + std::string(900, 'p');
  constexpr std::size_t kRequests = 30'000;
  const std::size_t before = resident_bytes();
  {
    RawClient c = connect();
    for (std::size_t i = 0; i < kRequests; ++i) {
      c.send(request("HEAD", path));
      ASSERT_EQ(c.read_response(true).status, 404);
    }
  }
  ASSERT_EQ(server_->stats().requests, kRequests);
  const std::size_t full = resident_bytes();
  ASSERT_GT(full, before + 20 * 1024 * 1024) << "the log did not grow as expected";
  // As a user resets it: the admin API, on an io thread.
  ASSERT_EQ(fetch("127.0.0.1", server_->admin_port(), "POST", "/v1/reset").status, 200);
  // The trim runs on the server's blocking pool: wait for its effect (bounded).
  std::size_t after = resident_bytes();
  for (int i = 0; i < 200 && after > before + (full - before) / 4; ++i) {
    std::this_thread::sleep_for(10ms);
    after = resident_bytes();
  }
  std::printf("[ memory ] RSS %zu KiB before, %zu KiB with %zu records, %zu KiB after reset\n",
              before / 1024, full / 1024, kRequests, after / 1024);
  // Without the trim, about half stayed resident.
  EXPECT_LT(after, before + (full - before) / 4);
}

}  // namespace
}  // namespace sisyphus::testing
