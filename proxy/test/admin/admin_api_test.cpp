// The admin API over real sockets: scenario get/put, log, stats, reset, metrics, errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "sisyphus/model/loader.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

namespace json = boost::json;

const std::string kScenario = R"(
name: admin
seed: 9
resource: {size: 1000, seed: 3}
attempts:
  - status: {code: 503, retry_after: 1s}
)";

class AdminApi : public ServerTest {
 protected:
  void SetUp() override {
    proxy::ServerOptions options;
    options.admin = "127.0.0.1:0";
    start(kScenario, options);
    ASSERT_NE(server_->admin_port(), 0);
  }
  HttpResponse admin(std::string_view method, std::string_view target, std::string body = "") {
    RawClient c = RawClient::connect("127.0.0.1", server_->admin_port());
    Headers h;
    if (!body.empty() || method == "PUT")
      h.emplace_back("Content-Length", std::to_string(body.size()));
    c.send(request(method, target, h) + body);
    return c.read_response();
  }
  static json::value parse(const std::string& s) { return json::parse(s); }
};

TEST_F(AdminApi, GetScenarioReturnsTheScenarioAsJson) {
  HttpResponse r = admin("GET", "/v1/scenario");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  json::value v = parse(r.body);
  EXPECT_EQ(v.at("name").as_string(), "admin");
  EXPECT_EQ(v.at("seed").to_number<std::uint64_t>(), 9u);
  // The JSON loads back into the same scenario.
  model::Scenario again = proxy::load_scenario_string(r.body, "again.json");
  EXPECT_EQ(again.name, "admin");
  EXPECT_EQ(again.resource().size, 1000u);
  ASSERT_EQ(again.attempts.size(), 1u);
  EXPECT_EQ(again.attempts[0].faults[0].kind, "status");
}

