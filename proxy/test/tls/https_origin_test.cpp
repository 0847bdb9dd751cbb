// HTTPS on the origin's listener (docs/server.md "HTTPS"), over real loopback sockets with
// real OpenSSL on both sides: the made CA verifies, drops stay exact to the byte, the end of
// the stream is a close_notify or a bare FIN as the scenario says (an Asio TLS client tells
// the two apart; curl is the second client), a plain request on the HTTPS port gets 400,
// and bad certificate files or a TLS-only key on plain HTTP are refused with their reason.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sisyphus/core/rng.hpp"
#include "sisyphus/model/scenario_error.hpp"
#include "sisyphus/testing/content.hpp"
#include "sisyphus/testing/files.hpp"
#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/raw_http_client.hpp"
#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::proxy::test {
namespace {

namespace asio = boost::asio;
using namespace sisyphus::testing;
using namespace std::chrono_literals;

constexpr std::uint64_t kSize = 200000;

// What a TLS client read from one GET until the stream ended, and how it ended.
struct TlsRead {
  std::string head;
  std::string body;
  boost::system::error_code end;  // eof: close_notify; stream_truncated: a FIN without it
};

// One GET over TLS with `headers`, trusting only `ca_pem` and checking the host name.
TlsRead get_over_tls(std::uint16_t port, const std::string& ca_pem, const std::string& target,
                     const std::string& headers = "") {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.add_certificate_authority(asio::buffer(ca_pem));
  asio::ssl::stream<asio::ip::tcp::socket> tls(io, ctx);
  tls.set_verify_mode(asio::ssl::verify_peer);
  tls.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  tls.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  tls.handshake(asio::ssl::stream_base::client);
  const std::string request = fmt::format(
      "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{}\r\n", target, headers);
  asio::write(tls, asio::buffer(request));
  std::string all;
  TlsRead out;
  char buf[16384];
  for (;;) {
    const std::size_t n = tls.read_some(asio::buffer(buf), out.end);
    all.append(buf, n);
    if (out.end) break;
  }
  const auto split = all.find("\r\n\r\n");
  if (split == std::string::npos) {
    out.head = all;
  } else {
    out.head = all.substr(0, split + 4);
    out.body = all.substr(split + 4);
  }
  return out;
}

class HttpsOrigin : public ServerTest {
 protected:
  void serve(const std::string& rules, ServerOptions options = {}) {
    options.tls = true;
    options.ca_out = dir_ / "ca.pem";
    start(scenario_yaml("tls", fmt::format("size: {}, seed: 5", kSize), rules), options);
    ca_ = read_file(dir_ / "ca.pem");
  }
  std::string target() const { return server_->scenario().resource().path; }
  // curl's exit code for one run into out.bin, trusting the made CA.
  int curl(std::vector<std::string> flags = {}) {
    std::vector<std::string> argv{"/usr/bin/curl", "-q", "-sS", "--cacert",
                                  (dir_ / "ca.pem").string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"-o", out().string(), url()});
    last_ = run(argv, dir_.path(), 20s);
    return last_.exit_code.value_or(-1);
  }
  std::filesystem::path out() const { return dir_ / "out.bin"; }

  TempDir dir_{"tls"};
  std::string ca_;
  RunResult last_;
};

