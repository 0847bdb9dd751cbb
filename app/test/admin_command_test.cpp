// `sisyphus admin` as a user runs it, against a running `sisyphus serve --admin 127.0.0.1:0
// --port-file`: fault rules added and removed at run time, the log, stats, reset, get and put;
// a server that cannot be reached and a refused request exit 2 with the address or reason.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "cli_test.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/loopback.hpp"
#include "sisyphus/testing/raw_http_client.hpp"

namespace sisyphus::testing {
namespace {

namespace json = boost::json;

class AdminCommand : public CliTest {
 protected:
  void SetUp() override {
    write_file(path("s.yaml"), "name: admin-cli\nresource: {size: 2000, seed: 5}\n");
    server_ = std::make_unique<Child>(
        std::vector<std::string>{SISYPHUS_BINARY, "serve", "--listen", "127.0.0.1:0", "--admin",
                                 "127.0.0.1:0", "--scenario", path("s.yaml"), "--port-file",
                                 path("ports.json")},
        path("serve.out"), path("serve.err"));
    ASSERT_TRUE(wait_for_file(path("ports.json"), 10s)) << read_file(path("serve.err"));
    const json::object ports = json::parse(read_file(path("ports.json"))).as_object();
    port_ = ports.at("port").to_number<std::uint16_t>();
    admin_ = fmt::format("127.0.0.1:{}", ports.at("admin_port").to_number<std::uint16_t>());
  }
  void TearDown() override {
    server_->signal(SIGTERM);
    EXPECT_EQ(server_->wait(5s), 0);
  }
  // `sisyphus admin --admin ADDRESS ARGS...`
  Output admin(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--admin", admin_});
    return sisyphus(args);
  }
  int get_status() { return fetch("127.0.0.1", port_, "GET", "/file").status; }

  std::unique_ptr<Child> server_;
  std::uint16_t port_ = 0;
  std::string admin_;
};

TEST_F(AdminCommand, AddsAndRemovesFaultRulesOfARunningServer) {
  Output added = admin({"add-fault", "{status: {code: 503}}"});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(json::parse(added.out),
            json::parse(R"({"index": 0, "rule": {"status": {"code": 503}}})"));
  EXPECT_EQ(get_status(), 503);
  Output second = admin({"add-fault", R"({"latency": {"first_byte": "1ms"}})"});
  EXPECT_EQ(json::parse(second.out).at("index"), 1);
  Output listed = admin({"faults"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_EQ(json::parse(listed.out), json::parse(R"({"faults": [{"status": {"code": 503}},
                                                      {"latency": {"first_byte": "1ms"}}]})"));
  Output removed = admin({"remove-fault", "0"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(json::parse(removed.out).at("rule"), json::parse(R"({"status": {"code": 503}})"));
  EXPECT_EQ(get_status(), 200);

  // The log from seq 1 on is the second request; stats count both; get shows the scenario.
  Output log = admin({"log", "--since", "1"});
  EXPECT_EQ(log.exit_code, 0);
  ASSERT_EQ(std::count(log.out.begin(), log.out.end(), '\n'), 1) << log.out;
  const json::object record = json::parse(log.out).as_object();
  EXPECT_EQ(record.at("seq"), 1);
  EXPECT_EQ(record.at("attempt"), 2);
  EXPECT_EQ(record.at("status"), 200);
  EXPECT_EQ(record.at("fault"), "latency");
  const json::object stats = json::parse(admin({"stats"}).out).as_object();
  EXPECT_EQ(stats.at("requests"), 2);
  EXPECT_EQ(stats.at("connections_total"), 2);
  const json::object scenario = json::parse(admin({"get"}).out).as_object();
  EXPECT_EQ(scenario.at("name"), "admin-cli");
  EXPECT_EQ(scenario.at("faults"), json::parse(R"([{"latency": {"first_byte": "1ms"}}])"));

  Output reset = admin({"reset"});
  EXPECT_EQ(reset.exit_code, 0);
  EXPECT_EQ(json::parse(reset.out).at("requests"), 0);
  EXPECT_EQ(json::parse(reset.out).at("connections_total"), 0);

  write_file(path("t.yaml"), "name: replaced\nresource: {size: 10}\n");
  Output put = admin({"put", path("t.yaml")});
  EXPECT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(json::parse(put.out).at("name"), "replaced");
  EXPECT_EQ(json::parse(admin({"faults"}).out), json::parse(R"({"faults": []})"));
}

TEST_F(AdminCommand, RefusedRequestsExit2WithTheServersReason) {
  Output bad = admin({"add-fault", "{explode: {}}"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("unknown fault kind 'explode'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("(400)"), std::string::npos) << bad.err;
  Output none = admin({"remove-fault", "7"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no fault rule 7: the scenario has none (404)"), std::string::npos)
      << none.err;
  write_file(path("bad.yaml"), "name: bad\nresource: {size: 12 parsecs}\n");
  Output put = admin({"put", path("bad.yaml")});
  EXPECT_EQ(put.exit_code, 2);
  EXPECT_NE(put.err.find("invalid size '12 parsecs'"), std::string::npos) << put.err;
  Output missing = admin({"put", path("nothing.yaml")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  EXPECT_EQ(get_status(), 200);  // nothing changed
}

TEST_F(AdminCommand, AServerThatCannotBeReachedExits2NamingTheAddress) {
  const std::string nobody = fmt::format("127.0.0.1:{}", free_port());
  Output o = sisyphus({"admin", "--admin", nobody, "stats"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("cannot connect to the admin API at " + nobody), std::string::npos) << o.err;
  o = sisyphus({"admin", "--admin", "localhost", "stats"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("invalid address 'localhost'"), std::string::npos) << o.err;
  o = sisyphus({"admin", "stats"});  // --admin is required
  EXPECT_EQ(o.exit_code, 2);
}

}  // namespace
}  // namespace sisyphus::testing
