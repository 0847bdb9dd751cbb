// `sisyphus serve` killed with SIGKILL while `sisyphus get` is in the middle of the body, then
// started again on the same port with the same scenario: get retries through the refused
// connections and resumes, with If-Range, from exactly the bytes it had, to the right file.
// The same port because the client's resume depends on the URL: a state for another URL is
// discarded (docs/client.md); serve binds with SO_REUSEADDR, so the port of a killed server
// can be bound again at once.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "get_crash.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/dir_watch.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::uint64_t kSize = 4 * 1024 * 1024;
// The same content, ETag and Last-Modified from every server started with it; a second to
// send the whole body.
constexpr const char* kScenario =
    "name: restart\nseed: 1\nresource: {size: 4MiB, seed: 7}\n"
    "faults:\n  - throttle: {rate: 4MiB/s}\n";

class GetServerRestartTest : public ::testing::Test {
 protected:
  // `sisyphus serve` on `listen` ("127.0.0.1:0" or a port to take again), logging to `log`;
  // its port once it listens, nullopt (with a failure) when it did not start.
  std::optional<std::uint16_t> serve(std::optional<Child>& child, const std::string& listen,
                                     const std::string& name) {
    const fs::path port_file = dir_ / (name + ".port.json");
    child.emplace(std::vector<std::string>{SISYPHUS_BINARY, "serve", "--scenario",
                                           (dir_ / "restart.yaml").string(), "--listen", listen,
                                           "--port-file", port_file.string(), "--log",
                                           (dir_ / (name + ".jsonl")).string()},
                  "/dev/null", dir_ / (name + ".err"));
    if (!wait_for_file(port_file, 10s)) {
      ADD_FAILURE() << name << " did not start: " << read_file(dir_ / (name + ".err"));
      return std::nullopt;
    }
    return json::parse(read_file(port_file)).at("port").to_number<std::uint16_t>();
  }

  // The request log file of server `name` once it has `n` records (waits up to 5 s).
  std::vector<proxy::LogRecord> log_of(const std::string& name, std::size_t n) {
    const auto deadline = Clock::now() + 5s;
    std::vector<std::string> lines;
    while ((lines = read_lines(dir_ / (name + ".jsonl"))).size() < n && Clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    std::vector<proxy::LogRecord> log;
    for (const auto& line : lines) log.push_back(proxy::log_record_from_json(line));
    return log;
  }

  TempDir tmp_{"get-server-restart"};
  const fs::path dir_ = tmp_.path();
  TempDir work_{"get-server-restart-out"};
};

TEST_F(GetServerRestartTest, ServeKilledMidBodyAndRestartedOnItsPortGetResumesWithIfRange) {
  write_file(dir_ / "restart.yaml", kScenario);
  std::optional<Child> first;
  const auto port = serve(first, "127.0.0.1:0", "first");
  ASSERT_TRUE(port.has_value());
  const HttpResponse before = fetch("127.0.0.1", *port, "HEAD", "/file");
  const std::string etag = before.header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());

  const fs::path out = work_ / "out.bin";
  const std::string state_name = client::state_path(out).filename();
  DirWatch watch(work_.path());
  // Retries every 50 ms for up to 10 s: long enough for the restart, short of a hang.
  Child get(crash_get_argv(
                fmt::format("http://127.0.0.1:{}/file", *port), out,
                {"--backoff", "constant", "--base", "50ms", "--max-attempts", "200", "--json"}),
            dir_ / "get.out", dir_ / "get.err");
  // Mid-body: once the state counts a quarter of the file.
  ASSERT_TRUE(watch.wait_until(
      [&](const FileEvent& e) {
        if (e.name != state_name || !(e.mask & IN_MOVED_TO)) return false;
        try {
          auto s = client::load_part_state(work_ / state_name);
          return s && s->bytes >= kSize / 4;
        } catch (const ParseError&) {
          return false;  // replaced again while read; the next rename tells
        }
      },
      10s))
      << read_file(dir_ / "get.err");
  first->signal(SIGKILL);
  ASSERT_EQ(first->wait(5s), 128 + SIGKILL);

  // The client sees the cut, then a refused connection, before the server is back.
  const auto deadline = Clock::now() + 10s;
  while (read_file(dir_ / "get.err").find("connect-error") == std::string::npos &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_NE(read_file(dir_ / "get.err").find("connect-error"), std::string::npos)
      << read_file(dir_ / "get.err");
  std::optional<Child> second;
  ASSERT_EQ(serve(second, fmt::format("127.0.0.1:{}", *port), "second"), port);

  ASSERT_EQ(get.wait(30s), 0) << read_file(dir_ / "get.err");
  EXPECT_TRUE(same_bytes(read_file(out), content_bytes(kContentSeed, 0, kSize)));
  EXPECT_EQ(names_in(work_.path()), std::set<std::string>{"out.bin"});

  // Every byte was received once: the cut attempt's, then the rest from where it ended.
  const json::object summary = json::parse(read_file(dir_ / "get.out")).as_object();
  EXPECT_EQ(summary.at("bytes_received").to_number<std::uint64_t>(), kSize);
  EXPECT_EQ(summary.at("bytes_discarded").to_number<std::uint64_t>(), 0u);
  EXPECT_TRUE(summary.at("restarts").as_array().empty());
  const auto& attempts = summary.at("attempt_log").as_array();
  ASSERT_GE(attempts.size(), 3u);
  const auto& cut = attempts.front().as_object();
  EXPECT_EQ(cut.at("outcome").as_string(), "interrupted");
  const std::uint64_t held = cut.at("bytes").to_number<std::uint64_t>();
  EXPECT_GE(held, kSize / 4);
  EXPECT_LT(held, kSize);
  for (std::size_t i = 1; i + 1 < attempts.size(); ++i) {
    EXPECT_EQ(attempts[i].at("outcome").as_string(), "connect-error") << i;
  }
  fmt::print("serve killed after {} bytes; {} refused attempts before the restart\n", held,
             attempts.size() - 2);
  const auto& resumed = attempts.back().as_object();
  EXPECT_EQ(resumed.at("outcome").as_string(), "complete");
  EXPECT_EQ(resumed.at("range").as_string(), fmt::format("bytes={}-", held));
  EXPECT_EQ(resumed.at("if_range").as_string(), etag);

  // The restarted server saw exactly that one request and served the same representation.
  const auto log = log_of("second", 1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].range, fmt::format("bytes={}-", held));
  EXPECT_EQ(log[0].if_range, etag);
  EXPECT_EQ(log[0].status, 206);
  EXPECT_EQ(log[0].bytes_sent, kSize - held);
  const HttpResponse after = fetch("127.0.0.1", *port, "HEAD", "/file");
  EXPECT_EQ(after.header("ETag"), etag);
  EXPECT_EQ(after.header("Last-Modified"), before.header("Last-Modified"));
}

}  // namespace
}  // namespace sisyphus::testing
