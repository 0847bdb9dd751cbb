// redirect: what it puts in the plan, what it refuses (with file:line:column), and the exact
// answer over loopback from `serve` and from `sisyphus proxy`; curl (-L and not) through a
// redirect to a mirror that cuts the body.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "fault_test_util.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/fault_server.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::proxy::test {
namespace {

TEST(RedirectPlan, SetsTheCodeAndTheLocationAsWritten) {
  const ResponsePlan p = plan_for("redirect: {to: /mirror/file}");
  EXPECT_EQ(p.status, 302);
  EXPECT_EQ(p.location, "/mirror/file");
  EXPECT_TRUE(p.headers.empty());
  EXPECT_EQ(p.applied, std::vector<std::string>{"redirect"});
  const ResponsePlan q = plan_for("redirect: {to: \"http://127.0.0.1:9/x?y=1\", code: 308}");
  EXPECT_EQ(q.status, 308);
  EXPECT_EQ(q.location, "http://127.0.0.1:9/x?y=1");
  // The bare form is short for `to:`.
  EXPECT_EQ(plan_for("redirect: /m").location, "/m");
}

TEST(RedirectPlan, TheLastStatusWinsAndARedirectDropsAnEarlierRetryAfter) {
  const ResponsePlan p =
      plan_for("{status: {code: 503, retry_after: 5s}, redirect: {to: /m, code: 307}}");
  EXPECT_EQ(p.status, 307);
  EXPECT_TRUE(p.headers.empty());
  EXPECT_EQ(p.applied, (std::vector<std::string>{"status", "redirect"}));
}

struct BadCase {
  std::string yaml;
  std::string error;
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.yaml;
}

class RedirectErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(RedirectErrors, NameFileLineColumn) {
  EXPECT_EQ(load_error(GetParam().yaml), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Refused, RedirectErrors,
    ::testing::Values(
        BadCase{with_attempt("redirect: {code: 302}"),
                "t.yaml:6:15: expected 'to' (the Location: a path (/mirror/file) or an http(s) "
                "URL, sent as written)"},
        BadCase{with_attempt("redirect: {to: ''}"),
                "t.yaml:6:20: expected a path starting with '/' or an http(s) URL, got ''"},
        BadCase{with_attempt("redirect: {to: mirror/file}"),
                "t.yaml:6:20: expected a path starting with '/' or an http:// or https:// URL, "
                "got 'mirror/file'"},
        BadCase{with_attempt("redirect: {to: 'ftp://h/f'}"),
                "t.yaml:6:20: expected a path starting with '/' or an http:// or https:// URL, "
                "got 'ftp://h/f'"},
        BadCase{with_attempt("redirect: {to: '/a b'}"),
                "t.yaml:6:20: invalid Location '/a b': byte 0x20 at position 2 (spaces, control "
                "and non-ASCII bytes must be percent-encoded)"},
        BadCase{with_attempt("redirect: {to: \"/a\\tb\"}"),
                "t.yaml:6:20: invalid Location '/a\tb': byte 0x09 at position 2 (spaces, control "
                "and non-ASCII bytes must be percent-encoded)"},
        BadCase{with_attempt("redirect: {to: //h/f}"),
                "t.yaml:6:20: '//h/f' is a scheme-relative URL: write a path starting with a "
                "single '/' or a URL starting with http:// or https://"},
        BadCase{with_attempt("redirect: {to: 'http:///f'}"),
                "t.yaml:6:20: 'http:///f' has no host"},
        BadCase{with_attempt("redirect: {to: /m, code: 304}"),
                "t.yaml:6:30: expected 301, 302, 303, 307 or 308, got 304"},
        BadCase{with_attempt("redirect: {to: /m, code: 300}"),
                "t.yaml:6:30: expected 301, 302, 303, 307 or 308, got 300"},
        // A loop: every GET of /file is sent back to /file (a query or an escape is the same
        // path to the origin).
        BadCase{with_rule("redirect: {to: /file}"),
                "t.yaml:6:20: redirect loop: every GET of /file is redirected to /file (give the "
                "rule attempts: or a probability below 1, or another path)"},
        BadCase{with_rule("redirect: {to: '/fil%65?v=2', code: 301}"),
                "t.yaml:6:20: redirect loop: every GET of /file is redirected to /fil%65?v=2 "
                "(give the rule attempts: or a probability below 1, or another path)"}));

TEST(RedirectErrors, NoLoopWhenSomeGetCanStillGetTheResource) {
  // A list of attempts ends, a probability below 1 lets some through, an attempts: entry
  // applies to one GET, another path or a URL is not the resource.
  EXPECT_EQ(load_error(with_rule("redirect: {to: /file, attempts: [1, 2]}")), "");
  EXPECT_EQ(load_error(with_rule("redirect: {to: /file, probability: 0.5}")), "");
  EXPECT_EQ(load_error(with_attempt("redirect: {to: /file}")), "");
  EXPECT_EQ(load_error(with_rule("redirect: {to: /mirror}")), "");
  EXPECT_EQ(load_error(with_rule("redirect: {to: 'http://127.0.0.1:1/file'}")), "");
}

TEST(RedirectErrors, WithSeveralResourcesALoopIsARuleThatSendsOneOfItsOwnResourcesToItself) {
  const std::string two =
      "name: t\nresources:\n  - {id: file, path: /app.bin, size: 100}\n"
      "  - {id: mirror, path: /m/app.bin, size: 100}\nfaults:\n";
  // From the file to the mirror, for the file only: no loop.
  EXPECT_EQ(load_error(two + "  - redirect: {to: /m/app.bin, resource: file}\n"), "");
  // For every resource, the mirror's GETs go to the mirror: a loop.
  EXPECT_EQ(load_error(two + "  - redirect: {to: /m/app.bin}\n"),
            "t.yaml:6:20: redirect loop: every GET of /m/app.bin is redirected to /m/app.bin "
            "(give the rule attempts: or a probability below 1, or another path)");
  EXPECT_EQ(load_error(two + "  - redirect: {to: /app.bin, resource: /*app.bin}\n"),
            "t.yaml:6:20: redirect loop: every GET of /app.bin is redirected to /app.bin (give "
            "the rule attempts: or a probability below 1, or another path)");
}

TEST(RedirectErrors, UnderTheProxyTheResourcePathIsAGlob) {
  try {
    load_relay_scenario_string(
        "name: t\nresource: {path: /files/*}\nfaults:\n  - redirect: "
        "/files/x\n",
        "r.yaml");
    FAIL() << "a loop was accepted";
  } catch (const model::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "r.yaml:4:15: redirect loop: every GET of /files/* is redirected to /files/x (give "
              "the rule attempts: or a probability below 1, or another path)");
  }
  EXPECT_NO_THROW(load_relay_scenario_string(
      "name: t\nresource: {path: /files/*}\nfaults:\n  - redirect: /mirror/x\n", "r.yaml"));
}

}  // namespace
}  // namespace sisyphus::proxy::test

