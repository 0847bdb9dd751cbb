// Attempts numbered per client over loopback (docs/server.md "Clients"): requests that name
// themselves with Sisyphus-Client get the scenario's attempts 1, 2, 3 each, whatever the
// interleaving; their draws come from the documented per-client labels (docs/faults.md
// "Probability and seeding"); a malformed name is a 400 that counts nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/memoryless.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

constexpr std::uint64_t kSize = 100000;
constexpr std::uint64_t kContentSeed = 4;
constexpr std::uint64_t kSeed = 3;

std::string scenario(std::string_view rules) {
  return scenario_yaml("per-client", fmt::format("size: {}, seed: {}", kSize, kContentSeed), rules,
                       kSeed);
}

// Attempt 1 cut at 50 %, attempt 2 a 503, attempt 3 (and later) clean.
constexpr std::string_view kThreeAttempts =
    "attempts:\n  - drop: {at: 50%, how: close}\n  - status: {code: 503}\n  - {}\n";

Headers as(std::string_view client) {
  return {{"Sisyphus-Client", std::string(client)}};
}

HttpResponse get_on(RawClient& c, std::string_view client) {
  c.send(request("GET", "/file", as(client)));
  return c.read_response();
}

void expect_attempt(const HttpResponse& r, std::uint32_t k, std::string_view who) {
  const std::string full = content_bytes(kContentSeed, 0, kSize);
  if (k == 1) {
    EXPECT_EQ(r.status, 200) << who;
    EXPECT_EQ(r.end, End::fin) << who;
    EXPECT_EQ(r.body, full.substr(0, kSize / 2)) << who;
  } else if (k == 2) {
    EXPECT_EQ(r.status, 503) << who;
  } else {
    EXPECT_EQ(r.status, 200) << who;
    EXPECT_EQ(r.end, End::complete) << who;
    EXPECT_TRUE(r.body == full) << who;
  }
}

