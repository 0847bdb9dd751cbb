#pragma once
// The reference client (and the naive one) against the real fault-injecting origin server
// over loopback: exact byte counts from the server's own log, exact request headers, the
// output compared with regenerated content. Shared by the client_*_test.cpp files of the
// client_server_test binary.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sisyphus/client/state.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "support.hpp"

namespace sisyphus::client::test {

using sisyphus::testing::get_requests;
using sisyphus::testing::total_sent;

inline constexpr std::uint64_t kSize = 4 * 1024 * 1024;  // 4194304
inline constexpr std::uint64_t k30 = 1258291;            // floor(30 % of kSize)
inline constexpr std::uint64_t k50 = 2097152;
inline constexpr std::uint64_t k60 = 2516582;
inline constexpr std::uint64_t k90 = 3774873;

// A kSize resource with content seed 1; `body` adds attempts:, faults:, server: ...
inline std::string scenario(std::string_view body, std::string_view resource_extra = "") {
  return fmt::format("name: t\nseed: 7\nresource:\n  size: 4MiB\n  seed: 1\n{}{}", resource_extra,
                     body);
}

// attempts: cut at 30, 60 and 90 % by `how` (close | reset), then clean.
inline std::string three_drops(std::string_view how) {
  return fmt::format(
      "attempts:\n  - drop: {{at: 30%, how: {0}}}\n  - drop: {{at: 60%, how: {0}}}\n"
      "  - drop: {{at: 90%, how: {0}}}\n",
      how);
}

// attempts: the first cut at 50 % by a close; and the resource changes before the second.
inline constexpr std::string_view kDropThenChange =
    "attempts:\n  - drop: {at: 50%, how: close}\nchanges:\n  - before_attempt: 2\n";

class ClientServerTest : public sisyphus::testing::ServerTest {
 protected:
  fs::path out() const { return dir_ / "out.bin"; }
  Options options() const { return quick_options(url(), out()); }
  std::string etag_now() { return head("/file").header("ETag").value_or(""); }
  void expect_output_is(std::uint64_t seed, std::uint64_t size) {
    const std::string data = read_file(out());
    EXPECT_EQ(data.size(), size);
    EXPECT_EQ(first_mismatch(data, seed), std::nullopt);
    EXPECT_FALSE(fs::exists(part_path(out())));
    EXPECT_FALSE(fs::exists(state_path(out())));
  }

  TempDir dir_;
};

}  // namespace sisyphus::client::test