namespace sisyphus::testing {
namespace {

const std::string kRedirects = scenario_yaml("redirects", "size: 5000, seed: 2", R"(attempts:
  - redirect: {to: "http://127.0.0.1:1/mirror/file?x=1", code: 307}
  - redirect: /elsewhere
  - {status: {code: 503, retry_after: 2}, redirect: {to: /m, code: 301}}
  - {redirect: /m, status: {code: 503}}
  - {}
)");

TEST_F(ServerTest, RedirectAnswersWithTheCodeAndLocationAndNothingOfTheResource) {
  start(kRedirects);
  // A resuming client's Range and If-Range change nothing: no 206, no validators.
  HttpResponse r1 = get("/file", {{"Range", "bytes=100-"}, {"If-Range", "\"2-1388\""}});
  EXPECT_EQ(r1.status, 307);
  EXPECT_EQ(r1.reason, "Temporary Redirect");
  EXPECT_EQ(r1.header_count("Location"), 1u);
  EXPECT_EQ(r1.header("Location"), "http://127.0.0.1:1/mirror/file?x=1");
  EXPECT_EQ(r1.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r1.header("Content-Length"), "23");
  EXPECT_EQ(r1.body, "307 Temporary Redirect\n");
  EXPECT_EQ(r1.end, End::complete);
  for (const char* absent :
       {"Content-Range", "ETag", "Last-Modified", "Accept-Ranges", "Retry-After"}) {
    EXPECT_EQ(r1.header_count(absent), 0u) << absent;
  }

  HttpResponse r2 = get("/file");
  EXPECT_EQ(r2.status, 302);
  EXPECT_EQ(r2.reason, "Found");
  EXPECT_EQ(r2.header("Location"), "/elsewhere");
  EXPECT_EQ(r2.body, "302 Found\n");

  HttpResponse r3 = get("/file");  // the redirect comes last: no Retry-After of the 503
  EXPECT_EQ(r3.status, 301);
  EXPECT_EQ(r3.header("Location"), "/m");
  EXPECT_EQ(r3.header_count("Retry-After"), 0u);

  HttpResponse r4 = get("/file");  // the 503 comes last: no Location is left behind
  EXPECT_EQ(r4.status, 503);
  EXPECT_EQ(r4.header_count("Location"), 0u);

  HttpResponse r5 = get("/file");
  EXPECT_EQ(r5.status, 200);
  EXPECT_EQ(r5.header_count("Location"), 0u);
  EXPECT_EQ(r5.body, content_bytes(2, 0, 5000));

  const auto log = by_attempt(log_with(5));
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[0].status, 307);
  EXPECT_EQ(log[0].fault, "redirect");
  EXPECT_EQ(log[0].range, "bytes=100-");
  EXPECT_EQ(log[0].bytes_sent, 23u);
  EXPECT_EQ(log[1].status, 302);
  EXPECT_EQ(log[2].fault, "status,redirect");
  EXPECT_EQ(log[3].fault, "redirect,status");
  EXPECT_EQ(log[4].fault, std::nullopt);
}

// `sisyphus proxy` answers a redirect itself, without asking the upstream (as a CDN edge
// sends a client to a mirror), like a status fault.
TEST_F(ServerTest, TheProxyRedirectsWithoutAskingTheUpstream) {
  start(scenario_yaml("origin", "size: 5000, seed: 2", ""));
  proxy::ServerOptions options;
  options.upstream = server_->base_url();
  proxy::Server relay(
      std::move(options),
      proxy::load_relay_scenario_string(
          "name: r\nattempts:\n  - redirect: {to: /mirror/file, code: 303}\n", "relay.yaml"));
  relay.start();
  HttpResponse r1 = fetch("127.0.0.1", relay.port(), "GET", "/file", {});
  EXPECT_EQ(r1.status, 303);
  EXPECT_EQ(r1.header("Location"), "/mirror/file");
  EXPECT_EQ(r1.body, "303 See Other\n");
  EXPECT_EQ(r1.header_count("ETag"), 0u);
  HttpResponse r2 = fetch("127.0.0.1", relay.port(), "GET", "/file", {});
  EXPECT_EQ(r2.status, 200);
  EXPECT_EQ(r2.body, content_bytes(2, 0, 5000));
  const auto upstream = log_with(1);
  ASSERT_EQ(upstream.size(), 1u);  // only the second GET reached the origin
  EXPECT_EQ(upstream[0].status, 200);
  const auto relayed = testing::log_with(relay, 2);
  ASSERT_EQ(relayed.size(), 2u);
  EXPECT_EQ(by_attempt(relayed)[0].fault, "redirect");
  relay.stop();
}

// curl as a second client, run as a careful user loops it (docs/runner.md "curl"): the origin
// redirects every GET to a mirror on another port, which cuts its first answer at 50 %.
class CurlThroughARedirect : public ServerTest {
 protected:
  void SetUp() override {
    start(scenario_yaml("origin", "size: 100000, seed: 3",
                        fmt::format("faults:\n  - redirect: {{to: \"{}\"}}\n", mirror_.url())));
  }
  // curl's exit code for one run into out.bin.
  int curl(std::vector<std::string> flags) {
    std::vector<std::string> argv{"/usr/bin/curl", "-q", "-fsS"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"-C", "-", "-o", out().string(), url()});
    return run(argv, dir_.path(), std::chrono::seconds(20)).exit_code.value_or(-1);
  }
  std::filesystem::path out() const { return dir_ / "out.bin"; }

