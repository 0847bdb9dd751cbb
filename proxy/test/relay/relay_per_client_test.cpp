// The relay numbers attempts per Sisyphus-Client as the origin does (docs/server.md
// "Clients"), refuses a malformed one, and keeps the header to itself (docs/proxy.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "relay_fixture.hpp"
#include "sisyphus/testing/memoryless.hpp"

namespace sisyphus::testing {
namespace {

Headers as(std::string_view client) {
  return {{"Sisyphus-Client", std::string(client)}};
}

// Attempt 1 cut at 50 % by a close, attempt 2 clean.
constexpr std::string_view kCutOnce =
    "name: per-client\nseed: 11\nattempts:\n  - drop: {at: 50%, how: close}\n";

void expect_attempt(const HttpResponse& r, std::uint32_t k, std::string_view who) {
  ASSERT_EQ(r.status, 200) << who;
  EXPECT_EQ(r.body.size(), k == 1 ? kFileSize / 2 : kFileSize) << who;
  EXPECT_EQ(r.end, k == 1 ? End::fin : End::complete) << who;
  EXPECT_TRUE(r.body == file_bytes(0, r.body.size())) << who;
}

TEST_F(RelayTest, NamedClientsAreNumberedApartAndAnonymousOnesPerPath) {
  start(std::string(kCutOnce));
  for (std::uint32_t k = 1; k <= 2; ++k) {
    expect_attempt(get("/file.bin", as("alice")), k, fmt::format("alice {}", k));
    expect_attempt(get("/file.bin", as("bob")), k, fmt::format("bob {}", k));
  }
  expect_attempt(get("/file.bin"), 1, "anonymous");
  EXPECT_EQ(get("/file.bin", as("a:b")).status, 400);

  const auto log = log_with(6);
  ASSERT_EQ(log.size(), 6u);
  std::map<std::string, std::vector<std::uint32_t>> attempts;
  for (const auto& record : log)
    attempts[record.client.value_or("(none)")].push_back(record.attempt);
  EXPECT_EQ(attempts["alice"], (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(attempts["bob"], (std::vector<std::uint32_t>{1, 2}));
  // The anonymous GET and the refused one (attempt 0, nothing counted).
  EXPECT_EQ(attempts["(none)"], (std::vector<std::uint32_t>{1, 0}));
  const auto refused =
      std::find_if(log.begin(), log.end(), [](const auto& r) { return r.status == 400; });
  ASSERT_NE(refused, log.end());
  EXPECT_EQ(refused->error,
            "malformed Sisyphus-Client header: expected 1 to 64 characters of [A-Za-z0-9._-]");
}

TEST_F(RelayTest, ANamedClientsDrawsComeFromItsOwnDocumentedStream) {
  start("name: memoryless\nseed: 11\nfaults:\n  - drop: {after: {mean: 4MiB}, how: close}\n");
  for (std::uint32_t k = 1; k <= 4; ++k) {
    const std::uint64_t x =
        documented_exponential(11, fmt::format("/file.bin:carol:{}:0", k), 4 << 20);
    const HttpResponse r = get("/file.bin", as("carol"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body.size(), std::min(x, kFileSize)) << "attempt " << k << ", X = " << x;
  }
}

// In front of a sisyphus origin, whose log shows what the upstream received: no name, so the
// origin numbers the relayed requests per path, under its own scenario.
TEST_F(RelayTest, TheClientHeaderIsNotForwardedUpstream) {
  proxy::Server origin({}, scenario_from("name: origin\nresource: {size: 1000, seed: 3}\n"));
  origin.start();
  proxy::ServerOptions options;
  options.upstream = origin.base_url();
  start("name: relay\nresource: {path: /file}\n", std::move(options));
  for (std::string_view client : {"alice", "bob"}) {
    const HttpResponse r = get("/file", as(client));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, content_bytes(3, 0, 1000));
  }
  const auto upstream = testing::log_with(origin, 2);
  ASSERT_EQ(upstream.size(), 2u);
  for (const auto& record : upstream) EXPECT_EQ(record.client, std::nullopt);
  EXPECT_EQ(by_attempt(upstream).back().attempt, 2u);
  const auto relayed = log_with(2);
  ASSERT_EQ(relayed.size(), 2u);
  for (const auto& record : relayed) EXPECT_EQ(record.attempt, 1u);
  origin.stop();
}

}  // namespace
}  // namespace sisyphus::testing
