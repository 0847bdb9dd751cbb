// Where the admin API may listen: it replaces the scenario and has no authentication, so
// only on loopback unless the user says otherwise (ServerOptions::admin_allow_remote).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"

namespace sisyphus::testing {
namespace {

const std::string kScenario = "name: bind\nresource: {size: 10}\n";

proxy::ServerOptions with_admin(const std::string& where, bool allow_remote) {
  proxy::ServerOptions options;
  options.admin = where;
  options.admin_allow_remote = allow_remote;
  return options;
}

TEST(AdminBind, ANonLoopbackAddressIsRefusedWithTheReason) {
  for (const std::string where : {"0.0.0.0:0", "[::]:0"}) {
    SCOPED_TRACE(where);
    proxy::Server server(with_admin(where, false), scenario_from(kScenario));
    try {
      server.start();
      ADD_FAILURE() << "started";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()),
                "admin API on " + where +
                    " refused: it replaces the scenario and has no authentication, so it "
                    "listens on loopback only (127.0.0.1, [::1]) unless remote access is "
                    "allowed (--admin-allow-remote)");
    }
  }
}

TEST(AdminBind, LoopbackAddressesNeedNoPermission) {
  for (const std::string where : {"127.0.0.1:0", "127.0.0.2:0", ":0"}) {
    SCOPED_TRACE(where);
    proxy::Server server(with_admin(where, false), scenario_from(kScenario));
    server.start();
    EXPECT_FALSE(server.admin_remote());
    EXPECT_NE(server.admin_port(), 0);
  }
}

TEST(AdminBind, AllowedRemoteListensEverywhereAndSaysSo) {
  proxy::Server server(with_admin("0.0.0.0:0", true), scenario_from(kScenario));
  server.start();
  EXPECT_TRUE(server.admin_remote());
  EXPECT_EQ(fetch("127.0.0.1", server.admin_port(), "GET", "/v1/stats").status, 200);
}

}  // namespace
}  // namespace sisyphus::testing
