// `sisyphus proxy` when things go wrong: the upstream down, silent, or with a certificate the
// proxy must not trust; attempts to use it as an open proxy; scenario keys and faults that
// cannot apply to a relay. And the admin API in front of a relay.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "relay_fixture.hpp"
#include "sisyphus/model/params.hpp"
#include "sisyphus/testing/loopback.hpp"

namespace sisyphus::testing {
namespace {

// A listener that completes TCP handshakes (the kernel does) but never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST_F(RelayTest, UpstreamDownGives502WithABodyNamingTheProblem) {
  const std::uint16_t dead = free_port();
  proxy::ServerOptions options;
  options.upstream = fmt::format("http://127.0.0.1:{}", dead);
  start("name: pass\n", options);
  HttpResponse r = get("/file.bin");
  EXPECT_EQ(r.status, 502);
  const std::string why = fmt::format(
      "upstream http://127.0.0.1:{0}: cannot connect to 127.0.0.1:{0}: Connection refused", dead);
  EXPECT_EQ(r.body, "502 Bad Gateway\n" + why + "\n");
  EXPECT_EQ(r.end, End::complete);
  // The proxy stays up and keeps answering.
  EXPECT_EQ(get("/file.bin").status, 502);
  auto log = log_with(2);
  EXPECT_EQ(log[0].status, 502);
  EXPECT_EQ(log[0].error, why);
}

TEST_F(RelayTest, SilentUpstreamGives504AfterTheUpstreamTimeout) {
  SilentListener silent;
  proxy::ServerOptions options;
  options.upstream = fmt::format("http://127.0.0.1:{}", silent.port());
  options.upstream_timeout = std::chrono::milliseconds(300);
  start("name: pass\n", options);
  HttpResponse r = get("/file.bin");
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(r.body, fmt::format("504 Gateway Timeout\nupstream http://127.0.0.1:{}: no response "
                                "within 300ms\n",
                                silent.port()));
  EXPECT_GE(r.done_at - r.sent_at, 300ms);
}

TEST_F(RelayTest, OpenProxyRequestsAreRefusedAndNeverReachAnyone) {
  start("name: pass\n");
  const std::size_t before = nginx_->access_log().size();
  const std::string elsewhere = fmt::format("http://127.0.0.1:{}/file.bin", nginx_->port());
  HttpResponse absolute = get(elsewhere);
  EXPECT_EQ(absolute.status, 400);
  EXPECT_EQ(absolute.body,
            fmt::format("400 Bad Request\nrequest target '{}' refused: only origin-form targets "
                        "(/path) are relayed, to {} and nowhere else\n",
                        elsewhere, nginx_->url()));
  HttpResponse tunnel = fetch("127.0.0.1", port(), "CONNECT", "example.com:443");
  EXPECT_EQ(tunnel.status, 405);
  EXPECT_EQ(tunnel.header("Allow"), "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH, TRACE");
  EXPECT_EQ(tunnel.body, fmt::format("405 Method Not Allowed\nCONNECT refused: this is a reverse "
                                     "proxy for {}, not a forward proxy or tunnel\n",
                                     nginx_->url()));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(nginx_->access_log().size(), before);
  auto log = log_with(2);
  EXPECT_EQ(log[0].status, 400);
  EXPECT_EQ(log[1].status, 405);
}

TEST_F(RelayTest, DotSegmentsAreRefusedAndNeverClimbOutOfThePrefix) {
  // Relayed as they are, these would reach nginx's /file.bin from behind the prefix /sub.
  proxy::ServerOptions options;
  options.upstream = nginx_->url() + "/sub";
  start("name: pass\nresource: {path: /sub-only/*}\n", options);
  const std::size_t before = nginx_->access_log().size();
  for (const auto& [target, dots] :
       std::vector<std::pair<std::string, std::string>>{{"/../file.bin", ".."},
                                                        {"/%2e%2e/file.bin", ".."},
                                                        {"/sub-only/..%2F..%2Ffile.bin", ".."},
                                                        {"/a/./b", "."},
                                                        {"/..", ".."}}) {
    HttpResponse r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.body, fmt::format("400 Bad Request\nrequest target '{}' refused: it has a '{}' "
                                  "segment, which clients remove before sending (RFC 3986 "
                                  "5.2.4)\n",
                                  target, dots))
        << target;
  }
  // Dots inside a segment are just a name.
  EXPECT_EQ(get("/..file.bin").status, 404);
  EXPECT_EQ(get("/a.../b").status, 404);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(nginx_->access_log().size(), before + 2);
  auto log = log_with(7);
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[0].status, 400);
  EXPECT_EQ(log[0].attempt, 0u);
}

// File descriptors this process holds: sockets, pipes, epoll and timer fds.
std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