TEST_F(AdminApi, PutScenarioReplacesItAndResetsCounters) {
  EXPECT_EQ(get("/file").status, 503);  // attempt 1 of the first scenario
  HttpResponse r =
      admin("PUT", "/v1/scenario",
            R"({"name": "second", "resource": {"path": "/big", "size": 2000, "seed": 8}})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse(r.body).at("name").as_string(), "second");
  EXPECT_EQ(get("/file").status, 404);
  HttpResponse big = get("/big");
  log_with(2);
  EXPECT_EQ(big.status, 200);
  EXPECT_TRUE(same_bytes(big.body, content_bytes(8, 0, 2000)));
  auto log = log_with(2);
  ASSERT_EQ(log.size(), 2u);  // the first scenario's request was reset away
  EXPECT_EQ(log[1].attempt, 1u);
  EXPECT_EQ(server_->scenario().name, "second");
  // YAML works as well as JSON.
  EXPECT_EQ(admin("PUT", "/v1/scenario", "name: third\nresource: {size: 10}\n").status, 200);
  EXPECT_EQ(server_->scenario().name, "third");
}

// Random keys and random changes survive PUT then GET: the JSON the API gives back loads
// into the same scenario, `{mean: …}` and `before_each_attempt` included.
TEST_F(AdminApi, MemorylessLinksRoundTripThroughPutAndGet) {
  const std::string yaml =
      "name: memoryless\nseed: 4\nresource: {size: 1MiB}\nfaults:\n"
      "  - drop: {after: {mean: 50%}, how: reset}\n"
      "  - drop: {after_time: {mean: 5s}, probability: 0.5}\n"
      "changes:\n  - {before_each_attempt: true, probability: 0.1}\n";
  ASSERT_EQ(admin("PUT", "/v1/scenario", yaml).status, 200);
  HttpResponse r = admin("GET", "/v1/scenario");
  ASSERT_EQ(r.status, 200);
  const json::value v = parse(r.body);
  EXPECT_EQ(v.at("faults").at(0).at("drop").at("after").at("mean").as_string(), "50%");
  EXPECT_EQ(v.at("faults").at(1).at("drop").at("after_time").at("mean").as_string(), "5s");
  EXPECT_EQ(v.at("changes").at(0).at("before_each_attempt").as_bool(), true);
  EXPECT_EQ(v.at("changes").at(0).at("probability").as_double(), 0.1);
  const model::Scenario again = proxy::load_scenario_string(r.body, "again.json");
  EXPECT_TRUE(model::equivalent(again, server_->scenario()));
  EXPECT_TRUE(again.faults.at(0).fault.params.is_mean("after"));
  EXPECT_EQ(admin("PUT", "/v1/scenario", r.body).status, 200);  // and goes back in
  EXPECT_TRUE(model::equivalent(again, server_->scenario()));
}

TEST_F(AdminApi, BadScenarioIs400NamingTheProblem) {
  struct Case {
    std::string body;
    std::string expect_in_error;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"name": "x", "resource": {"size": )", "<admin>:1:"},
           {",", "<admin>:1:1: invalid YAML: ',' outside a flow collection"},
           {R"({"name": "x", "resource": {"size": "lots"}})", "invalid size 'lots'"},
           {R"({"name": "x", "resource": {"sise": 10}})", "did you mean 'size'"},
           {R"({"name": "x", "resource": {"size": 10}, "attempts": [{"explode": {}}]})",
            "unknown fault kind 'explode'"},
           {R"({"name": "x", "resource": {"size": 10}, "attempts": [{"drop": {"how": "close"}}]})",
            "expected 'at'"},
       }) {
    SCOPED_TRACE(c.body);
    HttpResponse r = admin("PUT", "/v1/scenario", c.body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    json::value v = parse(r.body);
    const std::string error(v.at("error").as_string());
    EXPECT_NE(error.find(c.expect_in_error), std::string::npos) << error;
  }
  EXPECT_EQ(server_->scenario().name, "admin");  // unchanged
}

TEST_F(AdminApi, LogStatsResetAndMetrics) {
  get("/file");                             // 503 (attempt 1)
  get("/file", {{"Range", "bytes=0-99"}});  // 206, 100 bytes
  get("/nothing");                          // 404
  log_with(3);  // a session logs right after its last byte, maybe after the client read it
  HttpResponse log = admin("GET", "/v1/log");
  EXPECT_EQ(log.status, 200);
  EXPECT_EQ(log.header("Content-Type"), "application/x-ndjson");
  std::vector<proxy::LogRecord> records;
  for (std::size_t at = 0; at < log.body.size();) {
    std::size_t eol = log.body.find('\n', at);
    ASSERT_NE(eol, std::string::npos);
    records.push_back(proxy::log_record_from_json(log.body.substr(at, eol - at)));
    at = eol + 1;
  }
  ASSERT_EQ(records.size(), 3u);
  // The lines come in order of completion, and a request completes once its body is
  // acknowledged, which may be after the client, having read it, has sent the next one.
  std::ranges::sort(records, {}, &proxy::LogRecord::t);
  EXPECT_EQ(records[0].status, 503);
  EXPECT_EQ(records[0].fault, "status");
  EXPECT_EQ(records[1].range, "bytes=0-99");
  EXPECT_EQ(records[1].bytes_sent, 100u);
  EXPECT_EQ(records[2].status, 404);

  json::value stats = parse(admin("GET", "/v1/stats").body);
  EXPECT_EQ(stats.at("requests").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(stats.at("bytes_sent").to_number<std::uint64_t>(),
            records[0].bytes_sent + 100 + records[2].bytes_sent);
  EXPECT_EQ(stats.at("bytes_written").to_number<std::uint64_t>(),
            records[0].bytes_written + records[1].bytes_written + records[2].bytes_written);
  EXPECT_EQ(records[1].bytes_written, 100u);
  EXPECT_EQ(stats.at("faults").at("status").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(stats.at("scenario").as_string(), "admin");

  HttpResponse metrics = admin("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.header("Content-Type").value_or("").starts_with("text/plain; version=0.0.4"));
  EXPECT_NE(metrics.body.find("\nsisyphus_requests_total 3\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find(fmt::format("\nsisyphus_bytes_sent_total {}\n",
                                          records[0].bytes_sent + 100 + records[2].bytes_sent)),
            std::string::npos);
  EXPECT_NE(metrics.body.find(fmt::format("\nsisyphus_bytes_written_total {}\n",
                                          stats.at("bytes_written").to_number<std::uint64_t>())),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("\nsisyphus_faults_total{kind=\"status\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE sisyphus_connections_open gauge\n"), std::string::npos);

  HttpResponse reset = admin("POST", "/v1/reset");
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(parse(reset.body).at("requests").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(admin("GET", "/v1/log").body, "");
  EXPECT_EQ(get("/file").status, 503);  // attempt counters restarted: attempt 1 again
  EXPECT_EQ(log_with(1)[0].attempt, 1u);
}

// POST /v1/reset zeroes every counter of /v1/stats, connections_total included (it was
// left counting since start), and they count from zero again after it.
TEST_F(AdminApi, ResetZeroesEveryCounter) {
  proxy::ServerOptions options;
  options.admin = "127.0.0.1:0";
  options.log_capacity = 1;  // so that `dropped` counts too
  start(kScenario, options);
  get("/file");                             // 503 (attempt 1): a fault fired
  get("/file", {{"Range", "bytes=0-99"}});  // 206, 100 bytes
  get("/file");                             // 200, 1000 bytes
  log_with(1);
  wait_connections_closed();
  json::value before = parse(admin("GET", "/v1/stats").body);
  EXPECT_EQ(before.at("requests").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(before.at("connections_total").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(before.at("dropped").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(before.at("peak_active").to_number<std::uint64_t>(), 1u);

  json::object after = parse(admin("POST", "/v1/reset").body).as_object();
  for (const char* counter :
       {"requests", "bytes_sent", "bytes_written", "connections_open", "connections_total",
        "dropped", "active", "peak_active", "over_capacity"}) {
    EXPECT_EQ(after.at(counter).to_number<std::uint64_t>(), 0u) << counter;
  }
  EXPECT_TRUE(after.at("faults").as_object().empty());
  // Every number the answer has is one of those above: a counter added later is checked too.
  for (const auto& [key, value] : after) {
    if (value.is_number()) {
      EXPECT_EQ(value.to_number<std::uint64_t>(), 0u) << key;
    }
  }

  EXPECT_EQ(get("/file").status, 503);  // attempt 1 again
  log_with(1);
  wait_connections_closed();
  json::value again = parse(admin("GET", "/v1/stats").body);
  EXPECT_EQ(again.at("requests").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(again.at("connections_total").to_number<std::uint64_t>(), 1u);
}

TEST_F(AdminApi, UnknownPathsAndWrongMethods) {
  HttpResponse missing = admin("GET", "/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(parse(missing.body).at("error").as_string().find("/v1/nothing"), std::string::npos);
  HttpResponse wrong = admin("DELETE", "/v1/scenario");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("Allow"), "GET, PUT");
  EXPECT_EQ(admin("GET", "/v1/reset").header("Allow"), "POST");
  EXPECT_EQ(admin("POST", "/metrics").status, 405);
  EXPECT_EQ(admin("GARBAGE", "").status, 400);
}

TEST_F(AdminApi, OversizedHeadsAndBodiesGetTheirStatusAsJson) {
  // 2000 small fields (about 20 KB) are over the 16 KiB head limit in all, although no
  // single read window of Beast's parser holds that much.
  Headers many;
  for (int i = 0; i < 2000; ++i) many.emplace_back(fmt::format("X-F{}", i), "v");
  RawClient c = RawClient::connect("127.0.0.1", server_->admin_port());
  c.send(request("GET", "/v1/stats", many));
  HttpResponse head = c.read_response();
  EXPECT_EQ(head.status, 431);
  EXPECT_EQ(parse(head.body).at("error").as_string(), "request header larger than 16384 bytes");

  // The announced length is enough: the body is refused before any of it is read.
  RawClient big = RawClient::connect("127.0.0.1", server_->admin_port());
  big.send(request("PUT", "/v1/scenario", {{"Content-Length", "1048577"}}));
  HttpResponse body = big.read_response();
  EXPECT_EQ(body.status, 413);
  EXPECT_EQ(parse(body.body).at("error").as_string(), "request body larger than 1048576 bytes");
}

TEST_F(AdminApi, KeepAliveOnTheAdminConnection) {
  RawClient c = RawClient::connect("127.0.0.1", server_->admin_port());
  for (int i = 0; i < 3; ++i) {
    c.send(request("GET", "/v1/stats"));
    EXPECT_EQ(c.read_response().status, 200);
  }
}

}  // namespace
}  // namespace sisyphus::testing
