// `sisyphus proxy` as a subprocess in front of a real nginx: the port file and printed URL,
// a drop and a resume with the real curl binary, the log file, SIGTERM; bad input exits 2.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>

#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/nginx_upstream.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kSize = 3 * 1024 * 1024;
constexpr std::uint64_t kSeed = 9;

class ProxyCommand : public ::testing::Test {
 protected:
  // Runs a command to completion (curl), returning its exit code.
  int run(const std::vector<std::string>& args) {
    Child c(args, dir_ / "run.out", dir_ / "run.err");
    return c.wait(20s).value_or(-2);
  }
  TempDir tmp_{"proxy-cli"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(ProxyCommand, RelaysADropAndACurlResumeThenStopsOnSigterm) {
  auto nginx = NginxUpstream::start({{"big.bin", content_bytes(kSeed, 0, kSize)}});
  write_file(dir_ / "drop.yaml", R"(name: drop-once
resource: {path: /big.bin}
attempts:
  - drop: {at: 1000000, how: close}
)");
  Child proxy({SISYPHUS_BINARY, "proxy", "--upstream", nginx->url(), "--listen", "127.0.0.1:0",
               "--scenario", (dir_ / "drop.yaml").string(), "--port-file",
               (dir_ / "ports.json").string(), "--log", (dir_ / "log.jsonl").string()},
              dir_ / "proxy.out", dir_ / "proxy.err");
  ASSERT_TRUE(wait_for_file(dir_ / "ports.json", 10s)) << read_file(dir_ / "proxy.err");
  const auto ports = boost::json::parse(read_file(dir_ / "ports.json")).as_object();
  const auto port = ports.at("port").as_int64();
  EXPECT_EQ(ports.at("admin_port").as_int64(), 0);
  EXPECT_EQ(read_file(dir_ / "proxy.out"), fmt::format("http://127.0.0.1:{}/big.bin\n", port));

  const std::string url = fmt::format("http://127.0.0.1:{}/big.bin", port);
  const std::string out = (dir_ / "big.bin").string();
  // curl: (18) transfer closed with outstanding read data remaining.
  EXPECT_EQ(run({"/usr/bin/curl", "-sS", "-o", out, url}), 18);
  EXPECT_EQ(fs::file_size(out), 1000000u);
  EXPECT_EQ(run({"/usr/bin/curl", "-sS", "-C", "-", "-o", out, url}), 0);
  EXPECT_TRUE(read_file(out) == content_bytes(kSeed, 0, kSize));

  ::kill(proxy.pid(), SIGTERM);
  EXPECT_EQ(proxy.wait(10s), 0);
  EXPECT_NE(read_file(dir_ / "proxy.err").find("sisyphus proxy: stopped (SIGTERM)"),
            std::string::npos);
  std::istringstream log(read_file(dir_ / "log.jsonl"));
  std::vector<boost::json::object> records;
  for (std::string line; std::getline(log, line);) {
    records.push_back(boost::json::parse(line).as_object());
  }
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].at("status").as_int64(), 200);
  EXPECT_EQ(records[0].at("bytes_sent").as_int64(), 1000000);
  EXPECT_EQ(records[0].at("fault").as_string(), "drop");
  EXPECT_EQ(records[1].at("status").as_int64(), 206);
  EXPECT_EQ(records[1].at("range").as_string(), "bytes=1000000-");
  EXPECT_EQ(records[1].at("bytes_sent").as_int64(), static_cast<std::int64_t>(kSize - 1000000));
}

TEST_F(ProxyCommand, BadUpstreamOrScenarioExits2WithTheReason) {
  Child bad_url(
      {SISYPHUS_BINARY, "proxy", "--upstream", "ftp://127.0.0.1/", "--listen", "127.0.0.1:0"},
      dir_ / "a.out", dir_ / "a.err");
  EXPECT_EQ(bad_url.wait(10s), 2);
  EXPECT_EQ(read_file(dir_ / "a.err"),
            "sisyphus proxy: invalid upstream URL 'ftp://127.0.0.1/': scheme 'ftp' is not "
            "supported, expected http or https\n");

  write_file(dir_ / "s.yaml", "name: s\nresource:\n  etag: weak\n");
  Child bad_key({SISYPHUS_BINARY, "proxy", "--upstream", "http://127.0.0.1:9", "--scenario",
                 (dir_ / "s.yaml").string()},
                dir_ / "b.out", dir_ / "b.err");
  EXPECT_EQ(bad_key.wait(10s), 2);
  EXPECT_EQ(read_file(dir_ / "b.err"),
            fmt::format("sisyphus proxy: {}:3:9: resource.etag does not apply to `sisyphus "
                        "proxy`: the proxy relays the upstream's bytes and validators; only "
                        "resource.path (a glob of the request paths to break) may be given\n",
                        (dir_ / "s.yaml").string()));
  EXPECT_TRUE(read_file(dir_ / "b.out").empty());
}

