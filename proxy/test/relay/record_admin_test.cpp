// POST /v1/record/start and /v1/record/stop (docs/proxy.md "Recording"): recordings started
// and stopped over the admin port of a running proxy, each fresh; refusals with their
// status and why; `serve` has nothing to record.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sisyphus/proxy/admin_client.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOrigin = R"(name: o
resource: {size: 4KiB}
attempts:
  - {}
  - drop: {after: 1000, how: close}
)";

std::string admin_address(const proxy::Server& s) {
  return fmt::format("127.0.0.1:{}", s.admin_port());
}

proxy::AdminReply post(const proxy::Server& s, std::string_view target,
                       std::string_view body = {}) {
  return proxy::admin_request(admin_address(s), "POST", target, body);
}

int get(const proxy::Server& relay, std::string_view target) {
  return fetch("127.0.0.1", relay.port(), "GET", target).status;
}

struct Relay {
  explicit Relay(proxy::ServerOptions options = {})
      : origin({}, scenario_from(kOrigin)),
        relay(
            [&] {
              origin.start();
              options.upstream = origin.base_url();
              options.admin = "127.0.0.1:0";
              return options;
            }(),
            proxy::load_relay_scenario_string("name: pass\n", "pass.yaml")) {
    relay.start();
  }
  proxy::Server origin;
  proxy::Server relay;
};

TEST(RecordAdmin, StartAndStopRecordWhatCameBetweenThemAndSayWhatWasWritten) {
  TempDir dir;
  Relay r;
  const fs::path file = dir.path() / "between.yaml";
  const std::string start_body = fmt::format(R"({{"file": "{}"}})", file.string());

  proxy::AdminReply none = post(r.relay, "/v1/record/stop");
  EXPECT_EQ(none.status, 409);
  EXPECT_EQ(none.error(), "no recording runs");
  proxy::AdminReply no_file = post(r.relay, "/v1/record/start");
  EXPECT_EQ(no_file.status, 400);
  EXPECT_EQ(no_file.error(),
            "no file to record to: send {\"file\": PATH}, or start the proxy with --record FILE");

  EXPECT_EQ(get(r.relay, "/file"), 200);  // before any recording: in none
  proxy::AdminReply started = post(r.relay, "/v1/record/start", start_body);
  EXPECT_EQ(started.status, 200);
  EXPECT_EQ(started.header("Content-Type"), "application/json");
  EXPECT_EQ(started.body, fmt::format("{{\"file\":\"{}\"}}\n", file.string()));
  proxy::AdminReply twice = post(r.relay, "/v1/record/start", start_body);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error(), fmt::format("a recording to {} runs already: POST /v1/record/stop first",
                                       file.string()));
  // A stop with nothing relayed ends the recording and writes nothing.
  proxy::AdminReply empty = post(r.relay, "/v1/record/stop");
  EXPECT_EQ(empty.status, 422);
  EXPECT_EQ(empty.error(), fmt::format("recording to {}: no GET was relayed, so there is nothing "
                                       "to replay",
                                       file.string()));
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(post(r.relay, "/v1/record/stop").status, 409);

  ASSERT_EQ(post(r.relay, "/v1/record/start", start_body).status, 200);
  // The origin's attempt 2 (a FIN at 1000) is the second GET of /file, the first recorded.
  EXPECT_EQ(get(r.relay, "/file"), 200);
  EXPECT_EQ(get(r.relay, "/file"), 200);
  EXPECT_EQ(get(r.relay, "/other"), 404);  // the origin has only /file: a GET all the same
  proxy::AdminReply stopped = post(r.relay, "/v1/record/stop");
  EXPECT_EQ(stopped.status, 200);
  EXPECT_EQ(stopped.body, fmt::format("{{\"file\":\"{}\",\"path\":\"/file\",\"attempts\":2,"
                                      "\"paths\":[\"/file\",\"/other\"]}}\n",
                                      file.string()));
  const std::string yaml = read_file(file);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("  - {drop: {after: 1000, how: close}}  # attempt 1: 200, 1000 of 4096"),
            std::string::npos);
  EXPECT_NE(yaml.find("  - {}  # attempt 2: 200, 4096 of 4096 body bytes\n"), std::string::npos);
  // /other has no size (a 404): no resource stands in for it, and the replay answers 404.
  EXPECT_NE(yaml.find("# Also relayed, not in this scenario: /other (1 GETs): the upstream "
                      "never said how large\n"),
            std::string::npos);
  EXPECT_EQ(proxy::load_scenario_file(file).attempts.size(), 2u);

  r.relay.stop();  // no recording runs: nothing more written, nothing to complain of
  EXPECT_EQ(r.relay.record_error(), "");
}