TEST_F(HttpsOrigin, CurlVerifiesTheMadeCaAndGetsEveryByte) {
  serve("");
  EXPECT_EQ(url().rfind("https://127.0.0.1:", 0), 0u) << url();
  EXPECT_NE(ca_.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_EQ(server_->ca_pem(), ca_);
  ASSERT_EQ(curl({"-f"}), 0) << last_.err;
  EXPECT_EQ(read_file(out()), content_bytes(5, 0, kSize));
  const auto log = log_with(1);
  expect_kept_alive_and_delivered_whole(log, 1, kSize);
  EXPECT_EQ(log[0].protocol, "http/1.1");
  EXPECT_EQ(log[0].stream, std::nullopt);
}

TEST_F(HttpsOrigin, WithoutTheCaCurlRefusesTheCertificate) {
  serve("");
  std::vector<std::string> argv{"/usr/bin/curl", "-q", "-sS", "-o", out().string(), url()};
  const RunResult r = run(argv, dir_.path(), 20s);
  EXPECT_EQ(r.exit_code, 60) << r.err;  // peer certificate cannot be authenticated
}

// The three ends of a cut body, each at 40 seeded offsets: exactly the bytes before the
// offset, then close_notify (how: close), a FIN without it (close_notify: false), or an RST.
TEST_F(HttpsOrigin, DropsAreExactAndEndTheStreamAsWritten) {
  Rng rng(1234);
  struct How {
    std::string rule;
    boost::system::error_code end;
  };
  const std::vector<How> hows{
      {"how: close", asio::error::eof},
      {"how: close, close_notify: false", asio::ssl::error::stream_truncated},
      {"how: reset", asio::error::connection_reset},
  };
  for (const How& how : hows) {
    for (int i = 0; i < 40; ++i) {
      const std::uint64_t at = rng.below(kSize);
      serve(fmt::format("attempts:\n  - drop: {{at: {}, {}}}\n", at, how.rule));
      const TlsRead r = get_over_tls(port(), ca_, target());
      ASSERT_EQ(r.body.size(), at) << how.rule << " at " << at;
      EXPECT_EQ(r.body, content_bytes(5, 0, at)) << how.rule << " at " << at;
      EXPECT_EQ(r.end, how.end) << how.rule << " at " << at << ": " << r.end.message();
      EXPECT_NE(r.head.find(fmt::format("Content-Length: {}\r\n", kSize)), std::string::npos);
    }
  }
}

// A complete response on a connection the server closes (Connection: close) ends cleanly.
TEST_F(HttpsOrigin, ACompleteResponseEndsWithCloseNotify) {
  serve("");
  const TlsRead r = get_over_tls(port(), ca_, target());
  EXPECT_EQ(r.body, content_bytes(5, 0, kSize));
  EXPECT_EQ(r.end, asio::error::eof) << r.end.message();
}

// A 206 over TLS: the same exact range answers as over plain HTTP.
TEST_F(HttpsOrigin, RangesAreServedAsOverPlainHttp) {
  serve("");
  const TlsRead r = get_over_tls(port(), ca_, target(), "Range: bytes=1000-1999\r\n");
  EXPECT_EQ(r.head.rfind("HTTP/1.1 206 ", 0), 0u) << r.head;
  EXPECT_NE(r.head.find(fmt::format("Content-Range: bytes 1000-1999/{}\r\n", kSize)),
            std::string::npos);
  EXPECT_EQ(r.body, content_bytes(5, 1000, 1000));
}

// curl, the second client, does not tell the two ends apart (measured with curl 7.88.1 and
// OpenSSL 3.0): a FIN without close_notify reads as a clean end too, and only Content-Length
// says the body is short: "transfer closed with N bytes remaining to read" (18) both times. The
// file holds exactly the bytes before each cut, and the runs with -C - complete it.
TEST_F(HttpsOrigin, CurlSeesBothEndsAsTheSameShortBodyAndResumes) {
  serve("attempts:\n  - drop: {at: 50%}\n  - drop: {at: 75%, close_notify: false}\n");
  EXPECT_EQ(curl({"-f"}), 18) << last_.err;
  EXPECT_NE(last_.err.find(fmt::format("transfer closed with {} bytes remaining", kSize / 2)),
            std::string::npos)
      << last_.err;
  EXPECT_EQ(read_file(out()).size(), kSize / 2);
  EXPECT_EQ(curl({"-f", "-C", "-"}), 18) << last_.err;
  EXPECT_NE(last_.err.find(fmt::format("transfer closed with {} bytes remaining", kSize / 4)),
            std::string::npos)
      << last_.err;
  EXPECT_EQ(read_file(out()).size(), kSize * 3 / 4);
  EXPECT_EQ(curl({"-f", "-C", "-"}), 0) << last_.err;
  EXPECT_EQ(read_file(out()), content_bytes(5, 0, kSize));
}

TEST_F(HttpsOrigin, APlainRequestOnTheHttpsPortGets400) {
  serve("");
  RawClient c = connect();
  c.send(request("GET", target()));
  const HttpResponse r = c.read_response();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "The plain HTTP request was sent to HTTPS port.\r\n");
  EXPECT_EQ(c.wait_close(2s), End::fin);
}

// A client that connects and never says hello is closed after the header timeout; nothing
// stays open.
TEST_F(HttpsOrigin, ASilentClientIsClosedAfterTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  serve("", options);
  RawClient c = connect();
  EXPECT_NE(c.wait_close(3s), End::timeout);
  wait_connections_closed();
}