TEST_F(ProxyCommand, RecordWritesTheScenarioOnSigintOrSaysWhyNot) {
  auto nginx = NginxUpstream::start({{"file", content_bytes(kSeed, 0, kSize)}});
  // Nowhere to write: exit 2 at start, before anything is relayed.
  Child nowhere({SISYPHUS_BINARY, "proxy", "--upstream", nginx->url(), "--listen", "127.0.0.1:0",
                 "--record", (dir_ / "missing" / "r.yaml").string()},
                dir_ / "n.out", dir_ / "n.err");
  EXPECT_EQ(nowhere.wait(10s), 2);
  EXPECT_NE(read_file(dir_ / "n.err").find("cannot write there"), std::string::npos)
      << read_file(dir_ / "n.err");

  // No GET relayed: exit 1 at the end saying so, and no file.
  Child idle(
      {SISYPHUS_BINARY, "proxy", "--upstream", nginx->url(), "--listen", "127.0.0.1:0",
       "--port-file", (dir_ / "idle.json").string(), "--record", (dir_ / "idle.yaml").string()},
      dir_ / "i.out", dir_ / "i.err");
  ASSERT_TRUE(wait_for_file(dir_ / "idle.json", 10s));
  ::kill(idle.pid(), SIGINT);
  EXPECT_EQ(idle.wait(10s), 1);
  EXPECT_NE(read_file(dir_ / "i.err").find("no GET was relayed"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "idle.yaml"));

  // A clean relay from nginx: a scenario of one clean attempt of the same size.
  Child proxy(
      {SISYPHUS_BINARY, "proxy", "--upstream", nginx->url(), "--listen", "127.0.0.1:0",
       "--port-file", (dir_ / "p.json").string(), "--record", (dir_ / "clean.yaml").string()},
      dir_ / "p.out", dir_ / "p.err");
  ASSERT_TRUE(wait_for_file(dir_ / "p.json", 10s));
  const auto port = boost::json::parse(read_file(dir_ / "p.json")).at("port").to_number<int>();
  EXPECT_EQ(run({"/usr/bin/curl", "-sS", "-o", (dir_ / "out").string(),
                 fmt::format("http://127.0.0.1:{}/file", port)}),
            0);
  ::kill(proxy.pid(), SIGINT);
  EXPECT_EQ(proxy.wait(10s), 0);
  const std::string yaml = read_file(dir_ / "clean.yaml");
  EXPECT_NE(yaml.find(fmt::format("resource: {{path: /file, size: {}}}", kSize)), std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  - {}  # attempt 1: 200"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("changes:"), std::string::npos) << yaml;
}

// --record-body: nginx's bytes are kept beside the scenario, and `sisyphus serve` of the
// recorded scenario gives curl exactly those bytes.
TEST_F(ProxyCommand, RecordBodyKeepsTheUpstreamsBytesAndServeReplaysThem) {
  auto nginx = NginxUpstream::start({{"file", content_bytes(kSeed, 0, kSize)}});
  Child proxy({SISYPHUS_BINARY, "proxy", "--upstream", nginx->url(), "--listen", "127.0.0.1:0",
               "--port-file", (dir_ / "p.json").string(), "--record", (dir_ / "rec.yaml").string(),
               "--record-body", (dir_ / "bodies").string()},
              dir_ / "p.out", dir_ / "p.err");
  ASSERT_TRUE(wait_for_file(dir_ / "p.json", 10s));
  const auto port = boost::json::parse(read_file(dir_ / "p.json")).at("port").to_number<int>();
  EXPECT_EQ(run({"/usr/bin/curl", "-sS", "-o", (dir_ / "through.bin").string(),
                 fmt::format("http://127.0.0.1:{}/file", port)}),
            0);
  ::kill(proxy.pid(), SIGINT);
  EXPECT_EQ(proxy.wait(10s), 0) << read_file(dir_ / "p.err");
  const std::string yaml = read_file(dir_ / "rec.yaml");
  EXPECT_NE(yaml.find("resource: {path: /file, file: bodies/recorded-file.bin}\n"),
            std::string::npos)
      << yaml;
  EXPECT_TRUE(
      same_bytes(read_file(dir_ / "bodies" / "recorded-file.bin"), content_bytes(kSeed, 0, kSize)));

  Child serve({SISYPHUS_BINARY, "serve", "--scenario", (dir_ / "rec.yaml").string(), "--listen",
               "127.0.0.1:0", "--port-file", (dir_ / "s.json").string()},
              dir_ / "s.out", dir_ / "s.err");
  ASSERT_TRUE(wait_for_file(dir_ / "s.json", 10s)) << read_file(dir_ / "s.err");
  const auto serve_port =
      boost::json::parse(read_file(dir_ / "s.json")).at("port").to_number<int>();
  EXPECT_EQ(run({"/usr/bin/curl", "-sS", "-o", (dir_ / "replayed.bin").string(),
                 fmt::format("http://127.0.0.1:{}/file", serve_port)}),
            0);
  ::kill(serve.pid(), SIGTERM);
  EXPECT_EQ(serve.wait(10s), 0);
  EXPECT_TRUE(same_bytes(read_file(dir_ / "replayed.bin"), content_bytes(kSeed, 0, kSize)));
}

}  // namespace
}  // namespace sisyphus::testing