TEST_F(RelayTest, ClientsThatVanishLeaveNoConnectionPipeOrUpstreamBehind) {
  start("name: pass\n");
  // One complete relay first: the pool then holds one idle upstream connection.
  ASSERT_EQ(get("/file.bin").body.size(), kFileSize);
  std::this_thread::sleep_for(50ms);
  const std::size_t baseline = open_fds();

  // 60 clients, 6 at a time, that go away in every way a client can: closing or resetting
  // mid-body (a 200 or a 206, both relayed zero-copy), half-way through the head, or before
  // sending anything.
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 10; ++i) {
        RawClient c = connect();
        switch ((t + i) % 5) {
          case 0:    // reads 64 KiB of a zero-copy relay, then closes
          case 1: {  // ... or resets
            c.set_receive_buffer(16 * 1024);
            c.send(request("GET", "/file.bin"));
            c.read_some(2s, 64 * 1024);
            if ((t + i) % 5 == 1) {
              const ::linger reset{1, 0};
              ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
            }
            c.close();
            break;
          }
          case 2:  // closes in the middle of a 206
            c.send(request("GET", "/file.bin", {{"Range", "bytes=100-"}}));
            c.read_some(2s, 1000);
            c.close();
            break;
          case 3:  // half a request head
            c.send("GET /file.bin HTTP/1.1\r\nHost: x\r\nX-Half: ");
            c.close();
            break;
          default:  // nothing at all
            c.close();
            break;
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  const auto deadline = Clock::now() + 10s;
  while ((proxy_->stats().connections_open > 0 || open_fds() > baseline) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(proxy_->stats().connections_open, 0u);
  // Every aborted relay closed its upstream connection and its pipe (a cut-off body cannot
  // go back to the pool); at most the warm-up's idle connection is left.
  EXPECT_LE(open_fds(), baseline);
  // And the proxy still relays.
  HttpResponse r = get("/file.bin", {{"Range", "bytes=0-99"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, file_bytes(0, 100));
}

TEST_F(RelayTest, HeadsOver16KiBGet431AndNeverReachTheUpstream) {
  start("name: pass\n");
  const std::size_t before = nginx_->access_log().size();
  // Many small fields that add up past the limit (each read window stays under it).
  std::string many = "GET /file.bin HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += fmt::format("X-{}: v\r\n", i);
  RawClient c = connect();
  c.send(many + "\r\n");
  HttpResponse r = c.read_response();
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.reason, "Request Header Fields Too Large");
  HttpResponse one = get("/file.bin", {{"X-Big", std::string(17 * 1024, 'a')}});
  EXPECT_EQ(one.status, 431);
  // Just under the limit is relayed (in fields of 7 KiB: nginx takes lines of up to 8 KiB).
  HttpResponse ok = get("/file.bin", {{"Range", "bytes=0-9"},
                                      {"X-Pad-1", std::string(7 * 1024, 'b')},
                                      {"X-Pad-2", std::string(7 * 1024, 'c')}});
  EXPECT_EQ(ok.status, 206);
  EXPECT_EQ(ok.body, file_bytes(0, 10));
  const auto lines = nginx_->access_log_with(before + 1);
  EXPECT_EQ(lines.size(), before + 1);  // only the last request reached nginx
  auto log = log_with(3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].status, 431);
  EXPECT_EQ(log[1].status, 431);
}

TEST_F(RelayTest, ScenarioKeysAndFaultsThatCannotApplyToARelayAreRejectedWithTheirPosition) {
  try {
    proxy::load_relay_scenario_string("name: x\nresource:\n  path: /a\n  size: 1MiB\n",
                                      "relay.yaml");
    FAIL() << "resource.size accepted";
  } catch (const model::ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "relay.yaml:4:9: resource.size does not apply to `sisyphus proxy`: the proxy "
                 "relays the upstream's bytes and validators; only resource.path (a glob of the "
                 "request paths to break) may be given");
  }
  try {
    proxy::load_relay_scenario_string(
        "name: x\nattempts:\n  - {}\n  - wrong_range: {shift: 1KiB}\n", "relay.yaml");
    FAIL() << "wrong_range accepted";
  } catch (const model::ScenarioError& e) {
    EXPECT_EQ(e.where().line, 4);
    EXPECT_EQ(e.where().column, 18);
    EXPECT_TRUE(
        std::string(e.what()).find("fault 'wrong_range' cannot apply to a relayed response: ") !=
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW(proxy::load_relay_scenario_string("name: x\nfaults:\n  - no_range: {}\n", "r.yaml"),
               model::ScenarioError);
  // The same scenario serves fine as an origin; built in code, the proxy refuses it too.
  model::Scenario origin = proxy::load_scenario_string(
      "name: x\nresource: {size: 1KiB}\nfaults:\n  - no_range: {}\n", "o.yaml");
  proxy::ServerOptions options;
  options.upstream = nginx_->url();
  EXPECT_THROW(proxy::Server(options, origin), model::ScenarioError);
}

TEST_F(RelayTest, AdminApiStatsAndMetricsDescribeTheRelay) {
  proxy::ServerOptions options;
  options.admin = "127.0.0.1:0";
  start("name: pass\n", options);
  ASSERT_EQ(get("/file.bin", {{"Range", "bytes=0-9"}}).status, 206);
  log_with(1);
  const std::uint16_t admin = proxy_->admin_port();
  HttpResponse stats = fetch("127.0.0.1", admin, "GET", "/v1/stats");
  auto s = boost::json::parse(stats.body).as_object();
  EXPECT_EQ(s.at("requests").as_int64(), 1);
  EXPECT_EQ(s.at("bytes_sent").as_int64(), 10);
  HttpResponse metrics = fetch("127.0.0.1", admin, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("sisyphus_bytes_sent_total 10\n"), std::string::npos);
  HttpResponse log = fetch("127.0.0.1", admin, "GET", "/v1/log");
  EXPECT_NE(log.body.find("\"status\":206"), std::string::npos);

  RawClient c = RawClient::connect("127.0.0.1", admin);
  const std::string bad = R"({"name": "x", "resource": {"size": "1MiB"}})";
  c.send(fmt::format("PUT /v1/scenario HTTP/1.1\r\nHost: a\r\nContent-Length: {}\r\n\r\n{}",
                     bad.size(), bad));
  HttpResponse refused = c.read_response();
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("resource.size does not apply to `sisyphus proxy`"),
            std::string::npos);
  const std::string good = R"({"name": "y", "resource": {"path": "/file.bin"}})";
  c.send(fmt::format("PUT /v1/scenario HTTP/1.1\r\nHost: a\r\nContent-Length: {}\r\n\r\n{}",
                     good.size(), good));
  HttpResponse accepted = c.read_response();
  EXPECT_EQ(accepted.status, 200);
  auto scenario = boost::json::parse(accepted.body).as_object();
  EXPECT_EQ(boost::json::serialize(scenario.at("resource")), R"({"path":"/file.bin"})");
}

class TlsRelayTest : public RelayTest {
 protected:
  static void SetUpTestSuite() {
    nginx_ = NginxUpstream::start({{"file.bin", file_bytes(0, kFileSize)}}, true).release();
  }
};

TEST_F(TlsRelayTest, HttpsUpstreamWorksWithTheCaFileByAddressAndByName) {
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    proxy::ServerOptions options;
    options.upstream = fmt::format("https://{}:{}", host, nginx_->tls_port());
    options.ca_file = nginx_->ca_file();
    start("name: pass\n", options);
    HttpResponse r = get("/file.bin", {{"Range", "bytes=4000000-4999999"}});
    EXPECT_EQ(r.status, 206) << host << ": " << r.body;
    EXPECT_EQ(r.header("Content-Range"), "bytes 4000000-4999999/8388608");
    EXPECT_TRUE(r.body == file_bytes(4000000, 1000000));
    proxy_->stop();
  }
}

TEST_F(TlsRelayTest, DropAndCorruptAreExactOnAnHttpsUpstream) {
  proxy::ServerOptions options;
  options.upstream = fmt::format("https://localhost:{}", nginx_->tls_port());
  options.ca_file = nginx_->ca_file();
  start(R"(name: tls-faults
seed: 4
attempts:
  - drop: {at: 5000000, how: reset}
  - corrupt: {at: 4000000}
)",
        options);
  HttpResponse cut = get("/file.bin", {{"Range", "bytes=3000000-"}});
  EXPECT_EQ(cut.status, 206);
  EXPECT_EQ(cut.end, End::rst);
  EXPECT_EQ(cut.body.size(), 2000000u);
  EXPECT_TRUE(cut.body == file_bytes(3000000, 2000000));
  HttpResponse flipped = get("/file.bin", {{"Range", "bytes=3999999-4000001"}});
  const std::string expected = file_bytes(3999999, 3);
  ASSERT_EQ(flipped.body.size(), 3u);
  EXPECT_EQ(flipped.body[0], expected[0]);
  EXPECT_NE(flipped.body[1], expected[1]);
  EXPECT_EQ(flipped.body[2], expected[2]);
}

