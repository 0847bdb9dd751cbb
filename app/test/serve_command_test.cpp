// `sisyphus serve` as a subprocess: --port-file, the printed URL, the request log file,
// fetched with the real curl binary, stopped with SIGTERM/SIGINT; scenario errors exit 2.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

// curl's exit code for one download.
int curl(std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/curl", "-sS"});
  return Child(args, "/dev/null", "/dev/null").wait(30s).value_or(-2);
}

class ServeCommand : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  std::unique_ptr<Child> serve(std::vector<std::string> args) {
    args.insert(args.begin(), {SISYPHUS_BINARY, "serve"});
    return std::make_unique<Child>(args, dir_ / "stdout", dir_ / "stderr");
  }
  // {"port": P, "admin_port": Q} once the server listens.
  boost::json::object wait_port_file(const fs::path& file) {
    wait_for_file(file, 10s);
    return boost::json::parse(read_file(file)).as_object();
  }
  TempDir tmp_{"serve-cli"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(ServeCommand, ServesAScenarioToCurlAndStopsOnSigterm) {
  const fs::path scenario = write("drop.yaml", R"(
name: drop-half
resource: {size: 200000, seed: 12}
attempts:
  - drop: {at: 50%, how: reset}
)");
  auto server = serve({"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--scenario",
                       scenario.string(), "--port-file", (dir_ / "ports.json").string(), "--log",
                       (dir_ / "log.jsonl").string()});
  ASSERT_GT(server->pid(), 0);
  auto ports = wait_port_file(dir_ / "ports.json");
  const auto port = ports.at("port").to_number<std::uint16_t>();
  const auto admin_port = ports.at("admin_port").to_number<std::uint16_t>();
  EXPECT_GT(port, 0);
  EXPECT_GT(admin_port, 0);
  EXPECT_FALSE(fs::exists(dir_ / "ports.json.tmp"));
  const std::string url = fmt::format("http://127.0.0.1:{}/file", port);
  std::this_thread::sleep_for(50ms);  // the URL line is printed right after the port file
  EXPECT_EQ(read_file(dir_ / "stdout"), url + "\n");

  // Attempt 1 is reset at 50 %: curl fails (56, receive error) holding exactly 100000 bytes.
  const fs::path out = dir_ / "out.bin";
  EXPECT_EQ(curl({"-o", out.string(), url}), 56);
  EXPECT_EQ(fs::file_size(out), 100000u);
  // Resuming with a Range completes the file with the right bytes.
  EXPECT_EQ(curl({"-C", "-", "-o", out.string(), url}), 0);
  EXPECT_EQ(read_file(out), content_bytes(12, 0, 200000));

  // The admin API answers; the log file has both requests.
  HttpResponse stats = fetch("127.0.0.1", admin_port, "GET", "/v1/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(boost::json::parse(stats.body).at("requests").to_number<int>(), 2);
  std::istringstream lines(read_file(dir_ / "log.jsonl"));
  std::vector<boost::json::object> log;
  for (std::string line; std::getline(lines, line);)
    log.push_back(boost::json::parse(line).as_object());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].at("bytes_sent").to_number<int>(), 100000);
  EXPECT_EQ(log[0].at("fault").as_string(), "drop");
  EXPECT_EQ(log[1].at("range").as_string(), "bytes=100000-");
  EXPECT_EQ(log[1].at("status").to_number<int>(), 206);
  EXPECT_EQ(log[1].at("bytes_sent").to_number<int>(), 100000);

  ASSERT_EQ(::kill(server->pid(), SIGTERM), 0);
  EXPECT_EQ(server->wait(5s), 0);
  EXPECT_NE(read_file(dir_ / "stderr").find("stopped (SIGTERM)"), std::string::npos);
}

TEST_F(ServeCommand, DefaultScenarioAndSigint) {
  auto server = serve({"--listen", "127.0.0.1:0", "--port-file", (dir_ / "p.json").string()});
  auto ports = wait_port_file(dir_ / "p.json");
  const auto port = ports.at("port").to_number<std::uint16_t>();
  EXPECT_EQ(ports.at("admin_port").to_number<int>(), 0);
  HttpResponse head = fetch("127.0.0.1", port, "HEAD", "/file");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "67108864");  // 64 MiB
  EXPECT_EQ(head.header("ETag"), "\"1-4000000\"");
  ASSERT_EQ(::kill(server->pid(), SIGINT), 0);
  EXPECT_EQ(server->wait(5s), 0);
}

TEST_F(ServeCommand, ScenarioErrorsNameFileLineColumnAndExit2) {
  const fs::path bad = write("bad.yaml", "name: bad\nresource:\n  size: 12 parsecs\n");
  auto server = serve({"--listen", "127.0.0.1:0", "--scenario", bad.string()});
  EXPECT_EQ(server->wait(10s), 2);
  const std::string err = read_file(dir_ / "stderr");
  EXPECT_NE(err.find(bad.string() + ":3:9:"), std::string::npos) << err;
  EXPECT_NE(err.find("invalid size '12 parsecs'"), std::string::npos) << err;

  auto missing = serve({"--scenario", (dir_ / "nope.yaml").string()});
  EXPECT_EQ(missing->wait(10s), 2);

  auto bad_listen = serve({"--listen", "nowhere:80"});
  EXPECT_EQ(bad_listen->wait(10s), 2);
  EXPECT_NE(read_file(dir_ / "stderr").find("invalid address 'nowhere:80'"), std::string::npos);
}