TEST(RecordAdmin, BadBodiesAndUnwritableFilesAreRefusedWithWhy) {
  TempDir dir;
  Relay r;
  for (const std::string_view body :
       {std::string_view("not json"), std::string_view(R"({"file": 3})"),
        std::string_view(R"({"file": ""})"), std::string_view(R"({"file": "a", "size": 1})"),
        std::string_view(R"(["a"])")}) {
    SCOPED_TRACE(body);
    proxy::AdminReply bad = post(r.relay, "/v1/record/start", body);
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.error(),
              "/v1/record/start takes no body or {\"file\": PATH} (a JSON object with one "
              "non-empty string)");
  }
  const fs::path nowhere = dir.path() / "missing" / "x.yaml";
  proxy::AdminReply unwritable =
      post(r.relay, "/v1/record/start", fmt::format(R"({{"file": "{}"}})", nowhere.string()));
  EXPECT_EQ(unwritable.status, 422);
  EXPECT_EQ(unwritable.error(), fmt::format("recording to {}: cannot write there: No such file "
                                            "or directory",
                                            nowhere.string()));
  // None of those started one.
  EXPECT_EQ(post(r.relay, "/v1/record/stop").status, 409);
  proxy::AdminReply get_start =
      proxy::admin_request(admin_address(r.relay), "GET", "/v1/record/start");
  EXPECT_EQ(get_start.status, 405);
  EXPECT_EQ(get_start.header("Allow"), "POST");
}

// With --record the recording runs from the start; a stop writes it, and a start without a
// body begins a fresh one to the same file, which the proxy's own stop writes.
TEST(RecordAdmin, WithRecordTheFlagsFileIsTheDefaultAndTheLastRecordingIsWrittenAtExit) {
  TempDir dir;
  const fs::path file = dir.path() / "flag.yaml";
  proxy::ServerOptions options;
  options.record = file;
  Relay r(options);
  EXPECT_EQ(post(r.relay, "/v1/record/start").status, 409);  // --record's runs
  EXPECT_EQ(get(r.relay, "/file"), 200);
  proxy::AdminReply first = post(r.relay, "/v1/record/stop");
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("\"attempts\":1,"), std::string::npos) << first.body;
  EXPECT_NE(read_file(file).find("  - {}  # attempt 1: 200, 4096 of 4096 body bytes\n"),
            std::string::npos);

  proxy::AdminReply again = post(r.relay, "/v1/record/start");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, fmt::format("{{\"file\":\"{}\"}}\n", file.string()));
  EXPECT_EQ(get(r.relay, "/file"), 200);  // the origin's attempt 2: a FIN at 1000
  r.relay.stop();
  ASSERT_EQ(r.relay.record_error(), "");
  const std::string yaml = read_file(file);
  SCOPED_TRACE(yaml);
  EXPECT_NE(yaml.find("  - {drop: {after: 1000, how: close}}  # attempt 1: 200, 1000 of 4096"),
            std::string::npos);
  EXPECT_EQ(proxy::load_scenario_file(file).attempts.size(), 1u);
}

TEST(RecordAdmin, ServeHasNothingToRecord) {
  proxy::ServerOptions options;
  options.admin = "127.0.0.1:0";
  proxy::Server serve(options, scenario_from("name: s\nresource: {size: 10}\n"));
  serve.start();
  for (const std::string_view target : {"/v1/record/start", "/v1/record/stop"}) {
    proxy::AdminReply r = post(serve, target);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error(), fmt::format("no {}: sisyphus serve records nothing (recording watches "
                                     "what an upstream does: sisyphus proxy --upstream URL)",
                                     target));
  }
}

}  // namespace
}  // namespace sisyphus::testing