  FaultServer mirror_{scenario_yaml("mirror", "size: 100000, seed: 3",
                                    "attempts:\n  - drop: {at: 50%, how: close}\n")};
  TempDir dir_;
};

// With -L, run 1 ends in curl's exit 18 holding the mirror's 50000 bytes; run 2 asks the
// origin with Range (curl starts each run from the URL it was given), follows the redirect
// with the same Range and appends the mirror's 206: the file is exact. Neither run sends
// If-Range, so nothing would notice a mirror serving another version.
TEST_F(CurlThroughARedirect, WithLocationItResumesFromTheMirrorOnTheNextRun) {
  EXPECT_EQ(curl({"-L"}), 18);  // transfer closed with outstanding read data remaining
  EXPECT_EQ(read_file(out()).size(), 50000u);
  EXPECT_EQ(curl({"-L"}), 0);
  EXPECT_EQ(read_file(out()), content_bytes(3, 0, 100000));

  const auto origin = by_attempt(log_with(2));
  ASSERT_EQ(origin.size(), 2u);
  EXPECT_EQ(origin[0].status, 302);
  EXPECT_EQ(origin[0].range, std::nullopt);
  EXPECT_EQ(origin[1].status, 302);
  EXPECT_EQ(origin[1].range, "bytes=50000-");
  EXPECT_EQ(origin[1].if_range, std::nullopt);
  const auto mirrored = by_attempt(mirror_.wait_for_log(2));
  ASSERT_EQ(mirrored.size(), 2u);
  EXPECT_EQ(mirrored[0].status, 200);
  EXPECT_EQ(mirrored[0].bytes_sent, 50000u);
  EXPECT_EQ(mirrored[1].status, 206);
  EXPECT_EQ(mirrored[1].range, "bytes=50000-");
  EXPECT_EQ(mirrored[1].bytes_sent, 50000u);
}

// Without -L, -f lets a 3xx through: curl stores the redirect's text body as the file and
// exits 0 (the runner's verdict: corrupt). The mirror is never asked.
TEST_F(CurlThroughARedirect, WithoutLocationItKeepsTheRedirectsBodyAsTheFile) {
  EXPECT_EQ(curl({}), 0);
  EXPECT_EQ(read_file(out()), "302 Found\n");
  EXPECT_TRUE(mirror_.log().empty());
}

}  // namespace
}  // namespace sisyphus::testing
