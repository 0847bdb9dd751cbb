// `server: {tls: true}` through the runner: the scenario is served over HTTPS, the run's CA
// reaches every kind of client (in-process, reference-cli, curl, curl-h2 over HTTP/2, wget,
// aria2c, a command's {ca_file}), and each resumes a stream truncated without close_notify
// into an exact file.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sisyphus/proxy/server.hpp"
#include "sisyphus/runner/runner.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::runner {
namespace {

using reports::Verdict;

constexpr const char* kTruncated = R"(name: https-truncated
seed: 9
server: {tls: true}
resource: {size: 1MiB}
attempts:
  - drop: {at: 40%, close_notify: false}
expect:
  verdict: ok
  max_attempts: 2
  max_wasted_bytes: 0
  max_duration: 10s
)";

class HttpsRun : public ::testing::TestWithParam<std::string> {
 protected:
  reports::ScenarioResult run(const std::string& client, const std::string& yaml = kTruncated) {
    const auto path = dir_.path() / "s.yaml";
    std::ofstream(path) << yaml;
    RunOptions o;
    o.work_root = dir_.path() / "work";
    o.sisyphus_binary = SISYPHUS_TEST_BINARY;
    o.client = client;
    return run_scenario(proxy::load_scenario_file(path), o);
  }
  sisyphus::testing::TempDir dir_{"https-run"};
};

TEST_P(HttpsRun, EveryClientGetsTheCaAndResumesTheTruncatedStream) {
  const auto r = run(GetParam());
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("");
  EXPECT_EQ(r.attempts, 2u) << r.client_output.value_or("");
  EXPECT_EQ(r.bytes_wasted, 0u);
  EXPECT_TRUE(r.passed) << r.client_output.value_or("");
}

INSTANTIATE_TEST_SUITE_P(Clients, HttpsRun,
                         ::testing::Values("reference", "reference-cli", "curl", "curl-h2", "wget",
                                           "aria2c"),
                         [](const ::testing::TestParamInfo<std::string>& client) {
                           std::string name = client.param;
                           std::erase(name, '-');
                           return name;
                         });

// {ca_file} is the run's CA: curl trusts it and nothing else (--cacert replaces the store).
TEST_F(HttpsRun, ACommandGetsTheCaFile) {
  const auto r =
      run("command: curl -fsS --cacert {ca_file} -o {output} {url} || "
          "curl -fsS --cacert {ca_file} -C - -o {output} {url}");
  EXPECT_EQ(r.verdict, Verdict::ok) << r.client_output.value_or("");
  EXPECT_EQ(r.attempts, 2u);
}

}  // namespace
}  // namespace sisyphus::runner