TEST_F(HttpsOrigin, StoppingClosesEveryTlsConnection) {
  serve("attempts:\n  - stall: {at: 10, for: 60s}\n");
  std::thread reader([&] { get_over_tls(port(), ca_, target()); });
  ASSERT_EQ(log_with(0).size(), 0u);
  std::this_thread::sleep_for(200ms);
  const auto begun = std::chrono::steady_clock::now();
  server_->stop();
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begun, 5s);
}

// `sisyphus proxy --tls`: the proxy's listener speaks HTTPS to its clients and plain HTTP to
// its upstream; a relayed drop is as exact, and ends with close_notify.
TEST_F(ServerTest, TheProxysListenerServesHttps) {
  start(scenario_yaml("origin", fmt::format("size: {}, seed: 5", kSize), ""));
  TempDir dir("tls-proxy");
  ServerOptions options;
  options.upstream = server_->base_url();
  options.tls = true;
  options.ca_out = dir / "ca.pem";
  Server relay(std::move(options),
               load_relay_scenario_string("name: r\nattempts:\n  - drop: {at: 12345, how: close}\n",
                                          "relay.yaml"));
  relay.start();
  const std::string ca = read_file(dir / "ca.pem");
  const TlsRead cut = get_over_tls(relay.port(), ca, "/file");
  EXPECT_EQ(cut.body, content_bytes(5, 0, 12345));
  EXPECT_EQ(cut.end, asio::error::eof) << cut.end.message();
  const TlsRead whole = get_over_tls(relay.port(), ca, "/file");
  EXPECT_EQ(whole.body, content_bytes(5, 0, kSize));
  relay.stop();
}

TEST(HttpsCertificates, GivenFilesAreServedAndVerified) {
  TempDir dir("tls-files");
  const RunResult made = run(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
       "-keyout", (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()},
      dir.path(), 20s);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ServerOptions options;
  options.tls_cert = dir / "cert.pem";
  options.tls_key = dir / "key.pem";
  Server server(options, scenario_from(scenario_yaml("files", "size: 1000, seed: 2", "")));
  server.start();
  EXPECT_EQ(server.ca_pem(), "");
  const TlsRead r = get_over_tls(server.port(), read_file(dir / "cert.pem"), "/file");
  EXPECT_EQ(r.body, content_bytes(2, 0, 1000));
}

TEST(HttpsCertificates, AnUnreadableKeyOrAMismatchIsRefusedWithItsReason) {
  TempDir dir("tls-bad");
  const auto scenario = scenario_from(scenario_yaml("bad", "size: 1000", ""));
  auto start_error = [&](ServerOptions options) -> std::string {
    try {
      Server server(options, scenario);
      server.start();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  ServerOptions missing;
  missing.tls_cert = dir / "cert.pem";
  missing.tls_key = dir / "nope.pem";
  write_file(dir / "cert.pem", "not a certificate\n");
  EXPECT_EQ(start_error(missing),
            fmt::format("--tls-key {}: cannot read: No such file or directory",
                        (dir / "nope.pem").string()));
  ServerOptions garbage = missing;
  garbage.tls_key = dir / "cert.pem";
  EXPECT_EQ(start_error(garbage).rfind(fmt::format("--tls-cert {}: not a PEM certificate chain: ",
                                                   (dir / "cert.pem").string()),
                                       0),
            0u);
  ServerOptions half;
  half.tls_cert = dir / "cert.pem";
  EXPECT_EQ(start_error(half), "--tls-cert needs --tls-key (the certificate's key)");
}

TEST(HttpsScenario, ATlsOnlyKeyOnPlainHttpIsRefusedAtItsPosition) {
  const auto scenario = scenario_from(
      scenario_yaml("plain", "size: 1000", "attempts:\n  - drop: {at: 10, close_notify: false}\n"));
  try {
    Server server({}, scenario);
    FAIL() << "a plain HTTP server took close_notify";
  } catch (const model::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "'close_notify' in drop needs HTTPS: serve the scenario with server: {tls: "
                  "true} (or --tls)"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("test.yaml:"), std::string::npos) << e.what();
  }
  // The same scenario with server: {tls: true} is served over HTTPS without any option.
  auto tls = scenario;
  tls.server.tls = true;
  Server server({}, tls);
  server.start();
  EXPECT_EQ(server.base_url().rfind("https://", 0), 0u);
  EXPECT_NE(server.ca_pem(), "");
}

}  // namespace
}  // namespace sisyphus::proxy::test