// --tls --ca-out: the URL is https://, curl trusts the written CA (and only with it), and the
// scenario's close_notify: false is taken; a key file that cannot be read exits 2 naming it.
TEST_F(ServeCommand, TlsServesHttpsWithTheWrittenCaAndRefusesAnUnreadableKey) {
  const fs::path scenario = write("tls.yaml", R"(
name: tls-drop
resource: {size: 100000, seed: 4}
attempts:
  - drop: {at: 30000, close_notify: false}
)");
  const fs::path ca = dir_ / "ca.pem";
  auto server = serve({"--listen", "127.0.0.1:0", "--scenario", scenario.string(), "--tls",
                       "--ca-out", ca.string(), "--port-file", (dir_ / "ports.json").string()});
  const auto port = wait_port_file(dir_ / "ports.json").at("port").to_number<std::uint16_t>();
  const std::string url = fmt::format("https://127.0.0.1:{}/file", port);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(read_file(dir_ / "stdout"), url + "\n");
  const fs::path out = dir_ / "out.bin";
  EXPECT_EQ(curl({"-o", out.string(), url}), 60);  // not without the CA
  EXPECT_EQ(curl({"--cacert", ca.string(), "-o", out.string(), url}), 18);
  EXPECT_EQ(fs::file_size(out), 30000u);
  EXPECT_EQ(curl({"--cacert", ca.string(), "-C", "-", "-o", out.string(), url}), 0);
  EXPECT_EQ(read_file(out), content_bytes(4, 0, 100000));
  ASSERT_EQ(::kill(server->pid(), SIGTERM), 0);
  EXPECT_EQ(server->wait(5s), 0);

  const fs::path cert = write("cert.pem", read_file(ca));
  auto bad = serve({"--listen", "127.0.0.1:0", "--tls-cert", cert.string(), "--tls-key",
                    (dir_ / "missing.key").string()});
  EXPECT_EQ(bad->wait(10s), 2);
  EXPECT_EQ(read_file(dir_ / "stderr"),
            fmt::format("sisyphus serve: --tls-key {}: cannot read: No such file or directory\n",
                        (dir_ / "missing.key").string()));

  // Without --tls the scenario's close_notify is refused at its position.
  auto plain = serve({"--listen", "127.0.0.1:0", "--scenario", scenario.string()});
  EXPECT_EQ(plain->wait(10s), 2);
  EXPECT_NE(read_file(dir_ / "stderr")
                .find(scenario.string() +
                      ":5:37: 'close_notify' in drop needs HTTPS: serve the scenario with "
                      "server: {tls: true} (or --tls)"),
            std::string::npos)
      << read_file(dir_ / "stderr");
}

TEST_F(ServeCommand, AdminOnANonLoopbackAddressNeedsAllowRemoteAndWarns) {
  auto refused = serve({"--listen", "127.0.0.1:0", "--admin", "0.0.0.0:0"});
  EXPECT_EQ(refused->wait(10s), 2);
  EXPECT_NE(read_file(dir_ / "stderr").find("listens on loopback only"), std::string::npos)
      << read_file(dir_ / "stderr");

  const fs::path port_file = dir_ / "ports.json";
  auto allowed = serve({"--listen", "127.0.0.1:0", "--admin", "0.0.0.0:0", "--admin-allow-remote",
                        "--port-file", port_file.string()});
  const boost::json::object ports = wait_port_file(port_file);
  const auto admin_port = static_cast<std::uint16_t>(ports.at("admin_port").as_int64());
  EXPECT_EQ(fetch("127.0.0.1", admin_port, "GET", "/v1/stats").status, 200);
  ::kill(allowed->pid(), SIGTERM);
  EXPECT_EQ(allowed->wait(10s), 0);
  EXPECT_NE(read_file(dir_ / "stderr")
                .find("warning: the admin API listens on 0.0.0.0:0 without authentication"),
            std::string::npos)
      << read_file(dir_ / "stderr");
}

TEST_F(ServeCommand, LogCapacityBoundsTheLogInMemoryButNotTheFile) {
  const fs::path scenario = write("small.yaml", "name: small\nresource: {size: 10, seed: 1}\n");
  const fs::path port_file = dir_ / "ports.json";
  auto server = serve({"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--scenario",
                       scenario.string(), "--port-file", port_file.string(), "--log",
                       (dir_ / "log.jsonl").string(), "--log-capacity", "3"});
  const boost::json::object ports = wait_port_file(port_file);
  const auto port = ports.at("port").to_number<std::uint16_t>();
  const auto admin_port = ports.at("admin_port").to_number<std::uint16_t>();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(fetch("127.0.0.1", port, "GET", "/file").status, 200);
  HttpResponse log = fetch("127.0.0.1", admin_port, "GET", "/v1/log");
  EXPECT_EQ(log.header("Sisyphus-Log-First"), "7");
  EXPECT_EQ(log.header("Sisyphus-Log-Next"), "10");
  EXPECT_EQ(std::count(log.body.begin(), log.body.end(), '\n'), 3);
  const auto stats = boost::json::parse(fetch("127.0.0.1", admin_port, "GET", "/v1/stats").body);
  EXPECT_EQ(stats.at("dropped").to_number<int>(), 7);
  ::kill(server->pid(), SIGTERM);
  EXPECT_EQ(server->wait(10s), 0);
  const std::string file = read_file(dir_ / "log.jsonl");
  EXPECT_EQ(std::count(file.begin(), file.end(), '\n'), 10);

  auto negative = serve({"--listen", "127.0.0.1:0", "--log-capacity", "-1"});
  EXPECT_EQ(negative->wait(10s), 2);
}

}  // namespace
}  // namespace sisyphus::testing