TEST_F(ServerTest, TwoNamedClientsInterleavingEachGetAttemptsOneTwoThree) {
  start(scenario(kThreeAttempts));
  // A cut closes its connection, so each attempt goes on a fresh one, alternating clients.
  for (std::uint32_t k = 1; k <= 3; ++k) {
    RawClient alice = connect();
    RawClient bob = connect();
    expect_attempt(get_on(alice, "alice"), k, fmt::format("alice, attempt {}", k));
    expect_attempt(get_on(bob, "bob-2.x_Y"), k, fmt::format("bob, attempt {}", k));
  }
  // A request that names no client is numbered per path, apart from both: its attempt 1.
  expect_attempt(get("/file"), 1, "anonymous");
  expect_attempt(get("/file"), 2, "anonymous");

  const auto log = log_with(8);
  ASSERT_EQ(log.size(), 8u);
  std::map<std::string, std::vector<std::uint32_t>> attempts;
  for (const auto& record : log)
    attempts[record.client.value_or("(none)")].push_back(record.attempt);
  EXPECT_EQ(attempts["alice"], (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(attempts["bob-2.x_Y"], (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(attempts["(none)"], (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(attempts.size(), 3u);
}

TEST_F(ServerTest, AMalformedClientNameIsRefusedAndCountsNothing) {
  start(scenario(kThreeAttempts));
  const std::string longest(64, 'a');
  const std::vector<Headers> malformed = {
      as(""),
      as("a:b"),
      as("a b"),
      as("caf\xc3\xa9"),
      as(longest + "a"),
      {{"Sisyphus-Client", "alice"}, {"Sisyphus-Client", "alice"}}};
  for (const Headers& h : malformed) {
    const HttpResponse r = get("/file", h);
    EXPECT_EQ(r.status, 400) << h.back().second;
  }
  const auto refused = log_with(malformed.size());
  ASSERT_EQ(refused.size(), malformed.size());
  for (std::size_t i = 0; i + 1 < refused.size(); ++i) {
    EXPECT_EQ(refused[i].attempt, 0u);
    EXPECT_EQ(refused[i].client, std::nullopt);
    EXPECT_EQ(refused[i].error,
              "malformed Sisyphus-Client header: expected 1 to 64 characters of [A-Za-z0-9._-]");
  }
  EXPECT_EQ(refused.back().error, "Sisyphus-Client sent 2 times: a request names one client");
  // Nothing was counted: the 64-character name and "alice" both start at attempt 1, and so
  // does the path's own count.
  expect_attempt(get("/file", as(longest)), 1, "64 characters");
  expect_attempt(get("/file", as("alice")), 1, "alice");
  expect_attempt(get("/file"), 1, "anonymous");
  const auto log = log_with(malformed.size() + 3);
  ASSERT_EQ(log.size(), malformed.size() + 3);
  EXPECT_EQ(log[malformed.size()].client, longest);
}

// Rule 0's draw for GET k by `client`: "PATH:CLIENT:k:0", or "PATH:k:0" for no client.
std::uint64_t documented_draw(std::string_view client, std::uint32_t k) {
  const std::string label =
      client.empty() ? fmt::format("/file:{}:0", k) : fmt::format("/file:{}:{}:0", client, k);
  return documented_exponential(kSeed, label, 50000);
}

TEST_F(ServerTest, EachClientDrawsFromItsOwnDocumentedStream) {
  start(scenario("faults:\n  - drop: {after: {mean: 50000}, how: reset}\n"));
  constexpr std::uint32_t kAttempts = 6;
  const std::vector<std::string> clients = {"alice", "bob", ""};
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    for (const std::string& client : clients) {
      const HttpResponse r = get("/file", client.empty() ? Headers{} : as(client));
      const std::uint64_t x = documented_draw(client, k);
      EXPECT_EQ(r.body.size(), std::min(x, kSize)) << client << " attempt " << k << " X " << x;
    }
  }
  // The three streams differ: no two clients see the same cut on the same attempt.
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    EXPECT_NE(documented_draw("alice", k), documented_draw("bob", k));
    EXPECT_NE(documented_draw("alice", k), documented_draw("", k));
  }
  const auto log = log_with(kAttempts * clients.size());
  ASSERT_EQ(log.size(), kAttempts * clients.size());
  for (const auto& record : log) {
    const std::string client = record.client.value_or("");
    EXPECT_EQ(record.bytes_sent, std::min(documented_draw(client, record.attempt), kSize))
        << client << " attempt " << record.attempt;
  }
}

// The generations a GET k by `client` gets from the random change at position 1 of
// `changes:` (p = 0.5): the successful draws of "PATH:CLIENT:j:change:1" for j = 2 .. k.
std::uint32_t documented_generation(std::string_view client, std::uint32_t k) {
  std::uint32_t g = 0;
  for (std::uint32_t j = 2; j <= k; ++j) {
    Rng rng(derive_seed(kSeed, fmt::format("/file:{}:{}:change:1", client, j)));
    if (rng.chance(0.5)) ++g;
  }
  return g;
}

TEST_F(ServerTest, ChangesKeyedToAttemptsArePerClientAndTimedOnesPerServer) {
  start(
      scenario("changes:\n  - before_attempt: 2\n  - {before_each_attempt: true, probability: "
               "0.5}\n  - at_time: 0s\n"));
  constexpr std::uint32_t kAttempts = 8;
  for (std::uint32_t k = 1; k <= kAttempts; ++k) {
    for (const std::string_view client : {"alice", "bob"}) {
      const HttpResponse r = get("/file", as(client));
      // at_time: 0s has happened for everyone, a new client's attempt 1 included.
      const std::uint32_t g = 1 + (k >= 2 ? 1 : 0) + documented_generation(client, k);
      EXPECT_TRUE(r.body == content_bytes(kContentSeed + g, 0, kSize))
          << client << " attempt " << k << " g " << g << " etag " << r.header("ETag").value_or("");
    }
  }
  // The two clients' draws differ somewhere in the eight attempts (else this proves nothing).
  EXPECT_NE(documented_generation("alice", kAttempts), documented_generation("bob", kAttempts));
  // HEAD sees the generation of the GETs so far by the client it names: a new client, only
  // the timed change.
  const HttpResponse fresh = head("/file", as("carol"));
  EXPECT_EQ(fresh.header("ETag"), fmt::format("\"{:x}-{:x}\"", kContentSeed + 1, kSize));
  const HttpResponse alice = head("/file", as("alice"));
  const std::uint32_t g = 2 + documented_generation("alice", kAttempts);
  EXPECT_EQ(alice.header("ETag"), fmt::format("\"{:x}-{:x}\"", kContentSeed + g, kSize));
}

TEST(LogRecordJson, CarriesTheClientOrNull) {
  proxy::LogRecord record;
  record.path = "/file";
  record.attempt = 2;
  record.client = "alice";
  const std::string named = proxy::to_json_line(record);
  EXPECT_NE(named.find("\"attempt\":2,\"client\":\"alice\",\"method\""), std::string::npos);
  EXPECT_EQ(proxy::log_record_from_json(named).client, "alice");
  record.client.reset();
  const std::string anonymous = proxy::to_json_line(record);
  EXPECT_NE(anonymous.find("\"client\":null,"), std::string::npos);
  EXPECT_EQ(proxy::log_record_from_json(anonymous).client, std::nullopt);
  // A line from before clients had names reads as none.
  std::string old = anonymous;
  old.erase(old.find("\"client\":null,"), std::string_view("\"client\":null,").size());
  EXPECT_EQ(proxy::log_record_from_json(old).client, std::nullopt);
}

}  // namespace
}  // namespace sisyphus::testing
