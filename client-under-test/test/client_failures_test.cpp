// Downloads that cannot succeed fail at once or after their attempts, saying why: 404, a
// refused connection, invalid options.
#include "client_server_fixture.hpp"

namespace sisyphus::client::test {
namespace {

TEST_F(ClientServerTest, NotFoundFailsAtOnce) {
  start(scenario(""));
  Options o = options();
  o.url = server_->base_url() + "/missing";
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::fatal_status);
  EXPECT_EQ(r.error, "attempt 1: unexpected status 404");
  EXPECT_FALSE(fs::exists(out()));
  // Nothing held: no part and no state file left to look like a download in progress.
  EXPECT_FALSE(fs::exists(part_path(out())));
  EXPECT_FALSE(fs::exists(state_path(out())));
}

TEST_F(ClientServerTest, ConnectionRefusedIsRetriedThenGivenUp) {
  // A port that was free a moment ago: nothing listens there.
  start(scenario(""));
  const std::string dead = server_->url();
  server_->stop();
  Options o = quick_options(dead, out());
  o.max_attempts = 3;
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.attempts, 3u);
  for (const auto& a : r.attempt_log) EXPECT_EQ(a.outcome, AttemptOutcome::connect_error);
  EXPECT_TRUE(r.error.starts_with("gave up after 3 attempts; last: attempt 3: ")) << r.error;
}

TEST_F(ClientServerTest, InvalidOptionsAreAUsageError) {
  Options o = quick_options("ftp://127.0.0.1/x", out());
  Result r = download(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.error, "invalid URL 'ftp://127.0.0.1/x': expected an http:// or https:// URL");
  o = quick_options("http://127.0.0.1/x", out());
  o.sha256 = "abc";
  r = download(o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.error, "invalid sha256 'abc': expected 64 hexadecimal digits");
  o.sha256.reset();
  o.max_attempts = 0;
  EXPECT_EQ(download(o).error, "max attempts must be at least 1");
  o.max_attempts = 1;
  o.headers = {{"range", "bytes=0-"}};
  EXPECT_EQ(download(o).error, "header 'range' cannot be set: the client sends it when it resumes");
}

}  // namespace
}  // namespace sisyphus::client::test
