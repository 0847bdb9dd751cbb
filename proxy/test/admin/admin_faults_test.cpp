// Fault rules added and removed at run time over the admin API (POST /v1/faults, DELETE
// /v1/faults/{i}, GET /v1/faults), like toxiproxy's toxics: the log, the counters and the
// attempt counts go on; bad rules are 400 with the loader's reason.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

namespace json = boost::json;

const std::string kScenario = R"(
name: live-faults
seed: 4
resource: {size: 1000, seed: 3}
)";

class AdminFaults : public ServerTest {
 protected:
  void SetUp() override {
    proxy::ServerOptions options;
    options.admin = "127.0.0.1:0";
    start(kScenario, options);
  }
  HttpResponse admin(std::string_view method, std::string_view target, std::string body = "") {
    RawClient c = RawClient::connect("127.0.0.1", server_->admin_port());
    Headers h;
    if (!body.empty() || method == "POST" || method == "PUT")
      h.emplace_back("Content-Length", std::to_string(body.size()));
    c.send(request(method, target, h) + body);
    return c.read_response();
  }
  json::value faults() {
    HttpResponse r = admin("GET", "/v1/faults");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    return json::parse(r.body).at("faults");
  }
};

TEST_F(AdminFaults, RulesAddedAndRemovedApplyFromTheNextRequestAndCountersGoOn) {
  HttpResponse clean = get("/file");  // attempt 1
  EXPECT_EQ(clean.status, 200);
  EXPECT_EQ(clean.body.size(), 1000u);
  EXPECT_EQ(faults(), json::array());

  HttpResponse added =
      admin("POST", "/v1/faults", R"({"status": {"code": 503, "retry_after": "1s"}})");
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.header("Location"), "/v1/faults/0");
  EXPECT_EQ(json::parse(added.body),
            json::parse(R"({"index": 0, "rule": {"status": {"code": 503, "retry_after": "1s"}}})"));
  HttpResponse refused = get("/file");  // attempt 2
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("Retry-After"), "1");

  // YAML works as well, narrowing keys included.
  HttpResponse second = admin("POST", "/v1/faults", "drop: {at: 50%, attempts: [4]}\n");
  EXPECT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(json::parse(second.body).at("index"), 1);
  EXPECT_EQ(faults(), json::parse(R"([{"status": {"code": 503, "retry_after": "1s"}},
                                      {"drop": {"at": "50%", "attempts": [4]}}])"));
  // The scenario has them too.
  EXPECT_EQ(json::parse(admin("GET", "/v1/scenario").body).at("faults"), faults());
  ASSERT_EQ(server_->scenario().faults.size(), 2u);

  HttpResponse removed = admin("DELETE", "/v1/faults/0");
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(json::parse(removed.body),
            json::parse(R"({"index": 0, "rule": {"status": {"code": 503, "retry_after": "1s"}}})"));
  EXPECT_EQ(faults(), json::parse(R"([{"drop": {"at": "50%", "attempts": [4]}}])"));

  HttpResponse third = get("/file");  // attempt 3: the drop is for attempt 4
  EXPECT_EQ(third.status, 200);
  EXPECT_TRUE(same_bytes(third.body, content_bytes(3, 0, 1000)));
  HttpResponse fourth = get("/file");  // attempt 4: cut at 500
  EXPECT_EQ(fourth.status, 200);
  EXPECT_EQ(fourth.end, End::fin);
  EXPECT_EQ(fourth.body.size(), 500u);

  // Nothing was reset: the log holds every request, numbered on.
  const auto log = by_attempt(log_with(4));
  ASSERT_EQ(log.size(), 4u);
  for (std::uint32_t k = 0; k < 4; ++k) EXPECT_EQ(log[k].attempt, k + 1);
  EXPECT_EQ(log[1].fault, "status");
  EXPECT_EQ(log[3].fault, "drop");
  EXPECT_EQ(log[3].bytes_sent, 500u);
  EXPECT_EQ(json::parse(admin("GET", "/v1/stats").body).at("requests"), 4);
}

TEST_F(AdminFaults, NoSuchIndexIs404) {
  HttpResponse none = admin("DELETE", "/v1/faults/0");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(json::parse(none.body).at("error"), "no fault rule 0: the scenario has none");
  ASSERT_EQ(admin("POST", "/v1/faults", R"({"latency": {"first_byte": "1ms"}})").status, 201);
  HttpResponse beyond = admin("DELETE", "/v1/faults/1");
  EXPECT_EQ(beyond.status, 404);
  EXPECT_EQ(json::parse(beyond.body).at("error"), "no fault rule 1: expected an index from 0 to 0");
  EXPECT_EQ(admin("DELETE", "/v1/faults/x").status, 404);
  EXPECT_EQ(admin("DELETE", "/v1/faults/-1").status, 404);
  EXPECT_EQ(faults().as_array().size(), 1u);
}

TEST_F(AdminFaults, BadRulesAre400WithTheLoadersReason) {
  struct Case {
    std::string body;
    std::string expect_in_error;
  };
  for (const Case& c : std::vector<Case>{
           {"", "<admin>"},
           {R"({"explode": {}})", "<admin>:1:2: unknown fault kind 'explode'"},
           {R"({"dorp": {"at": "50%"}})", "did you mean 'drop'"},
           {R"({"drop": {"how": "close"}})", "expected 'at'"},
           {R"({"drop": {"at": "50%", "hw": "reset"}})", "unknown key 'hw'"},
           {R"({"status": {"code": 200}})", "expected an HTTP status from 300 to 599, got 200"},
           {R"({"drop": {"at": "50%", "for": "1s"}})", "'for' applies only to how: stall"},
           {R"({"latency": {"first_byte": "1ms"}, "throttle": {"rate": "1MiB/s"}})",
            "expected one fault kind per rule"},
           {R"({"drop": {"at": "10%", "probability": 2}})", "expected a probability from 0 to 1"},
           {R"([{"drop": {"at": "10%"}}])", "expected one fault kind per rule"},
       }) {
    SCOPED_TRACE(c.body);
    HttpResponse r = admin("POST", "/v1/faults", c.body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    const std::string error(json::parse(r.body).at("error").as_string());
    EXPECT_NE(error.find(c.expect_in_error), std::string::npos) << error;
  }
  EXPECT_EQ(faults(), json::array());
  EXPECT_EQ(get("/file").status, 200);
}

TEST_F(AdminFaults, MethodsOfTheFaultRoutes) {
  HttpResponse list = admin("PUT", "/v1/faults", "{}");
  EXPECT_EQ(list.status, 405);
  EXPECT_EQ(list.header("Allow"), "GET, POST");
  HttpResponse one = admin("GET", "/v1/faults/0");
  EXPECT_EQ(one.status, 405);
  EXPECT_EQ(one.header("Allow"), "DELETE");
}

}  // namespace
}  // namespace sisyphus::testing
