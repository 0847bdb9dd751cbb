// Options::client_id: the reference and the naive client send `Sisyphus-Client: <id>` on every
// attempt, so the server numbers their attempts apart from everyone else's (docs/server.md
// "Clients"); an id outside the token rule is a usage error.
#include <fmt/format.h>

#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

// Two GETs that name no client come first: had the download not named itself, its first
// attempt would be the path's third (cut at 90 %), not its own first (cut at 30 %).
TEST_F(ClientServerTest, AClientIdIsSentOnEveryAttemptAndNumbersThemFromOne) {
  start(scenario(three_drops("close")));
  ASSERT_EQ(get("/file").body.size(), k30);
  ASSERT_EQ(get("/file").body.size(), k60);
  Options o = options();
  o.client_id = "herd-7";
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 4u);
  EXPECT_EQ(r.bytes_received, kSize);
  EXPECT_EQ(r.bytes_discarded, 0u);
  expect_output_is(1, kSize);

  const auto log = get_requests(log_with(6));
  ASSERT_EQ(log.size(), 6u);
  std::vector<proxy::LogRecord> mine;
  for (const auto& record : log) {
    if (record.client) mine.push_back(record);
  }
  ASSERT_EQ(mine.size(), 4u);  // every attempt named itself
  const std::uint64_t starts[] = {0, k30, k60, k90};
  const std::uint64_t ends[] = {k30, k60, k90, kSize};
  for (std::uint32_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(mine[i].client, "herd-7");
    EXPECT_EQ(mine[i].attempt, i + 1);
    EXPECT_EQ(mine[i].range,
              i == 0 ? std::nullopt : std::optional(fmt::format("bytes={}-", starts[i])));
    EXPECT_EQ(mine[i].bytes_sent, ends[i] - starts[i]);
  }
}

TEST_F(ClientServerTest, TheNaiveClientSendsItsClientIdToo) {
  start(scenario("attempts:\n  - drop: {at: 50%, how: close}\n"));
  ASSERT_EQ(get("/file").body.size(), k50);  // the path's attempt 1
  Options o = options();
  o.naive = true;
  o.client_id = "naive.1";
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2u);  // its own attempt 1 was cut too
  expect_output_is(1, kSize);
  const auto log = get_requests(log_with(3));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].client, std::nullopt);
  for (std::size_t i = 1; i < 3; ++i) EXPECT_EQ(log[i].client, "naive.1");
}

TEST_F(ClientServerTest, AClientIdOutsideTheTokenRuleIsAUsageError) {
  Options o = quick_options("http://127.0.0.1/x", out());
  for (const std::string& bad : std::vector<std::string>{"a:b", "a b", std::string(65, 'x')}) {
    o.client_id = bad;
    const Result r = download(o);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.error, fmt::format("invalid client id '{}': expected 1 to 64 characters of "
                                   "[A-Za-z0-9._-]",
                                   bad));
  }
  o.client_id.clear();
  o.headers = {{"Sisyphus-Client", "x"}};
  EXPECT_EQ(download(o).error, "header 'Sisyphus-Client' cannot be set: the client id sends it");
}

}  // namespace
}  // namespace sisyphus::client::test