TEST_F(TlsRelayTest, HttpsUpstreamFailsCleanlyWithoutTheCaFileUnlessInsecure) {
  proxy::ServerOptions options;
  options.upstream = fmt::format("https://127.0.0.1:{}", nginx_->tls_port());
  start("name: pass\n", options);
  HttpResponse r = get("/file.bin");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, fmt::format("502 Bad Gateway\nupstream https://127.0.0.1:{0}: TLS certificate "
                                "verification failed: self-signed certificate "
                                "(127.0.0.1:{0})\n",
                                nginx_->tls_port()));
  proxy_->stop();

  options.insecure = true;
  start("name: pass\n", options);
  HttpResponse insecure = get("/file.bin", {{"Range", "bytes=0-99"}});
  EXPECT_EQ(insecure.status, 206);
  EXPECT_EQ(insecure.body, file_bytes(0, 100));
}

TEST_F(TlsRelayTest, CertificateForAnotherNameIsRefused) {
  proxy::ServerOptions options;
  options.upstream = fmt::format("https://127.0.0.1:{}", nginx_->name_only_port());
  options.ca_file = nginx_->name_only_ca_file();
  start("name: pass\n", options);
  HttpResponse r = get("/file.bin");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, fmt::format("502 Bad Gateway\nupstream https://127.0.0.1:{0}: TLS certificate "
                                "verification failed: IP address mismatch (127.0.0.1:{0})\n",
                                nginx_->name_only_port()));
}

}  // namespace
}  // namespace sisyphus::testing
